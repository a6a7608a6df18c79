#!/usr/bin/env bash
# start|stop one daemon of the harness Airflow in $AIRTOP_E2E_HOME, e.g. `daemon.sh stop api-server`
# (the e2e tests stop and restart the api-server to see airtop go stale and recover).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
load_harness_env
action="${1:-}"
name="${2:-}"
# "api" (or "api-server"): whichever daemon serves the REST API (Airflow 3 api-server, Airflow 2 webserver).
[[ "$name" == api || "$name" == api-server ]] && name="$API_DAEMON"
[[ " ${DAEMONS[*]} " == *" $name "* ]] || die "usage: daemon.sh start|stop ${DAEMONS[*]// /|}"
case "$action" in
  stop) stop_daemon "$name" ;;
  start)
    # shellcheck disable=SC2046
    start_daemon "$name" $(daemon_args "$name")
    python "$harness_dir/wait_ready.py"
    ;;
  *) die "usage: daemon.sh start|stop NAME" ;;
esac
