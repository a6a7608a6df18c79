import { AirflowError } from '../airflow/errors.js';
import { mergeSlaHistory } from './sla-history.js';
import type { Sink } from './types.js';

// Writes the reference's Variables back into Airflow (capstone_latest_metrics, capstone_quality_report,
// sla_miss_history) so DAGs and dashboards that read them keep working with airtop doing the monitoring.

/** What this sink needs from the REST client. Throws AirflowError (or any Error) on failure. */
export interface VariableWriter {
  setVariable(key: string, value: string, description?: string): Promise<void>;
  /** The Variable's raw value, null when it does not exist (needed to append to sla_miss_history). */
  getVariable?(key: string): Promise<string | null>;
}

/** An authenticated request against the Airflow base URL, e.g. the REST client's. */
export type AirflowHttp = (request: { method: 'GET' | 'PATCH' | 'POST'; path: string; body?: unknown }) => Promise<{ status: number; text: string }>;

/** GET /api/v2/variables/{key} answers {key, value, ...}; value is the stored string. */
function variableValue(key: string, body: unknown): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).value : undefined;
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  throw new AirflowError('bad_response', `reading Variable ${key}: the API answered a value that is not a string`);
}

/**
 * Airflow 3's variable upsert: PATCH /api/v2/variables/{key} {key, value}; on 404 create it with
 * POST /api/v2/variables {key, value, description}. `prefix` is '/api/v1' for Airflow 2 (same calls).
 */
export function createVariableWriter(http: AirflowHttp, prefix = '/api/v2'): VariableWriter {
  return {
    async getVariable(key) {
      const read = await http({ method: 'GET', path: `${prefix}/variables/${encodeURIComponent(key)}` });
      if (read.status === 404) return null;
      if (read.status < 200 || read.status >= 300) throw variableError(key, read.status, read.text, 'reading');
      let body: unknown;
      try {
        body = JSON.parse(read.text);
      } catch {
        throw new AirflowError('bad_response', `reading Variable ${key}: the API answered something that is not JSON`);
      }
      return variableValue(key, body);
    },
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
  request(req: { method: 'GET' | 'PATCH' | 'POST'; path: string; body?: unknown; expect?: readonly number[] }): Promise<{ status: number; body: unknown }>;
}

/** A VariableWriter over the REST client's authenticated Http: auth, retries and secret redaction stay there. */
export function restVariableWriter(http: RestRequester, api: 'v2' | 'v1' = 'v2'): VariableWriter {
  const prefix = `/api/${api}`;
  return {
    async getVariable(key) {
      const read = await http.request({ method: 'GET', path: `${prefix}/variables/${encodeURIComponent(key)}`, expect: [404] });
      return read.status === 404 ? null : variableValue(key, read.body);
    },
    async setVariable(key, value, description) {
      const patched = await http.request({ method: 'PATCH', path: `${prefix}/variables/${encodeURIComponent(key)}`, body: { key, value }, expect: [404] });
      if (patched.status !== 404) return;
      await http.request({ method: 'POST', path: `${prefix}/variables`, body: { key, value, ...(description ? { description } : {}) } });
    },
  };
}

function variableError(key: string, status: number, text: string, doing: 'writing' | 'reading' = 'writing'): AirflowError {
  const body = text.replace(/\s+/g, ' ').slice(0, 200);
  const what = `${doing} Variable ${key}`;
  if (status === 401) return new AirflowError('auth', `401 ${what}: check AIRFLOW_USERNAME / AIRFLOW_PASSWORD or AIRFLOW_TOKEN`, status);
  if (status === 403) return new AirflowError('forbidden', `403 ${what}: the Airflow user needs the op (or admin) role to ${doing === 'writing' ? 'write' : 'read'} Variables`, status);
  if (status === 429) return new AirflowError('rate_limited', `429 ${what}`, status);
  if (status >= 500) return new AirflowError('server', `${status} ${what}: ${body}`, status);
  return new AirflowError('bad_response', `${status} ${what}: ${body}`, status);
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

export function createAirflowVariablesSink(writer: VariableWriter, options: VariablesSinkOptions = {}): Sink<VariablesPayload> {
  const appendLists = options.appendLists ?? {};

  /** The value to write for `key`, null to leave the Variable as it is; throws what the writer throws. */
  async function valueFor(key: string, value: unknown): Promise<{ write: string | null; problem: string | null }> {
    const cap = appendLists[key];
    if (cap === undefined || !Array.isArray(value)) return { write: JSON.stringify(value), problem: null };
    if (!writer.getVariable) return { write: null, problem: `cannot read Variable ${key} to append to it; not written` };
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
      if (problems.length > 0) return { ok: false, permanent: true, reason: `airflow_variables: ${problems.join('; ')}` };
      return { ok: true };
    },
    describe: (payload) => `Variables ${Object.keys(payload.values).join(', ')}`,
  };
}
