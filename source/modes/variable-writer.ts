import type { AirflowSource } from '../airflow/types.js';
import { type RestRequester, restVariableWriter, type VariableWriter } from '../sinks/airflow-variables.js';

type RestLike = RestRequester & { readonly api: 'v2' | 'v1' | null };

/** The airflow_variables sink writes through the REST client's authenticated requests; a SQL-only source cannot write. */
export function variableWriterFor(source: AirflowSource): VariableWriter | null {
  const rest = source as AirflowSource & Partial<RestLike>;
  if (typeof rest.request !== 'function') return null;
  // The API version is known only after the first call, so choose the prefix per write.
  return {
    setVariable: (key, value, description) => restVariableWriter(rest as RestLike, rest.api ?? 'v2').setVariable(key, value, description),
    getVariable: (key) => restVariableWriter(rest as RestLike, rest.api ?? 'v2').getVariable!(key),
  };
}
