import { AirflowError } from '../errors.js';
import type { AirflowSource, DagRun, Snapshot, TaskInstance, TaskLogPage, VariableRead } from '../types.js';
import { authSecrets, createAuthorizer, type RestAuth } from './auth.js';
import { createBaseline, type Baseline } from './baseline.js';
import { createHttp, type Http, type HttpRequest, type HttpResult } from './http.js';
import { newestRunsFirst, parseBody } from './map.js';
import { createReads, type Api, type Reads } from './reads.js';
import { writeVariable } from './variable-write.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './retry.js';
import { versionSchema } from './schemas.js';
import { sanitizeText } from '../../text/sanitize.js';
import { safeDelayMs } from '../../safe-delay.js';
import { buildSnapshot } from './snapshot.js';
import { createWindowCache, DEFAULT_WINDOW_CACHE, type WindowCache } from './window.js';

export type { RestAuth } from './auth.js';

export interface RestSourceOptions {
  url: string;
  /** Where the user sets the URL (a fleet instance: its airflow.url); default --url/AIRFLOW_URL. */
  urlSetting?: string;
  auth: RestAuth;
  timeoutSeconds: number;
  maxInFlight: number;
  retries: number;
  dags: { ids: string[]; patterns: string[] };
  window: { recentSeconds: number; baselineSeconds: number; baselineSamples: number };
  variables: string[];
  maxVariableBytes: number;
  clock?: () => Date;
  /** Retry waits; tests shorten them. */
  backoff?: BackoffPolicy;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RestSource extends AirflowSource {
  readVariables(names: string[]): Promise<Record<string, VariableRead>>;
  writeVariable(key: string, value: string, description?: string): Promise<void>;
  /** Which API answered, after the first call; null before. */
  readonly api: Api | null;
  /** Contacts Airflow if not done yet: which API it speaks and its version. */
  detect(): Promise<{ api: Api; version: string | null }>;
  /**
   * An authenticated request with the same auth, retries, in-flight limit and secret redaction as the reads,
   * for writers such as the airflow_variables sink. Statuses in `expect` come back instead of throwing.
   */
  request(req: HttpRequest): Promise<HttpResult>;
  /** Claims of the bearer token (Airflow 3's JWT: sub, role), for naming the user's role; null otherwise. */
  tokenClaims(): Promise<Record<string, unknown> | null>;
}

interface Connection {
  api: Api;
  version: string | null;
  reads: Reads;
  baseline: Baseline;
  window: WindowCache;
}

function validUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AirflowError(
      'config',
      `"${url}" is not a URL: set --url/AIRFLOW_URL to Airflow's base URL, e.g. http://localhost:8080`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AirflowError(
      'config',
      `"${url}" is not an http(s) URL: set --url/AIRFLOW_URL to Airflow's base URL, e.g. http://localhost:8080`,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new AirflowError(
      'config',
      'the Airflow URL must not carry credentials: use AIRFLOW_USERNAME / AIRFLOW_PASSWORD or AIRFLOW_TOKEN',
    );
  }
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
}

/** Airflow 3 answers /api/v2/version; Airflow 2 only /api/v1/version. Neither needs credentials. */
async function detectApi(http: Http, urlSetting = '--url/AIRFLOW_URL'): Promise<{ api: Api; version: string | null }> {
  const v2 = await http.request({ method: 'GET', path: '/api/v2/version', auth: false, expect: [404] });
  if (v2.status !== 404)
    return { api: 'v2', version: sanitizeText(parseBody(versionSchema, v2.body, v2.url).version, { max: 100 }) };
  const v1 = await http.request({ method: 'GET', path: '/api/v1/version', auth: false, expect: [404] });
  if (v1.status !== 404)
    return { api: 'v1', version: sanitizeText(parseBody(versionSchema, v1.body, v1.url).version, { max: 100 }) };
  throw new AirflowError(
    'config',
    `neither ${http.baseUrl}/api/v2/version nor /api/v1/version exists: is ${urlSetting} Airflow's base URL (without /api/...)?`,
    404,
  );
}

/**
 * An AirflowSource over Airflow's REST API. Nothing is sent until the first call, so a monitor can start
 * while Airflow is down; the API version is detected then, and again after a failed detection.
 */
export async function createRestSource(opts: RestSourceOptions): Promise<RestSource> {
  const url = validUrl(opts.url);
  const clock = opts.clock ?? (() => new Date());
  const http = createHttp({
    baseUrl: url,
    timeoutMs: opts.timeoutSeconds * 1000,
    retries: opts.retries,
    maxInFlight: opts.maxInFlight,
    backoff: opts.backoff ?? DEFAULT_BACKOFF,
    random: opts.random ?? Math.random,
    sleep: opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, safeDelayMs(ms)))),
    clock,
    secrets: authSecrets(opts.auth),
    ...(opts.urlSetting ? { urlSetting: opts.urlSetting } : {}),
  });
  let connection: Promise<Connection> | null = null;
  let api: Api | null = null;
  let authorizer: ReturnType<typeof createAuthorizer> | null = null;

  function connect(): Promise<Connection> {
    connection ??= detectApi(http, opts.urlSetting).then(
      (found) => {
        authorizer = createAuthorizer(opts.auth, found.api, http);
        http.useAuthorizer(authorizer);
        api = found.api;
        const reads = createReads(http, found.api);
        return {
          ...found,
          reads,
          baseline: createBaseline(reads, {
            baselineSeconds: opts.window.baselineSeconds,
            samples: opts.window.baselineSamples,
          }),
          window: createWindowCache(reads, { ...DEFAULT_WINDOW_CACHE, serverNow: () => http.serverNow() }),
        };
      },
      (error: unknown) => {
        connection = null;
        throw error;
      },
    );
    return connection;
  }

  return {
    url,
    get api() {
      return api;
    },
    async detect() {
      const { api: found, version } = await connect();
      return { api: found, version };
    },
    async request(req: HttpRequest): Promise<HttpResult> {
      await connect();
      return http.request(req);
    },
    async tokenClaims() {
      await connect();
      const header = authorizer ? await authorizer.header().catch(() => null) : null;
      return jwtClaims(header);
    },
    async snapshot(now: Date): Promise<Snapshot> {
      const c = await connect();
      return buildSnapshot(
        {
          reads: c.reads,
          baseline: c.baseline,
          window: c.window,
          url,
          version: c.version,
          dags: opts.dags,
          recentSeconds: opts.window.recentSeconds,
          variables: opts.variables,
          maxVariableBytes: opts.maxVariableBytes,
        },
        c.api,
        now,
      );
    },
    async dagRuns(dagId: string, limit: number): Promise<DagRun[]> {
      const c = await connect();
      const runs = await c.reads.runsOfDag(dagId, {}, (got) => got.length >= limit, Math.ceil(limit / 100));
      return runs.sort(newestRunsFirst).slice(0, limit);
    },
    async taskInstances(dagId: string, runId: string): Promise<TaskInstance[]> {
      return (await connect()).reads.taskInstancesOfRun(dagId, runId);
    },
    /** Just these Variables, with the same statuses as in a snapshot (the SQL source reads Variables this way). */
    async readVariables(names: string[]): Promise<Record<string, VariableRead>> {
      const c = await connect();
      const entries = await Promise.all(
        names.map(async (name) => [name, await c.reads.variable(name, opts.maxVariableBytes)] as const),
      );
      return Object.fromEntries(entries);
    },
    async writeVariable(key: string, value: string, description?: string): Promise<void> {
      const c = await connect();
      return writeVariable(http, c.api, key, value, description);
    },
    async taskLog(ti, tryNumber, token): Promise<TaskLogPage> {
      return (await connect()).reads.log(ti, tryNumber, token);
    },
    close: () => http.close(),
  };
}

/** The payload of a Bearer JWT, unverified: only used to name the role in messages. */
function jwtClaims(header: string | null): Record<string, unknown> | null {
  const token = /^Bearer ([^.]+)\.([^.]+)\./.exec(header ?? '')?.[2];
  if (!token) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
