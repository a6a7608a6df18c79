# Sourced by start.sh, stop.sh and daemon.sh: the environment of one harness Airflow and how to start and
# stop its daemons. Everything one Airflow needs lives under $AIRTOP_E2E_HOME; harness.env there records the
# choices made at start so stop.sh and daemon.sh need nothing but the home.

harness_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(cd "$harness_dir/../../.." && pwd)"
# Airflow 3 by default; AIRTOP_E2E_AIRFLOW=2 (recorded in harness.env) runs Airflow 2.11, whose REST API is the
# webserver's /api/v1 and whose DAG files are parsed inside the scheduler.
set_daemons() {
  if [[ "${AIRTOP_E2E_AIRFLOW:-3}" == 2 ]]; then
    DAEMONS=(webserver scheduler triggerer)
    API_DAEMON=webserver
  else
    DAEMONS=(api-server scheduler dag-processor triggerer)
    API_DAEMON=api-server
  fi
}
set_daemons

die() {
  echo "airflow harness: $*" >&2
  exit 1
}

require_home() {
  [[ -n "${AIRTOP_E2E_HOME:-}" ]] || die "set AIRTOP_E2E_HOME to the directory of the harness Airflow"
  home="$AIRTOP_E2E_HOME"
}

load_harness_env() {
  require_home
  [[ -f "$home/harness.env" ]] || die "$home/harness.env is missing: no harness Airflow was started in $home"
  set -a
  # shellcheck disable=SC1091
  source "$home/harness.env"
  set +a
  set_daemons
  export_airflow_env
  if [[ "${AIRTOP_E2E_AIRFLOW:-3}" == 2 ]]; then export_airflow2_env; fi
}

# Airflow 2.11: FAB users (created by start.sh), HTTP Basic on /api/v1, one gunicorn worker that is never
# recycled (a rolling restart on 2 busy cores looks like an outage to the tests).
export_airflow2_env() {
  local base="http://127.0.0.1:$AIRTOP_E2E_PORT"
  unset AIRFLOW__CORE__EXECUTION_API_SERVER_URL AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE
  unset AIRFLOW__API__HOST AIRFLOW__API__PORT AIRFLOW__API__BASE_URL AIRFLOW__API__WORKERS AIRFLOW__API__SECRET_KEY AIRFLOW__API_AUTH__JWT_SECRET
  export AIRFLOW__API__AUTH_BACKENDS=airflow.api.auth.backend.basic_auth,airflow.api.auth.backend.session
  export AIRFLOW__WEBSERVER__BASE_URL="$base"
  export AIRFLOW__WEBSERVER__WEB_SERVER_HOST=127.0.0.1
  export AIRFLOW__WEBSERVER__WEB_SERVER_PORT="$AIRTOP_E2E_PORT"
  export AIRFLOW__WEBSERVER__WORKERS=1
  export AIRFLOW__WEBSERVER__WORKER_REFRESH_BATCH_SIZE=0
  export AIRFLOW__WEBSERVER__WORKER_REFRESH_INTERVAL=86400
  export AIRFLOW__WEBSERVER__WEB_SERVER_MASTER_TIMEOUT=600
  export AIRFLOW__WEBSERVER__WEB_SERVER_WORKER_TIMEOUT=600
  export AIRFLOW__WEBSERVER__SECRET_KEY=airtop-e2e-webserver-secret
  export AIRFLOW__WEBSERVER__EXPOSE_CONFIG=False
  export AIRFLOW__SCHEDULER__PARSING_PROCESSES=1
  export AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL=5
  export AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL=10
  export AIRFLOW__SCHEDULER__STANDALONE_DAG_PROCESSOR=False
  # SLAs are checked for scheduled runs only; on by default in 2.x, said here because the oracle relies on it.
  export AIRFLOW__CORE__CHECK_SLAS=True
  # The reference DAGs run every 5 minutes: created paused, wait_ready.py unpauses only the pipeline DAGs.
  export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=True
  export AIRFLOW__METRICS__TIMER_UNIT_CONSISTENCY=True
  export AIRFLOW__CORE__LAZY_LOAD_PLUGINS=True
}

