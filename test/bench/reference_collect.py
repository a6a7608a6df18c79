"""The reference's own metric collection, timed: the query logic of collect_pipeline_metrics,
collect_task_metrics and collect_resource_metrics from dags/capstone_monitoring_dag.py (shared/spec),
copied as written, run against the bench database with the Airflow venv's python.

Changes, each forced by Airflow 3 or by the bench:
- DagRun.execution_date is DagRun.logical_date in Airflow 3.
- "now" is the bench's anchor (--now) instead of datetime.utcnow(): the bench's history is relative to it.
  It is timezone-aware; Airflow 3's UtcDateTime columns refuse the naive datetime utcnow() returns.
- The DAG ids of collect_pipeline_metrics are the bench's DAGs (--dag-ids-file), not the three it hard-codes,
  so both sides compute the same figures.

Prints one JSON line: timings, SQL statements issued, peak RSS (resource.getrusage), and figure totals that
the bench compares with airtop's.

Usage: python reference_collect.py --now 2026-01-01T00:00:00+00:00 --dag-ids-file ids.txt
       (AIRFLOW__DATABASE__SQL_ALCHEMY_CONN and AIRFLOW_HOME in the environment)
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import datetime, timedelta
from typing import Any

started = time.perf_counter()
from airflow.models import DagRun, Pool, TaskInstance  # noqa: E402
from airflow.utils.db import provide_session  # noqa: E402
from airflow.utils.state import DagRunState, TaskInstanceState  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

import_seconds = time.perf_counter() - started
rss_after_import_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

statements = 0


@event.listens_for(Engine, "before_cursor_execute")
def _count(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
    global statements
    statements += 1


def collect_pipeline_metrics(now: datetime, dag_ids: list[str]) -> dict[str, Any]:
    @provide_session
    def get_metrics(session=None):
        # Time windows
        last_hour = now - timedelta(hours=1)

        metrics = {"timestamp": now.isoformat(), "dags": {}}

        for dag_id in dag_ids:
            # Last hour statistics
            runs_last_hour = (
                session.query(DagRun).filter(DagRun.dag_id == dag_id, DagRun.logical_date >= last_hour).all()
            )

            success_count = sum(1 for r in runs_last_hour if r.state == DagRunState.SUCCESS)
            failed_count = sum(1 for r in runs_last_hour if r.state == DagRunState.FAILED)
            running_count = sum(1 for r in runs_last_hour if r.state == DagRunState.RUNNING)

            # Calculate average duration for successful runs
            successful_runs = [r for r in runs_last_hour if r.state == DagRunState.SUCCESS]
            if successful_runs:
                durations = [
                    (r.end_date - r.start_date).total_seconds()
                    for r in successful_runs
                    if r.end_date and r.start_date
                ]
                avg_duration = sum(durations) / len(durations) if durations else 0
            else:
                avg_duration = 0

            metrics["dags"][dag_id] = {
                "runs_last_hour": len(runs_last_hour),
                "success_count": success_count,
                "failed_count": failed_count,
                "running_count": running_count,
                "success_rate": success_count / len(runs_last_hour) if runs_last_hour else 1.0,
                "avg_duration_seconds": avg_duration,
            }

        return metrics

    return get_metrics()


def collect_task_metrics(now: datetime) -> dict[str, Any]:
    @provide_session
    def get_task_metrics(session=None):
        last_hour = now - timedelta(hours=1)

        # Query task instances
        task_instances = (
            session.query(TaskInstance)
            .filter(TaskInstance.dag_id.like("capstone_%"), TaskInstance.start_date >= last_hour)
            .all()
        )

        # Group by task_id
        task_stats = {}
        for ti in task_instances:
            key = f"{ti.dag_id}.{ti.task_id}"
            if key not in task_stats:
                task_stats[key] = {"total": 0, "success": 0, "failed": 0, "retries": 0, "durations": []}

            task_stats[key]["total"] += 1
            if ti.state == TaskInstanceState.SUCCESS:
                task_stats[key]["success"] += 1
                if ti.end_date and ti.start_date:
                    duration = (ti.end_date - ti.start_date).total_seconds()
                    task_stats[key]["durations"].append(duration)
            elif ti.state == TaskInstanceState.FAILED:
                task_stats[key]["failed"] += 1
            if ti.try_number > 1:
                task_stats[key]["retries"] += ti.try_number - 1

        # Calculate averages
        for key in task_stats:
            durations = task_stats[key]["durations"]
            task_stats[key]["avg_duration"] = sum(durations) / len(durations) if durations else 0
            task_stats[key]["max_duration"] = max(durations) if durations else 0
            del task_stats[key]["durations"]  # Remove raw data

        return {"timestamp": now.isoformat(), "task_stats": task_stats}

    return get_task_metrics()


def collect_resource_metrics(now: datetime) -> dict[str, Any]:
    @provide_session
    def get_resource_metrics(session=None):
        # Get pool statistics
        pools = session.query(Pool).all()
        pool_stats = {}

        for pool in pools:
            pool_stats[pool.pool] = {
                "total_slots": pool.slots,
                "open_slots": pool.open_slots(),
                "used_slots": pool.occupied_slots(),
                "queued_slots": pool.queued_slots(),
                "utilization": (pool.occupied_slots() / pool.slots if pool.slots > 0 else 0),
            }

        return {"timestamp": now.isoformat(), "pools": pool_stats}

    return get_resource_metrics()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--now", required=True)
    parser.add_argument("--dag-ids-file", required=True)
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now.replace("Z", "+00:00"))
    with open(args.dag_ids_file) as f:
        dag_ids = [line.strip() for line in f if line.strip()]

    timings = {}
    t0 = time.perf_counter()
    pipeline = collect_pipeline_metrics(now, dag_ids)
    timings["pipeline_ms"] = (time.perf_counter() - t0) * 1000
    t1 = time.perf_counter()
    tasks = collect_task_metrics(now)
    timings["tasks_ms"] = (time.perf_counter() - t1) * 1000
    t2 = time.perf_counter()
    resources = collect_resource_metrics(now)
    timings["resources_ms"] = (time.perf_counter() - t2) * 1000
    timings["total_ms"] = (time.perf_counter() - t0) * 1000

    stats = tasks["task_stats"].values()
    print(
        json.dumps(
            {
                "import_ms": import_seconds * 1000,
                **timings,
                "statements": statements,
                "rss_after_import_mb": rss_after_import_kb / 1024,
                "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "dags": len(pipeline["dags"]),
                "window_runs": sum(d["runs_last_hour"] for d in pipeline["dags"].values()),
                "task_keys": len(tasks["task_stats"]),
                "window_task_instances": sum(s["total"] for s in stats),
                "success_runs": sum(d["success_count"] for d in pipeline["dags"].values()),
                "failed_runs": sum(d["failed_count"] for d in pipeline["dags"].values()),
                "avg_duration_sum": sum(d["avg_duration_seconds"] for d in pipeline["dags"].values()),
                "task_success": sum(s["success"] for s in stats),
                "task_failed": sum(s["failed"] for s in stats),
                "retries": sum(s["retries"] for s in stats),
                "task_avg_sum": sum(s["avg_duration"] for s in stats),
                "task_max_sum": sum(s["max_duration"] for s in stats),
                "pools": len(resources["pools"]),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
