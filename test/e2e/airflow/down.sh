#!/usr/bin/env bash
# By hand: stop the Airflow that up.sh started, drop its database and remove its home. `down.sh 2`: the 2.11 one.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
suffix="$([[ "${1:-${AIRTOP_E2E_AIRFLOW:-3}}" != 2 ]] || echo 2)"
export AIRTOP_E2E_HOME="${AIRTOP_E2E_HOME:-$(cd "$here/../../.." && pwd)/.airtop-e2e/airflow$suffix}"
"$here/stop.sh"
rm -rf "$AIRTOP_E2E_HOME"
echo "down.sh: stopped and removed $AIRTOP_E2E_HOME"
