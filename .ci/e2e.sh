#!/usr/bin/env bash
# The real-Airflow e2e suite, for CI (.ci/run calls it after `npm ci`, `npm run lint` and `npm test`).
# Needs: Node 20, Python 3.11 with venv, PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres), PyPI.
# Installs what is missing (tmux), builds or reuses the cached Airflow venv, then runs `npm run test:e2e` (Airflow 3.3.2, then 2.11).
# Runs unattended: CI=true, no stdin. Prints how long each step took.
set -euo pipefail
export CI=true
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step_started=$SECONDS
step() {
  echo "e2e.sh: $1 (after $((SECONDS - step_started)) s)"
}

sudo_if_needed() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi
}

apt_install() {
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" </dev/null
}

missing=()
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
probe="$(mktemp -d)"
python3 -m venv "$probe/venv" >/dev/null 2>&1 || missing+=(python3-venv)
rm -rf "$probe"
if ((${#missing[@]} > 0)); then
  step "installing ${missing[*]}"
  apt_install "${missing[@]}"
fi

command -v python3 >/dev/null || { echo "e2e.sh: python3 (3.11) is required" >&2; exit 1; }
python3 - <<'PY' || { echo "e2e.sh: PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1; }
import socket
socket.create_connection(("127.0.0.1", 5432), timeout=5).close()
PY

# Both Airflows (3.3.2, then 2.11) unless AIRTOP_E2E_AIRFLOW names one. A venv that cannot be built is
# reported by name and version; test/e2e/run.sh then still runs the other version's suite.
for major in ${AIRTOP_E2E_AIRFLOW:-3 2}; do
  step "preparing the Apache Airflow $major venv"
  venv_started=$SECONDS
  if venv="$(test/e2e/airflow/venv.sh "$major" </dev/null)"; then
    echo "e2e.sh: venv $venv ready in $((SECONDS - venv_started)) s"
  else
    echo "e2e.sh: the Airflow $major venv could not be built (see above); its suite will be reported as not run" >&2
  fi
done

step "running the e2e suite"
suite_started=$SECONDS
npm run test:e2e </dev/null
echo "e2e.sh: e2e suite passed in $((SECONDS - suite_started)) s; total $((SECONDS - step_started)) s"
