#!/usr/bin/env bash
# By hand: start the e2e Airflow (the same one the tests use) and print its URL and credentials.
#   test/e2e/airflow/up.sh            # home .airtop-e2e/airflow in the repo, database airtop_e2e_manual
#   AIRTOP_E2E_PORT=8080 test/e2e/airflow/up.sh
# Then e.g.: AIRFLOW_USERNAME=admin AIRFLOW_PASSWORD=admin-pw node dist/cli.js --url http://127.0.0.1:PORT
# Stop it with test/e2e/airflow/down.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export AIRTOP_E2E_HOME="${AIRTOP_E2E_HOME:-$(cd "$here/../../.." && pwd)/.airtop-e2e/airflow}"
export AIRTOP_E2E_DB="${AIRTOP_E2E_DB:-airtop_e2e_manual}"
if [[ -f "$AIRTOP_E2E_HOME/harness.env" ]]; then
  echo "up.sh: $AIRTOP_E2E_HOME holds a harness already; run down.sh first" >&2
  exit 1
fi
"$here/start.sh"
echo "Stop it with: $here/down.sh"
