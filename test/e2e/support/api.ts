// A small REST client for the tests themselves (triggering runs, reading Variables): independent of airtop's
// own client, so a bug there cannot hide in both.
import type { AirflowUser } from '../airflow/harness.js';
import { CAPSTONE_DAGS, harness } from './context.js';
import type { Doc } from './documents.js';
import { notYet, waitFor } from './wait.js';

export interface RunRef {
  dagId: string;
  runId: string;
}

export interface RunConf {
  fail?: string[];
  flaky?: string[];
  /** Fails try 1 without retrying; succeeds once cleared (the actions test). */
  fail_first?: string[];
  sleep?: Record<string, number>;
  pool?: string;
  docs?: Doc[];
}

export class AirflowApi {
  private token: string | null = null;

  constructor(
    readonly url: string,
    readonly user: AirflowUser,
  ) {}

  static as(role: 'admin' | 'op' | 'viewer'): AirflowApi {
    const h = harness();
    return new AirflowApi(h.url, h.users[role]);
  }

  private async login(): Promise<string> {
    const response = await fetch(`${this.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.user.username, password: this.user.password }),
    });
    if (response.status !== 201) throw new Error(`POST ${this.url}/auth/token as ${this.user.username}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    this.token ??= await this.login();
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed };
  }

  async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
    const result = await this.request(method, path, body);
    if (result.status < 200 || result.status >= 300) {
      throw new Error(`${method} ${this.url}${path} as ${this.user.username}: ${result.status} ${JSON.stringify(result.body)}`);
    }
    return result.body as T;
  }

  async trigger(dagId: string, conf: RunConf): Promise<RunRef> {
    const run = await this.ok<{ dag_run_id: string }>('POST', `/api/v2/dags/${dagId}/dagRuns`, { logical_date: null, conf });
    return { dagId, runId: run.dag_run_id };
  }

  async runState(ref: RunRef): Promise<string> {
    const run = await this.ok<{ state: string }>('GET', `/api/v2/dags/${ref.dagId}/dagRuns/${encodeURIComponent(ref.runId)}`);
    return run.state;
  }

  /** Waits until every run is success or failed. */
  async waitForRuns(refs: RunRef[], timeoutMs = 300_000): Promise<Record<string, string>> {
    return waitFor(
      async () => {
        const states = await Promise.all(refs.map(async (ref) => [`${ref.dagId}/${ref.runId}`, await this.runState(ref)] as const));
        const pending = states.filter(([, state]) => state !== 'success' && state !== 'failed');
        return pending.length === 0 ? Object.fromEntries(states) : notYet(`${pending.length} of ${refs.length} runs unfinished: ${pending.map(([k, s]) => `${k}=${s}`).join(', ')}`);
      },
      { timeoutMs, intervalMs: 1000, what: `${refs.length} DAG runs to finish` },
    );
  }

  /** Waits until no capstone run is queued or running (another test file may have left some). */
  async waitQuiet(timeoutMs = 300_000): Promise<void> {
    await waitFor(
      async () => {
        const query = 'dag_id_pattern=capstone_&state=queued&state=running&limit=100';
        const { dag_runs } = await this.ok<{ dag_runs: { dag_id: string; state: string }[] }>('GET', `/api/v2/dags/~/dagRuns?${query}`);
        const active = dag_runs.filter((r) => (CAPSTONE_DAGS as string[]).includes(r.dag_id));
        return active.length === 0 ? true : notYet(`${active.length} capstone runs still queued or running`);
      },
      { timeoutMs, intervalMs: 1000, what: 'every capstone run to finish' },
    );
  }

  /** The Variable's JSON value, or undefined when it does not exist. */
  async variable(key: string): Promise<unknown> {
    const result = await this.request('GET', `/api/v2/variables/${encodeURIComponent(key)}`);
    if (result.status === 404) return undefined;
    if (result.status !== 200) throw new Error(`GET variable ${key}: ${result.status} ${JSON.stringify(result.body)}`);
    return JSON.parse((result.body as { value: string }).value);
  }
}
