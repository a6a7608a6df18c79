#!/usr/bin/env bash
# Stops the harness Airflow in $AIRTOP_E2E_HOME: SIGTERM then SIGKILL to exactly the process groups start.sh
# recorded, any task process that outlived them, then drops its database. Safe to run twice.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_home
[[ -f "$home/harness.env" ]] || exit 0
load_harness_env

# The api-server (Airflow 2: webserver) last, so running tasks can still report their end; the others drain in parallel.
for name in "${DAEMONS[@]}"; do
  [[ "$name" == "$API_DAEMON" ]] || stop_daemon "$name" &
done
wait
stop_daemon "$API_DAEMON"
sweep_leftovers
python "$harness_dir/pgdb.py" drop "$AIRTOP_E2E_DB" "postgresql://postgres@127.0.0.1:5432/postgres"
echo "airflow harness: database $AIRTOP_E2E_DB dropped" >&2
