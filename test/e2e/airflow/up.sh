#!/usr/bin/env bash
# By hand: start the e2e Airflow (the same one the tests use) and print its URL and credentials.
#   test/e2e/airflow/up.sh            # Airflow 3.3.2: home .airtop-e2e/airflow in the repo, database airtop_e2e_manual
#   test/e2e/airflow/up.sh 2          # Airflow 2.11: home .airtop-e2e/airflow2, database airtop_e2e2_manual
#   AIRTOP_E2E_PORT=8080 test/e2e/airflow/up.sh
# Then e.g.: AIRFLOW_USERNAME=admin AIRFLOW_PASSWORD=admin-pw node dist/cli.js --url http://127.0.0.1:PORT
# Stop it with test/e2e/airflow/down.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export AIRTOP_E2E_AIRFLOW="${1:-${AIRTOP_E2E_AIRFLOW:-3}}"
suffix="$([[ "$AIRTOP_E2E_AIRFLOW" != 2 ]] || echo 2)"
export AIRTOP_E2E_HOME="${AIRTOP_E2E_HOME:-$(cd "$here/../../.." && pwd)/.airtop-e2e/airflow$suffix}"
export AIRTOP_E2E_DB="${AIRTOP_E2E_DB:-airtop_e2e${suffix}_manual}"
if [[ -f "$AIRTOP_E2E_HOME/harness.env" ]]; then
  echo "up.sh: $AIRTOP_E2E_HOME holds a harness already; run down.sh first" >&2
  exit 1
fi
"$here/start.sh"
echo "Stop it with: $here/down.sh $AIRTOP_E2E_AIRFLOW"
