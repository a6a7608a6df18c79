#!/usr/bin/env bash
# Airflow 2.11 harness: builds the DAG folder DIR (printed on stdout) from the pipeline DAGs
# (fixtures/airflow/dags) and the reference's five DAGs (fixtures/reference/dags, verbatim), patched by
# fixtures/reference/reference.patch so they run on 2.x. The reference's DAGs start paused (wait_ready.py
# pauses them): they run on */5 schedules and the tests trigger them when they compare with them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
out="${1:?usage: reference_dags.sh DIR}"
rm -rf "$out"
mkdir -p "$out"
cp "$repo"/fixtures/airflow/dags/*.py "$out/"
cp "$repo"/fixtures/reference/dags/*.py "$out/"
# The SLA wiring (Airflow 2 only: Airflow 3 removed sla and sla_miss_callback): see the file's docstring.
cp "$repo"/fixtures/reference/sla/*.py "$out/"
if ! (cd "$out" && patch -p1 --quiet --no-backup-if-mismatch <"$repo/fixtures/reference/reference.patch" >&2); then
  echo "reference_dags.sh: fixtures/reference/reference.patch no longer applies to fixtures/reference/dags" >&2
  exit 1
fi
echo "$out"
