"""Cluster policy for the e2e Airflow: lets a run's conf {"pool": NAME} put every task of that run in NAME.

A task's pool is fixed when its DAG is parsed; Airflow's task_instance_mutation_hook is the documented way
to route on dag_run.conf. start.sh copies this file to $AIRFLOW_HOME/config/, which every process imports.
"""


def task_instance_mutation_hook(task_instance, dag_run=None):
    # dag_run is None while a TaskInstance is first built; the hook runs again with the run before it is saved.
    if dag_run is None or not task_instance.dag_id.startswith("capstone_"):
        return
    pool = (dag_run.conf or {}).get("pool")
    if isinstance(pool, str) and pool:
        task_instance.pool = pool
