import type { AirflowSource } from '../airflow/types.js';
import type { VariableWriter } from '../sinks/airflow-variables.js';

/**
 * The airflow_variables sink writes through the source's writeVariable capability and reads (to append to
 * sla_miss_history) through readVariables; a source without writeVariable (SQL without --url) cannot write.
 */
export function variableWriterFor(source: AirflowSource): VariableWriter | null {
  const write = source.writeVariable?.bind(source);
  if (!write) return null;
  const read = source.readVariables?.bind(source);
  if (!read) return { setVariable: write };
  return {
    setVariable: write,
    async getVariable(key) {
      const got = (await read([key]))[key];
      if (!got || got.status === 'missing') return null;
      if (got.status === 'ok') return got.raw;
      throw new Error(`reading Variable ${key}: ${got.reason}`);
    },
  };
}
