"""Cluster policy for the e2e Airflow: lets a run's conf {"pool": NAME} put every task of that run in NAME.

A task's pool is fixed when its DAG is parsed; Airflow's task_instance_mutation_hook is the documented way
to route on dag_run.conf. start.sh copies this file to $AIRFLOW_HOME/config/, which every process imports.
"""


def task_instance_mutation_hook(task_instance, dag_run=None):
    if not task_instance.dag_id.startswith("capstone_"):
        return
    if dag_run is None:
        dag_run = _airflow2_run(task_instance)
    # Airflow 3: dag_run is None while a TaskInstance is first built; the hook runs again with the run before it is saved.
    if dag_run is None:
        return
    pool = (dag_run.conf or {}).get("pool")
    if isinstance(pool, str) and pool:
        task_instance.pool = pool


def _airflow2_run(task_instance):
    """Airflow 2 calls the hook with the task instance only, inside the session that created its run: the
    scoped session finds that run (Airflow 3 has no such session here and passes dag_run itself)."""
    try:
        from airflow.models.dagrun import DagRun
        from airflow.settings import Session
    except ImportError:
        return None
    if not getattr(task_instance, "run_id", None) or Session is None:
        return None
    try:
        return Session().query(DagRun).filter_by(dag_id=task_instance.dag_id, run_id=task_instance.run_id).one_or_none()
    except Exception:  # noqa: BLE001 - never break task creation over a test convenience
        return None