# The pinned test credentials; nothing here guards real data.
export_airflow_env() {
  local base="http://127.0.0.1:$AIRTOP_E2E_PORT"
  export AIRFLOW_HOME="$home/airflow"
  export AIRTOP_E2E_HOME="$home"
  export PATH="$AIRTOP_E2E_VENV/bin:$PATH"
  export AIRFLOW__CORE__DAGS_FOLDER="$AIRTOP_E2E_DAGS"
  export AIRFLOW__CORE__LOAD_EXAMPLES=False
  export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False
  export AIRFLOW__CORE__EXECUTOR=LocalExecutor
  export AIRFLOW__CORE__PARALLELISM=4
  export AIRFLOW__CORE__FERNET_KEY=YWlydG9wLWUyZS1mZXJuZXQta2V5LTMyLWJ5dGVzISE=
  export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="$base/execution/"
  export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="admin:admin,op:op,viewer:viewer"
  export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$home/passwords.json"
  export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="postgresql+psycopg2://postgres@127.0.0.1:5432/$AIRTOP_E2E_DB"
  export AIRFLOW__API__HOST=127.0.0.1
  export AIRFLOW__API__PORT="$AIRTOP_E2E_PORT"
  export AIRFLOW__API__BASE_URL="$base"
  export AIRFLOW__API__WORKERS=1
  export AIRFLOW__API__SECRET_KEY=airtop-e2e-api-secret
  export AIRFLOW__API__EXPOSE_CONFIG=False
  export AIRFLOW__API_AUTH__JWT_SECRET=airtop-e2e-jwt-secret-shared-by-every-process
  export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=5
  export AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES=1
  export AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL=30
  export AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC=2
  export AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC=2
  export AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC=2
  # Task logs are files the api-server reads on this host: the daemons run with --skip-serve-logs, so no
  # log-server port is opened.
  export AIRFLOW__LOGGING__BASE_LOG_FOLDER="$home/airflow/logs"
  export AIRFLOW__LOGGING__LOGGING_LEVEL=INFO
  export AIRFLOW__CORE__DAG_IGNORE_FILE_SYNTAX=glob
  export NO_PROXY=127.0.0.1,localhost
  export no_proxy=127.0.0.1,localhost
  # The reference's SLA handler posts to the hard-coded https://events.pagerduty.com: every Airflow 2 process
  # sends HTTPS through a loopback CONNECT proxy that reference.test.ts runs on this port, and trusts only the
  # throwaway CA that test makes (openssl) into $home/https-proxy. Loopback stays direct (NO_PROXY above).
  if [[ -n "${AIRTOP_E2E_HTTPS_PROXY_PORT:-}" ]]; then
    export HTTPS_PROXY="http://127.0.0.1:$AIRTOP_E2E_HTTPS_PROXY_PORT"
    export https_proxy="$HTTPS_PROXY"
    export REQUESTS_CA_BUNDLE="$home/https-proxy/ca.pem"
  fi
}

pid_of() {
  local file="$home/pids/$1.pid"
  [[ -f "$file" ]] && cat "$file"
}

group_alive() {
  kill -0 -- "-$1" 2>/dev/null
}

# Each daemon runs in its own session (setsid), so its process group holds it and its workers.
start_daemon() {
  local name="$1"
  shift
  local pid
  pid="$(pid_of "$name" || true)"
  if [[ -n "$pid" ]] && group_alive "$pid"; then
    echo "airflow harness: $name already runs (pid $pid)" >&2
    return 0
  fi
  AIRTOP_E2E_DAEMON_OF="$home" setsid airflow "$name" "$@" >>"$home/logs/$name.log" 2>&1 </dev/null &
  echo "$!" >"$home/pids/$name.pid"
  echo "airflow harness: started $name (pid $!), log $home/logs/$name.log" >&2
}

daemon_args() {
  case "$1" in
    webserver) echo "--hostname 127.0.0.1 --port $AIRTOP_E2E_PORT --workers 1" ;;
    api-server) echo "--host 127.0.0.1 --port $AIRTOP_E2E_PORT --workers 1" ;;
    scheduler | triggerer) echo "--skip-serve-logs" ;;
    *) echo "" ;;
  esac
}

# SIGTERM to the group, up to 20 s to drain, then SIGKILL.
stop_daemon() {
  local name="$1" pid
  pid="$(pid_of "$name" || true)"
  [[ -n "$pid" ]] || return 0
  if group_alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      group_alive "$pid" || break
      sleep 0.2
    done
    if group_alive "$pid"; then
      echo "airflow harness: $name (pid $pid) ignored SIGTERM for 20 s; sending SIGKILL" >&2
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$home/pids/$name.pid"
  echo "airflow harness: stopped $name (pid $pid)" >&2
}

# Task processes put themselves in their own process group; any that outlive their daemon still carry the
# AIRTOP_E2E_DAEMON_OF=<home> that start_daemon gave only to the daemons, which marks them as ours.
sweep_leftovers() {
  local marker="AIRTOP_E2E_DAEMON_OF=$home" proc pid
  for proc in /proc/[0-9]*; do
    pid="${proc#/proc/}"
    if { tr '\0' '\n' <"$proc/environ"; } 2>/dev/null | grep -qxF "$marker"; then
      kill -KILL "$pid" 2>/dev/null && echo "airflow harness: killed leftover pid $pid" >&2
    fi
  done
  return 0
}

print_log_tails() {
  local file
  for file in "$home"/logs/*.log; do
    [[ -f "$file" ]] || continue
    echo "----- last 40 lines of $file" >&2
    tail -n 40 "$file" >&2
  done
}
