#!/usr/bin/env bash
# Starts one real Apache Airflow 3 (AIRTOP_E2E_AIRFLOW=2: Airflow 2.11, see below) for the e2e tests (and for a person, through up.sh):
# a fresh PostgreSQL database, AIRFLOW_HOME under $AIRTOP_E2E_HOME, LocalExecutor, SimpleAuthManager users
# admin/op/viewer, the capstone DAGs, the capstone_small pool; then api-server, scheduler, dag-processor and
# triggerer, each in its own process group, PIDs in $AIRTOP_E2E_HOME/pids. Returns once everything is ready.
# On failure it prints the log tails and stops whatever it started.
#
# Env: AIRTOP_E2E_HOME (required), AIRTOP_E2E_DB (airtop_e2e), AIRTOP_E2E_PORT (a free port),
#      AIRTOP_E2E_DAGS (fixtures/airflow/dags), AIRTOP_E2E_READY_TIMEOUT (300 s), AIRTOP_E2E_AIRFLOW (3|2).
# Airflow 2.11: webserver (REST /api/v1, HTTP Basic), scheduler (parses the DAGs too) and triggerer; FAB users
# admin/op/viewer with the roles Admin/Op/Viewer; the DAG folder is a copy of the pipeline DAGs beside the
# reference's five DAGs (fixtures/reference, patched by reference.patch so they run on 2.11); its processes
# send HTTPS through a loopback proxy port (AIRTOP_E2E_HTTPS_PROXY_PORT, common.sh), nothing listening there
# until reference.test.ts starts its PagerDuty capture.
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_home
major="${AIRTOP_E2E_AIRFLOW:-3}"
[[ "$major" == 2 || "$major" == 3 ]] || die "AIRTOP_E2E_AIRFLOW must be 2 or 3, got '$major'"

db="${AIRTOP_E2E_DB:-airtop_e2e}"
[[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || die "AIRTOP_E2E_DB must be a plain lower-case name, got '$db'"
dags="$(cd "${AIRTOP_E2E_DAGS:-$repo_dir/fixtures/airflow/dags}" && pwd)"
venv="$("$harness_dir/venv.sh" "$major")"
free_port() { "$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port="${AIRTOP_E2E_PORT:-$(free_port)}"
# Airflow 2: the port of the HTTPS proxy reference.test.ts runs to capture the reference's PagerDuty events.
proxy_port=""
if [[ "$major" == 2 ]]; then proxy_port="${AIRTOP_E2E_HTTPS_PROXY_PORT:-$(free_port)}"; fi
pg_dsn="postgresql://postgres@127.0.0.1:5432/postgres"

mkdir -p "$home/logs" "$home/pids" "$home/airflow/config"
if [[ "$major" == 2 && -z "${AIRTOP_E2E_DAGS:-}" ]]; then
  dags="$("$harness_dir/reference_dags.sh" "$home/dags")"
fi
cat >"$home/harness.env" <<ENV
AIRTOP_E2E_AIRFLOW=$major
AIRTOP_E2E_DB=$db
AIRTOP_E2E_PORT=$port
AIRTOP_E2E_DAGS=$dags
AIRTOP_E2E_VENV=$venv
AIRTOP_E2E_HTTPS_PROXY_PORT=$proxy_port
ENV
load_harness_env
printf 'export AIRTOP_E2E_HOME=%q\nsource %q/common.sh\nload_harness_env\n' "$home" "$harness_dir" >"$home/airflow.env"

on_failure() {
  local status=$?
  trap - ERR
  echo "airflow harness: start failed (exit $status); log tails follow, then everything started is stopped" >&2
  print_log_tails
  "$harness_dir/stop.sh" >&2 || true
  exit "$status"
}
trap on_failure ERR

# Written before any process starts: SimpleAuthManager only reads it at start-up.
cat >"$home/passwords.json" <<'JSON'
{"admin": "admin-pw", "op": "op-pw", "viewer": "viewer-pw"}
JSON
cp "$harness_dir/airflow_local_settings.py" "$AIRFLOW_HOME/config/airflow_local_settings.py"
if [[ "$major" == 2 ]]; then
  # The airflow.sdk shim first: every Airflow 2 process imports this file before it parses a DAG.
  cat "$harness_dir/airflow2_sdk_shim.py" "$harness_dir/airflow_local_settings.py" >"$AIRFLOW_HOME/config/airflow_local_settings.py"
fi

python "$harness_dir/pgdb.py" create "$db" "$pg_dsn"
echo "airflow harness: database $db created; migrating (log $home/logs/migrate.log)" >&2
airflow db migrate >"$home/logs/migrate.log" 2>&1
airflow pools set capstone_small 2 "e2e: two slots the capstone runs compete for" >>"$home/logs/migrate.log" 2>&1
if [[ "$major" == 2 ]]; then
  # FAB creates its standard roles (Op, Viewer...) on sync-perm, not on migrate.
  airflow sync-perm >>"$home/logs/migrate.log" 2>&1
  for user in admin:Admin op:Op viewer:Viewer; do
    name="${user%%:*}"
    airflow users create --username "$name" --password "$name-pw" --role "${user#*:}" \
      --firstname "$name" --lastname e2e --email "$name@example.invalid" >>"$home/logs/migrate.log" 2>&1
  done
fi

# The api-server first: task processes reach it over /execution/ (Airflow 2: the webserver, for order's sake).
for name in "${DAEMONS[@]}"; do
  # shellcheck disable=SC2046
  start_daemon "$name" $(daemon_args "$name")
done
python "$harness_dir/wait_ready.py"
trap - ERR

cat <<INFO
Apache Airflow $(airflow version 2>/dev/null | tail -n1) is up.
  url        http://127.0.0.1:$port
  users      admin / admin-pw   op / op-pw   viewer / viewer-pw
  database   postgres://postgres@127.0.0.1:5432/$db
  home       $home   (logs in $home/logs; source $home/airflow.env to use the airflow CLI)
INFO
