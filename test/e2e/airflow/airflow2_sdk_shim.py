"""Airflow 2.11 only (start.sh puts this first in airflow_local_settings.py, which every Airflow process imports
before it parses a DAG file): `airflow.sdk` is an Airflow 3 name. The reference's DAGs and the pipeline DAGs
import dag, task, Variable, get_current_context and AirflowFailException from it; on 2.x they live in
airflow.decorators, airflow.models, airflow.operators.python and airflow.exceptions. Mapping the module keeps
every DAG file unchanged."""

import sys
import types

try:
    import airflow.sdk  # noqa: F401  (Airflow 3: nothing to map)
except ImportError:
    from airflow import exceptions as _exceptions
    from airflow.decorators import dag as _dag, task as _task
    from airflow.models import Variable as _Variable
    from airflow.operators.python import get_current_context as _get_current_context

    _sdk = types.ModuleType("airflow.sdk")
    _sdk.dag, _sdk.task, _sdk.Variable, _sdk.get_current_context = _dag, _task, _Variable, _get_current_context
    _sdk.exceptions = _exceptions
    sys.modules["airflow.sdk"] = _sdk
    sys.modules["airflow.sdk.exceptions"] = _exceptions

