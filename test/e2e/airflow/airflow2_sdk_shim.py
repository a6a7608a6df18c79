"""Airflow 2.11 only (start.sh puts this first in airflow_local_settings.py, which every Airflow process imports
before it parses a DAG file): `airflow.sdk` is an Airflow 3 name. The reference's DAGs and the pipeline DAGs
import dag, task, Variable, get_current_context and AirflowFailException from it; on 2.x they live in
airflow.decorators, airflow.models (Variable.get takes default_var= there, default= in the SDK),
airflow.operators.python and airflow.exceptions. Mapping the module keeps
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

    _UNSET = object()

    class _SdkVariable:
        """The SDK's Variable.get/set signatures (`default=`) over Airflow 2's (`default_var=`)."""

        @staticmethod
        def get(key, default=_UNSET, deserialize_json=False):
            if default is _UNSET:
                return _Variable.get(key, deserialize_json=deserialize_json)
            return _Variable.get(key, default_var=default, deserialize_json=deserialize_json)

        @staticmethod
        def set(key, value, description=None, serialize_json=False):
            return _Variable.set(key, value, description=description, serialize_json=serialize_json)

        @staticmethod
        def delete(key):
            return _Variable.delete(key)

    _sdk = types.ModuleType("airflow.sdk")
    _sdk.dag, _sdk.task, _sdk.Variable, _sdk.get_current_context = _dag, _task, _SdkVariable, _get_current_context
    _sdk.exceptions = _exceptions
    sys.modules["airflow.sdk"] = _sdk
    sys.modules["airflow.sdk.exceptions"] = _exceptions

