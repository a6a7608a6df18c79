import { AirflowError } from '../airflow/errors.js';
import type { Sink } from './types.js';

// Writes the reference's Variables back into Airflow (capstone_latest_metrics, capstone_quality_report,
// sla_miss_history) so DAGs and dashboards that read them keep working with airtop doing the monitoring.

/** The one thing this sink needs: the source's writeVariable (airflow/rest/variable-write.ts). Throws AirflowError (or any Error) on failure. */
export interface VariableWriter {
  setVariable(key: string, value: string, description?: string): Promise<void>;
}

export interface VariablesPayload {
  /** Variable key → JSON-serialisable value, written in this order. */
  values: Record<string, unknown>;
}

const DESCRIPTIONS: Record<string, string> = {
  capstone_latest_metrics: 'Latest pipeline metrics (written by airtop)',
  capstone_quality_report: 'Latest quality report (written by airtop)',
  sla_miss_history: 'Last SLA miss notifications (written by airtop)',
};

const RETRIED = new Set(['unreachable', 'timeout', 'rate_limited', 'server']);

export function createAirflowVariablesSink(writer: VariableWriter): Sink<VariablesPayload> {
  return {
    name: 'airflow_variables',
    mode: 'latest',
    async deliver(payload) {
      for (const [key, value] of Object.entries(payload.values)) {
        try {
          await writer.setVariable(key, JSON.stringify(value), DESCRIPTIONS[key]);
        } catch (error) {
          const kind = error instanceof AirflowError ? error.kind : 'unreachable';
          return { ok: false, permanent: !RETRIED.has(kind), reason: `airflow_variables: ${(error as Error).message}` };
        }
      }
      return { ok: true };
    },
    describe: (payload) => `Variables ${Object.keys(payload.values).join(', ')}`,
  };
}
