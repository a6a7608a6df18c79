#!/usr/bin/env bash
# By hand: stop the Airflow that up.sh started, drop its database and remove its home.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export AIRTOP_E2E_HOME="${AIRTOP_E2E_HOME:-$(cd "$here/../../.." && pwd)/.airtop-e2e/airflow}"
"$here/stop.sh"
rm -rf "$AIRTOP_E2E_HOME"
echo "down.sh: stopped and removed $AIRTOP_E2E_HOME"
