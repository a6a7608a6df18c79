#!/usr/bin/env bash
# Creates (or reuses) the Apache Airflow venv the e2e harness runs, and prints its path on stdout.
# The venv lives outside the repo, keyed by the lock's hash, so a changed lock gets a fresh venv and an
# unchanged one is reused (CI caches ${XDG_CACHE_HOME:-$HOME/.cache}/airtop).
#   venv.sh [3|2]   (or AIRTOP_E2E_AIRFLOW=2): Airflow 3 from requirements.lock, Airflow 2 from requirements-2.lock
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
major="${1:-${AIRTOP_E2E_AIRFLOW:-3}}"
case "$major" in
  3) lock="$here/requirements.lock" ;;
  2) lock="$here/requirements-2.lock" ;;
  *) echo "venv.sh: Airflow major version must be 2 or 3, got '$major'" >&2; exit 2 ;;
esac
python="${AIRTOP_PYTHON:-python3}"

if ! command -v "$python" >/dev/null 2>&1; then
  echo "venv.sh: $python not found; install Python 3.11 (Debian: apt-get install -y python3 python3-venv) or set AIRTOP_PYTHON" >&2
  exit 1
fi

hash="$(sha256sum "$lock" | cut -c1-16)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/airtop"
# Airflow 2's venv has a prefix of its own: tools that look for "the" Airflow venv (test/bench/schema.ts)
# match airflow-venv-* and must never find a 2.x one.
venv="$cache/airflow$([[ "$major" != 2 ]] || echo 2)-venv-$hash"

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
exec 9>"$venv.lock"
flock 9
if usable; then
  echo "$venv"
  exit 0
fi

echo "venv.sh: building $venv from $lock (a few minutes the first time)" >&2
rm -rf "$venv"
"$python" -m venv "$venv"
# Every package is pinned in the lock, so no resolution is needed; pip check then proves it is complete.
expected="$(sed -n 's/^apache-airflow==//p' "$lock")"
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$lock" >&2; then
  # Name what could not be had, so a registry without this release says so plainly.
  echo "venv.sh: could not install apache-airflow==$expected (or a package pinned with it) from $lock; see pip's message above" >&2
  exit 1
fi
"$venv/bin/pip" check >&2
version="$(AIRFLOW_HOME="$probe_home" "$venv/bin/airflow" version 2>/dev/null | tail -n1)"
if [[ "$version" != "$expected" ]]; then
  echo "venv.sh: 'airflow version' printed '$version', expected '$expected'; see $venv" >&2
  exit 1
fi
touch "$marker"
echo "venv.sh: ready (Apache Airflow $version)" >&2
echo "$venv"
