"""Wait until the harness Airflow is usable: api-server up, scheduler, dag-processor and triggerer healthy,
and the capstone DAGs listed by the REST API and unpaused. Exits 1 with what is missing after the timeout.
Airflow 2 (AIRTOP_E2E_AIRFLOW=2): the webserver's /api/v1 with HTTP Basic; the reference's DAGs are paused."""

import base64
import json
import os
import sys
import time
import urllib.error
import urllib.request

BASE = f"http://127.0.0.1:{os.environ['AIRTOP_E2E_PORT']}"
DAG_IDS = ["capstone_ingestion_pipeline", "capstone_processing_pipeline", "capstone_vector_store_pipeline"]
TIMEOUT = float(os.environ.get("AIRTOP_E2E_READY_TIMEOUT", "300"))
V2 = os.environ.get("AIRTOP_E2E_AIRFLOW", "3") == "2"
PASSWORD = json.load(open(os.path.join(os.environ["AIRTOP_E2E_HOME"], "passwords.json")))["admin"]
REFERENCE_DAG_IDS = [
    "capstone_monitoring", "capstone_metrics_collector", "capstone_api_reporter", "capstone_quality_tracker",
]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call(method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token and V2:
        request.add_header("Authorization", "Basic " + base64.b64encode(f"admin:{token}".encode()).decode())
    elif token:
        request.add_header("Authorization", f"Bearer {token}")
    with opener.open(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def missing_v2() -> str | None:
    try:
        health = call("GET", "/api/v1/health")
    except (urllib.error.URLError, OSError, ValueError) as error:
        return f"webserver at {BASE} not answering ({error})"
    unhealthy = [n for n in ("metadatabase", "scheduler", "triggerer") if (health.get(n) or {}).get("status") != "healthy"]
    if unhealthy:
        return f"not yet healthy: {', '.join(unhealthy)}"
    dags = call("GET", "/api/v1/dags?dag_id_pattern=capstone_&limit=100", token=PASSWORD)["dags"]
    listed = {d["dag_id"]: d for d in dags}
    absent = [d for d in DAG_IDS + REFERENCE_DAG_IDS if d not in listed]
    if absent:
        errors = call("GET", "/api/v1/importErrors", token=PASSWORD).get("import_errors", [])
        detail = "; ".join(f"{e['filename']}: {e['stack_trace'].strip().splitlines()[-1]}" for e in errors)
        return f"DAGs not listed yet: {', '.join(absent)}" + (f" (import errors: {detail})" if detail else "")
    wrong = [d for d in DAG_IDS if listed[d]["is_paused"]] + [d for d in REFERENCE_DAG_IDS if not listed[d]["is_paused"]]
    for dag_id in wrong:
        call("PATCH", f"/api/v1/dags/{dag_id}?update_mask=is_paused", {"is_paused": dag_id in REFERENCE_DAG_IDS}, token=PASSWORD)
    return f"(un)pausing {', '.join(wrong)}" if wrong else None


def missing() -> str | None:
    if V2:
        return missing_v2()
    try:
        health = call("GET", "/api/v2/monitor/health")
    except (urllib.error.URLError, OSError, ValueError) as error:
        return f"api-server at {BASE} not answering ({error})"
    unhealthy = [
        name for name in ("metadatabase", "scheduler", "dag_processor", "triggerer")
        if (health.get(name) or {}).get("status") != "healthy"
    ]
    if unhealthy:
        return f"not yet healthy: {', '.join(unhealthy)}"
    token = call("POST", "/auth/token", {"username": "admin", "password": PASSWORD})["access_token"]
    dags = call("GET", "/api/v2/dags?dag_id_pattern=capstone_&limit=100", token=token)["dags"]
    listed = {d["dag_id"]: d for d in dags}
    absent = [d for d in DAG_IDS if d not in listed]
    if absent:
        errors = call("GET", "/api/v2/importErrors", token=token).get("import_errors", [])
        detail = "; ".join(f"{e['filename']}: {e['stack_trace'].strip().splitlines()[-1]}" for e in errors)
        return f"DAGs not listed yet: {', '.join(absent)}" + (f" (import errors: {detail})" if detail else "")
    paused = [d for d in DAG_IDS if listed[d]["is_paused"]]
    for dag_id in paused:
        call("PATCH", f"/api/v2/dags/{dag_id}?update_mask=is_paused", {"is_paused": False}, token=token)
    return f"unpausing {', '.join(paused)}" if paused else None


def main() -> None:
    deadline = time.monotonic() + TIMEOUT
    last = None
    while True:
        try:
            reason = missing()
        except (urllib.error.URLError, OSError, ValueError, KeyError) as error:
            reason = f"{type(error).__name__}: {error}"
        if reason is None:
            print(f"airflow harness: ready at {BASE}", file=sys.stderr)
            return
        if reason != last:
            print(f"airflow harness: waiting: {reason}", file=sys.stderr)
            last = reason
        if time.monotonic() > deadline:
            sys.exit(f"airflow harness: not ready after {TIMEOUT:.0f}s: {reason}")
        time.sleep(1)


if __name__ == "__main__":
    main()
