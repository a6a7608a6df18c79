import { AirflowError } from '../airflow/errors.js';
import { mergeSlaHistory } from './sla-history.js';
import type { Sink } from './types.js';

// Writes the reference's Variables back into Airflow (capstone_latest_metrics, capstone_quality_report,
// sla_miss_history) so DAGs and dashboards that read them keep working with airtop doing the monitoring.

/** The one thing this sink needs: the source's writeVariable (airflow/rest/variable-write.ts). Throws AirflowError (or any Error) on failure. */
export interface VariableWriter {
  setVariable(key: string, value: string, description?: string): Promise<void>;
  /** The Variable's raw value, null when it does not exist (needed to append to sla_miss_history). */
  getVariable?(key: string): Promise<string | null>;
}

export interface VariablesPayload {
  /** Variable key → JSON-serialisable value, written in this order. */
  values: Record<string, unknown>;
}

const DESCRIPTIONS: Record<string, string> = {
  capstone_latest_metrics: 'Latest pipeline metrics (written by airtop)',
  capstone_quality_report: 'Latest quality report (written by airtop)',
  sla_miss_history: 'Last SLA miss notifications (appended to by airtop)',
};

const RETRIED = new Set(['unreachable', 'timeout', 'rate_limited', 'server']);

export interface VariablesSinkOptions {
  /**
   * Variables that are logs: key → how many entries to keep. Their payload value is airtop's entries, oldest
   * first; they are appended to what the Variable holds (sla-history.ts), never written over it.
   */
  appendLists?: Record<string, number>;
}

export function createAirflowVariablesSink(
  writer: VariableWriter,
  options: VariablesSinkOptions = {},
): Sink<VariablesPayload> {
  const appendLists = options.appendLists ?? {};

  /** The value to write for `key`, null to leave the Variable as it is; throws what the writer throws. */
  async function valueFor(key: string, value: unknown): Promise<{ write: string | null; problem: string | null }> {
    const cap = appendLists[key];
    if (cap === undefined || !Array.isArray(value)) return { write: JSON.stringify(value), problem: null };
    if (!writer.getVariable)
      return { write: null, problem: `cannot read Variable ${key} to append to it; not written` };
    const merged = mergeSlaHistory(await writer.getVariable(key), value as Record<string, unknown>[], cap);
    if (!merged.ok) {
      return {
        write: null,
        problem: `Variable ${key} ${merged.reason}; left as it is and ${value.length} SLA entr${value.length === 1 ? 'y' : 'ies'} not written: fix it to a JSON list (or delete it)`,
      };
    }
    return { write: merged.appended > 0 ? JSON.stringify(merged.value) : null, problem: null };
  }

  return {
    name: 'airflow_variables',
    mode: 'latest',
    async deliver(payload) {
      const problems: string[] = [];
      for (const [key, value] of Object.entries(payload.values)) {
        try {
          const { write, problem } = await valueFor(key, value);
          if (problem) problems.push(problem);
          if (write !== null) await writer.setVariable(key, write, DESCRIPTIONS[key]);
        } catch (error) {
          const kind = error instanceof AirflowError ? error.kind : 'unreachable';
          return { ok: false, permanent: !RETRIED.has(kind), reason: `airflow_variables: ${(error as Error).message}` };
        }
      }
      // The other Variables are written; this payload is dead-lettered with the reason, so the sink status,
      // the alerts pane and the log say what was kept and why.
      if (problems.length > 0)
        return { ok: false, permanent: true, reason: `airflow_variables: ${problems.join('; ')}` };
      return { ok: true };
    },
    describe: (payload) => `Variables ${Object.keys(payload.values).join(', ')}`,
  };
}
