#!/usr/bin/env bash
# Creates (or reuses) the Apache Airflow venv the e2e harness runs, and prints its path on stdout.
# The venv lives outside the repo, keyed by the lock's hash, so a changed lock gets a fresh venv and an
# unchanged one is reused (CI caches ${XDG_CACHE_HOME:-$HOME/.cache}/airtop).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lock="$here/requirements.lock"
python="${AIRTOP_PYTHON:-python3}"

if ! command -v "$python" >/dev/null 2>&1; then
  echo "venv.sh: $python not found; install Python 3.11 (Debian: apt-get install -y python3 python3-venv) or set AIRTOP_PYTHON" >&2
  exit 1
fi

hash="$(sha256sum "$lock" | cut -c1-16)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/airtop"
venv="$cache/airflow-venv-$hash"

# A venv is usable only once this marker exists: an interrupted install never passes for a good one.
marker="$venv/.airtop-ready"
# `airflow version` creates $AIRFLOW_HOME when it is missing: point it at a throwaway dir, not ~/airflow.
probe_home="$(mktemp -d)"
trap 'rm -rf "$probe_home"' EXIT
usable() { [[ -f "$marker" ]] && AIRFLOW_HOME="$probe_home" "$venv/bin/airflow" version >/dev/null 2>&1; }
if usable; then
  echo "$venv"
  exit 0
fi

mkdir -p "$cache"
# One installer at a time (two test runs starting together would otherwise corrupt the same venv).
exec 9>"$cache/airflow-venv-$hash.lock"
flock 9
if usable; then
  echo "$venv"
  exit 0
fi

echo "venv.sh: building $venv from $lock (a few minutes the first time)" >&2
rm -rf "$venv"
"$python" -m venv "$venv"
# Every package is pinned in the lock, so no resolution is needed; pip check then proves it is complete.
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$lock" >&2
"$venv/bin/pip" check >&2
version="$(AIRFLOW_HOME="$probe_home" "$venv/bin/airflow" version 2>/dev/null | tail -n1)"
expected="$(sed -n 's/^apache-airflow==//p' "$lock")"
if [[ "$version" != "$expected" ]]; then
  echo "venv.sh: 'airflow version' printed '$version', expected '$expected'; see $venv" >&2
  exit 1
fi
touch "$marker"
echo "venv.sh: ready (Apache Airflow $version)" >&2
echo "$venv"
