import { AirflowError } from '../airflow/errors.js';
import type { Sink } from './types.js';

// Writes the reference's Variables back into Airflow (capstone_latest_metrics, capstone_quality_report,
// sla_miss_history) so DAGs and dashboards that read them keep working with airtop doing the monitoring.

/** The one thing this sink needs from the REST client. Throws AirflowError (or any Error) on failure. */
export interface VariableWriter {
  setVariable(key: string, value: string, description?: string): Promise<void>;
}

/** An authenticated request against the Airflow base URL, e.g. the REST client's. */
export type AirflowHttp = (request: { method: 'PATCH' | 'POST'; path: string; body: unknown }) => Promise<{ status: number; text: string }>;

/**
 * Airflow 3's variable upsert: PATCH /api/v2/variables/{key} {key, value}; on 404 create it with
 * POST /api/v2/variables {key, value, description}. `prefix` is '/api/v1' for Airflow 2 (same calls).
 */
export function createVariableWriter(http: AirflowHttp, prefix = '/api/v2'): VariableWriter {
  return {
    async setVariable(key, value, description) {
      const patched = await http({ method: 'PATCH', path: `${prefix}/variables/${encodeURIComponent(key)}`, body: { key, value } });
      if (patched.status >= 200 && patched.status < 300) return;
      if (patched.status !== 404) throw variableError(key, patched.status, patched.text);
      const created = await http({ method: 'POST', path: `${prefix}/variables`, body: { key, value, ...(description ? { description } : {}) } });
      if (created.status >= 200 && created.status < 300) return;
      throw variableError(key, created.status, created.text);
    },
  };
}

/** The slice of the REST client's Http (source/airflow/rest/http.ts) this needs; it throws AirflowError itself. */
export interface RestRequester {
  request(req: { method: 'PATCH' | 'POST'; path: string; body: unknown; expect?: readonly number[] }): Promise<{ status: number; body: unknown }>;
}

/** A VariableWriter over the REST client's authenticated Http: auth, retries and secret redaction stay there. */
export function restVariableWriter(http: RestRequester, api: 'v2' | 'v1' = 'v2'): VariableWriter {
  const prefix = `/api/${api}`;
  return {
    async setVariable(key, value, description) {
      const patched = await http.request({ method: 'PATCH', path: `${prefix}/variables/${encodeURIComponent(key)}`, body: { key, value }, expect: [404] });
      if (patched.status !== 404) return;
      await http.request({ method: 'POST', path: `${prefix}/variables`, body: { key, value, ...(description ? { description } : {}) } });
    },
  };
}

function variableError(key: string, status: number, text: string): AirflowError {
  const body = text.replace(/\s+/g, ' ').slice(0, 200);
  if (status === 401) return new AirflowError('auth', `401 writing Variable ${key}: check AIRFLOW_USERNAME / AIRFLOW_PASSWORD or AIRFLOW_TOKEN`, status);
  if (status === 403) return new AirflowError('forbidden', `403 writing Variable ${key}: the Airflow user needs the op (or admin) role to write Variables`, status);
  if (status === 429) return new AirflowError('rate_limited', `429 writing Variable ${key}`, status);
  if (status >= 500) return new AirflowError('server', `${status} writing Variable ${key}: ${body}`, status);
  return new AirflowError('bad_response', `${status} writing Variable ${key}: ${body}`, status);
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
