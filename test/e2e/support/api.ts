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
    /** 3: /api/v2 with a JWT; 2: /api/v1 with HTTP Basic. */
    readonly major: 2 | 3 = 3,
  ) {}

  static as(role: 'admin' | 'op' | 'viewer'): AirflowApi {
    const h = harness();
    return new AirflowApi(h.url, h.users[role], h.major);
  }

  /** /api/v2 or /api/v1: the tests write paths once, for either Airflow. */
  get prefix(): string {
    return this.major === 2 ? '/api/v1' : '/api/v2';
  }

  /** The run's time the API windows and sorts on: Airflow 3's run_after, Airflow 2's execution_date. */
  get runTimeField(): 'run_after' | 'execution_date' {
    return this.major === 2 ? 'execution_date' : 'run_after';
  }

  private async authorization(): Promise<string> {
    if (this.major === 2)
      return `Basic ${Buffer.from(`${this.user.username}:${this.user.password}`).toString('base64')}`;
    this.token ??= await this.login();
    return `Bearer ${this.token}`;
  }

  private async login(): Promise<string> {
    const response = await fetch(`${this.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.user.username, password: this.user.password }),
    });
    if (response.status !== 201)
      throw new Error(
        `POST ${this.url}/auth/token as ${this.user.username}: ${response.status} ${await response.text()}`,
      );
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      // No content type without a body: Airflow 2's Connexion answers a bodiless JSON DELETE with 400.
      headers: {
        authorization: await this.authorization(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        accept: 'application/json',
      },
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
      throw new Error(
        `${method} ${this.url}${path} as ${this.user.username}: ${result.status} ${JSON.stringify(result.body)}`,
      );
    }
    return result.body as T;
  }

  async trigger(dagId: string, conf: RunConf): Promise<RunRef> {
    // Airflow 2 has no null logical date: it takes now when none is given.
    const body = this.major === 2 ? { conf } : { logical_date: null, conf };
    const run = await this.ok<{ dag_run_id: string }>('POST', `${this.prefix}/dags/${dagId}/dagRuns`, body);
    return { dagId, runId: run.dag_run_id };
  }

  async runState(ref: RunRef): Promise<string> {
    const run = await this.ok<{ state: string }>(
      'GET',
      `${this.prefix}/dags/${ref.dagId}/dagRuns/${encodeURIComponent(ref.runId)}`,
    );
    return run.state;
  }

  /** Waits until every run is success or failed. */
  async waitForRuns(refs: RunRef[], timeoutMs = 300_000): Promise<Record<string, string>> {
    return waitFor(
      async () => {
        const states = await Promise.all(
          refs.map(async (ref) => [`${ref.dagId}/${ref.runId}`, await this.runState(ref)] as const),
        );
        const pending = states.filter(([, state]) => state !== 'success' && state !== 'failed');
        return pending.length === 0
          ? Object.fromEntries(states)
          : notYet(
              `${pending.length} of ${refs.length} runs unfinished: ${pending.map(([k, s]) => `${k}=${s}`).join(', ')}`,
            );
      },
      { timeoutMs, intervalMs: 1000, what: `${refs.length} DAG runs to finish` },
    );
  }

  /** Waits until no capstone run is queued or running (another test file may have left some). */
  async waitQuiet(timeoutMs = 300_000): Promise<void> {
    await waitFor(
      async () => {
        // /api/v1 has no dag_id_pattern on runs; the filter below is what matters either way.
        const query = `${this.major === 2 ? '' : 'dag_id_pattern=capstone_&'}state=queued&state=running&limit=100`;
        const { dag_runs } = await this.ok<{ dag_runs: { dag_id: string; state: string }[] }>(
          'GET',
          `${this.prefix}/dags/~/dagRuns?${query}`,
        );
        const active = dag_runs.filter((r) => (CAPSTONE_DAGS as string[]).includes(r.dag_id));
        return active.length === 0 ? true : notYet(`${active.length} capstone runs still queued or running`);
      },
      { timeoutMs, intervalMs: 1000, what: 'every capstone run to finish' },
    );
  }

  /** The Variable's JSON value, or undefined when it does not exist. */
  async variable(key: string): Promise<unknown> {
    const result = await this.request('GET', `${this.prefix}/variables/${encodeURIComponent(key)}`);
    if (result.status === 404) return undefined;
    if (result.status !== 200) throw new Error(`GET variable ${key}: ${result.status} ${JSON.stringify(result.body)}`);
    return JSON.parse((result.body as { value: string }).value);
  }
}
