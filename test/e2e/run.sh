#!/usr/bin/env bash
# `npm run test:e2e [-- vitest args]`: the e2e suite against a real Airflow 3.3.2, then against a real Airflow
# 2.11 — one vitest run per version, one Airflow at a time (2 cores). AIRTOP_E2E_AIRFLOW=3 or =2 runs one.
# With AIRTOP_E2E_ATTACH=<home> the suite runs once, against the Airflow in that home, whatever its version.
# If the Airflow 2.11 venv cannot be built, venv.sh has named the package and version it could not get; the
# other version's suite still runs and reports, and the exit status says the run is incomplete.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

if [[ -n "${AIRTOP_E2E_ATTACH:-}" ]]; then
  exec npx vitest run --project e2e "$@"
fi

versions="${AIRTOP_E2E_AIRFLOW:-3 2}"
status=0
summary=()
for major in $versions; do
  case "$major" in
    2 | 3) ;;
    *) echo "e2e: AIRTOP_E2E_AIRFLOW must be 2 or 3, got '$major'" >&2; exit 2 ;;
  esac
  started=$SECONDS
  if ! bash test/e2e/airflow/venv.sh "$major" >/dev/null; then
    summary+=("Airflow $major: not run (its venv could not be built; see venv.sh's message above)")
    status=1
    continue
  fi
  echo "e2e: the suite against Apache Airflow $major ($(sed -n 's/^apache-airflow==//p' "test/e2e/airflow/requirements$([[ $major != 2 ]] || echo -2).lock"))"
  if AIRTOP_E2E_AIRFLOW="$major" npx vitest run --project e2e "$@"; then
    summary+=("Airflow $major: passed in $((SECONDS - started)) s")
  else
    summary+=("Airflow $major: FAILED after $((SECONDS - started)) s")
    status=1
  fi
done
printf 'e2e: %s\n' "${summary[@]}"
exit "$status"
