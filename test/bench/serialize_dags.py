"""Writes test/bench/serialized-dags.json: Airflow's own serialization (DagSerialization.to_dict, the data the
dag-processor stores in serialized_dag) of the DAG shapes the bench generates, so that Airflow's api-server
finds the bench DAGs (its per-DAG endpoints answer 404 for a DAG without a serialized version).

The reference pipeline's three DAGs are serialized as they are; the synthetic shape once per mapped-task width,
with the DAG id "__BENCH_DAG__" that generate.ts replaces per DAG.

Usage (the Airflow venv's python): python serialize_dags.py 17 38 > serialized-dags.json
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

from airflow.models.serialized_dag import SerializedDagModel
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG
from airflow.serialization.serialized_objects import DagSerialization

REFERENCE = {
    "capstone_ingestion_pipeline": ["scan_sources", "download_documents"],
    "capstone_processing_pipeline": ["extract_text", "generate_summary", "classify_document"],
    "capstone_vector_store_pipeline": ["generate_embeddings", "upsert_vectors"],
}
SYNTHETIC = ["scan_sources", "download_documents", "process_document", "generate_embeddings", "upsert_vectors"]
MAPPED = "process_document"


def serialize(dag: DAG) -> dict:
    data = DagSerialization.to_dict(dag)
    data["dag"]["fileloc"] = f"/bench/{dag.dag_id}.py"
    return {"data": data, "hash": SerializedDagModel.hash(data)}


def chain(dag_id: str, task_ids: list[str], width: int) -> DAG:
    with DAG(dag_id, schedule="*/5 * * * *", start_date=datetime(2024, 1, 1), catchup=False, tags=["bench", "capstone"]) as dag:
        previous = None
        for task_id in task_ids:
            if task_id == MAPPED and width > 0:
                task = BashOperator.partial(task_id=task_id).expand(bash_command=["true"] * width)
            else:
                task = EmptyOperator(task_id=task_id)
            if previous is not None:
                previous >> task
            previous = task
    return dag


def main() -> None:
    out = {dag_id: serialize(chain(dag_id, tasks, 0)) for dag_id, tasks in REFERENCE.items()}
    for width in (int(arg) for arg in sys.argv[1:]):
        out[f"synthetic_w{width}"] = serialize(chain("__BENCH_DAG__", SYNTHETIC, width))
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
