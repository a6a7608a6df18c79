import type { AirflowSource } from '../airflow/types.js';
import type { VariableWriter } from '../sinks/airflow-variables.js';

/** The airflow_variables sink writes through the source's writeVariable capability; a source without one (SQL without --url) cannot write. */
export function variableWriterFor(source: AirflowSource): VariableWriter | null {
  const write = source.writeVariable?.bind(source);
  return write ? { setVariable: write } : null;
}
