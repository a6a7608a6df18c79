import { Agent, request } from 'undici';
import { AirflowError, type AirflowErrorKind } from '../errors.js';
import { encodeQuery, type QueryParams } from './query.js';
import { backoffDelayMs, isRetryableStatus, parseRetryAfter, type BackoffPolicy } from './retry.js';
import { createSemaphore } from './semaphore.js';
import { safeDelayMs } from '../../safe-delay.js';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** From the Airflow base URL, e.g. /api/v2/dags. */
  path: string;
  query?: QueryParams;
  body?: unknown;
  /** Send credentials (default true); version and health need none. */
  auth?: boolean;
  accept?: string;
  /** Stop reading a body larger than this (default 64 MiB). */
  maxBodyBytes?: number;
  /** Non-2xx statuses handed back to the caller instead of thrown, e.g. 404 for a missing Variable. */
  expect?: readonly number[];
  /** Retries for this request (default: the client's). Writes that must not repeat pass 0. */
  retries?: number;
}

export interface HttpResult {
  status: number;
  body: unknown;
  /** Base URL + path, without the query: what messages name. */
  url: string;
}

export interface Authorizer {
  /** The Authorization header value, or null to send none. */
  header(): Promise<string | null>;
  /**
   * After a 401 on a request sent with `stale`: fetch fresh credentials. False when there is nothing to
   * refresh (static token, basic). Requests that fail together share one refresh.
   */
  refresh(stale: string | null): Promise<boolean>;
  /** What a person should check after a 401 from `url`. */
  explain401(url: string): string;
  /**
   * Airflow 2 answers 403 to refused or missing credentials as well as to a missing permission: when set, a
   * 403 is an auth error with this explanation instead of "the user lacks a role".
   */
  explain403?(url: string): string;
}

export interface HttpOptions {
  baseUrl: string;
  /** Where the user sets this URL, named when Airflow cannot be reached (default --url/AIRFLOW_URL). */
  urlSetting?: string;
  timeoutMs: number;
  retries: number;
  maxInFlight: number;
  backoff: BackoffPolicy;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  clock: () => Date;
  /** Strings that must never appear in a message (password, token). */
  secrets: string[];
}

export interface Http {
  readonly baseUrl: string;
  request(req: HttpRequest): Promise<HttpResult>;
  useAuthorizer(authorizer: Authorizer): void;
  /**
   * Airflow's clock as of now, from the Date header of the latest response (null before one came). Second
   * resolution and never ahead of the server: what incremental reads compare updated_at with.
   */
  serverNow(): Date | null;
  redact(text: string): string;
  close(): Promise<void>;
}

/** A body bigger than the caller allowed; `declaredBytes` is Content-Length when the server sent one. */
export class ResponseTooLargeError extends AirflowError {
  constructor(
    message: string,
    readonly limitBytes: number,
    readonly declaredBytes: number | null,
  ) {
    super('bad_response', message);
  }
}

const DEFAULT_MAX_BODY = 64 * 1024 * 1024;

type Attempt =
  | { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; text: string }
  | { kind: 'network'; code: string; detail: string }
  | { kind: 'timeout' };

function errorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return 'UNKNOWN';
}

function snippet(text: string, length = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

/** FastAPI puts the reason in `detail` (a string, or a list of validation errors). */
function airflowDetail(text: string): string {
  try {
    const parsed = JSON.parse(text) as { detail?: unknown };
    if (typeof parsed.detail === 'string') return parsed.detail;
    if (parsed.detail !== undefined) return snippet(JSON.stringify(parsed.detail));
  } catch {
    // not JSON: fall through to the raw text
  }
  return snippet(text);
}

export function createHttp(options: HttpOptions): Http {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const agent = new Agent({
    connections: options.maxInFlight,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: { timeout: options.timeoutMs },
  });
  const slots = createSemaphore(options.maxInFlight);
  // Very short secrets would mask ordinary words; messages never carry secrets by construction anyway.
  const secrets = options.secrets.filter((s) => s.length >= 4);
  let authorizer: Authorizer | null = null;
  let closed = false;
  /** Server clock minus ours, from the latest Date header; the header truncates to seconds, so never ahead. */
  let serverOffsetMs: number | null = null;

  function noteServerDate(header: unknown): void {
    const at = typeof header === 'string' ? Date.parse(header) : Number.NaN;
    if (!Number.isNaN(at)) serverOffsetMs = at - options.clock().getTime();
  }

  const redact = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join('***'), text);
  const fail = (kind: AirflowErrorKind, message: string, status?: number) =>
    new AirflowError(kind, redact(message), status);
  const abandoned = (req: HttpRequest) =>
    fail('unreachable', `the connection to Airflow at ${baseUrl} was closed (${req.method} ${req.path} abandoned)`);

  async function readBody(
    body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown },
    limit: number,
    url: string,
    declared: number | null,
  ): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > limit) {
        body.destroy();
        throw new ResponseTooLargeError(redact(`${url} sent more than ${limit} bytes`), limit, declared);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function attempt(req: HttpRequest, url: string, authHeader: string | null): Promise<Attempt> {
    const headers: Record<string, string> = { accept: req.accept ?? 'application/json' };
    if (authHeader !== null) headers.authorization = authHeader;
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, safeDelayMs(options.timeoutMs));
    try {
      const response = await request(url + encodeQuery(req.query), {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        dispatcher: agent,
        signal: controller.signal,
      });
      const lengthHeader = response.headers['content-length'];
      const declared = typeof lengthHeader === 'string' ? Number(lengthHeader) : null;
      const ok = response.statusCode < 300 || (req.expect ?? []).includes(response.statusCode);
      // Error bodies only feed messages; keep them short.
      const limit = ok ? (req.maxBodyBytes ?? DEFAULT_MAX_BODY) : 64 * 1024;
      let text: string;
      try {
        text = await readBody(response.body, limit, url, declared);
      } catch (error) {
        if (!ok && error instanceof ResponseTooLargeError) text = '';
        else throw error;
      }
      return { kind: 'response', status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      if (error instanceof ResponseTooLargeError) throw error;
      const code = errorCode(error);
      if (
        timedOut ||
        code === 'UND_ERR_HEADERS_TIMEOUT' ||
        code === 'UND_ERR_BODY_TIMEOUT' ||
        code === 'UND_ERR_CONNECT_TIMEOUT'
      )
        return { kind: 'timeout' };
      return { kind: 'network', code, detail: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  function parseJson(req: HttpRequest, url: string, status: number, text: string, contentType: unknown): unknown {
    if (status === 204 || text === '') return null;
    try {
      return JSON.parse(text);
    } catch {
      throw fail(
        'bad_response',
        `${req.method} ${url} returned malformed JSON (HTTP ${status}, content-type ${String(contentType ?? 'none')}): "${snippet(text, 120)}" — is --url the Airflow API server's base URL?`,
        status,
      );
    }
  }

  function parseLenient(text: string): unknown {
    try {
      return text === '' ? null : JSON.parse(text);
    } catch {
      return null;
    }
  }

  async function send(req: HttpRequest): Promise<HttpResult> {
    const url = baseUrl + req.path;
    const retries = req.retries ?? options.retries;
    const tries = retries + 1;
    let refreshed = false;
    for (let attemptIndex = 0; ; attemptIndex += 1) {
      // A closed client neither starts nor retries requests (leftovers of a failed snapshot stop here).
      if (closed) throw abandoned(req);
      // Credentials first, outside the slot: fetching a token needs a slot of its own.
      const authHeader = req.auth === false || authorizer === null ? null : await authorizer.header();
      await slots.acquire();
      let outcome: Attempt;
      try {
        outcome = await attempt(req, url, authHeader);
      } finally {
        slots.release();
      }
      const last = attemptIndex >= retries;
      if (closed) throw abandoned(req);

      if (outcome.kind === 'timeout') {
        if (!last) {
          await options.sleep(backoffDelayMs(attemptIndex, options.backoff, options.random));
          continue;
        }
        throw fail(
          'timeout',
          `no answer from ${req.method} ${url} within ${options.timeoutMs / 1000}s (${tries} tries): Airflow is slow or overloaded; raise airflow.timeout or check the API server`,
        );
      }
      if (outcome.kind === 'network') {
        if (!last) {
          await options.sleep(backoffDelayMs(attemptIndex, options.backoff, options.random));
          continue;
        }
        const why = outcome.code === 'UNKNOWN' ? outcome.detail : outcome.code;
        throw fail(
          'unreachable',
          `cannot reach Airflow at ${baseUrl}: check ${options.urlSetting ?? '--url/AIRFLOW_URL'} (${why} on ${req.method} ${req.path})`,
        );
      }

      const { status, text, headers } = outcome;
      noteServerDate(headers.date);
      if (status < 300) return { status, url, body: parseJson(req, url, status, text, headers['content-type']) };
      if ((req.expect ?? []).includes(status)) {
        // An expected error's body is a hint at most: Airflow 2 answers a missing route with its HTML 404 page.
        return { status, url, body: parseLenient(text) };
      }
      if (status === 401 && req.auth !== false && authorizer !== null) {
        if (!refreshed && (await authorizer.refresh(authHeader))) {
          refreshed = true;
          attemptIndex -= 1; // a new token is not a retry
          continue;
        }
        throw fail('auth', authorizer.explain401(url), 401);
      }
      if (isRetryableStatus(status) && !last) {
        const retryAfter = parseRetryAfter(headers['retry-after'], options.clock());
        const delay = retryAfter ?? backoffDelayMs(attemptIndex, options.backoff, options.random);
        await options.sleep(Math.min(delay, options.backoff.capMs));
        continue;
      }
      const detail = airflowDetail(text);
      if (status === 429) {
        throw fail(
          'rate_limited',
          `429 from ${req.method} ${url} after ${tries} tries: Airflow is rate-limiting airtop; raise --interval or lower airflow.max_in_flight`,
          429,
        );
      }
      if (status >= 500) {
        throw fail(
          'server',
          `${status} from ${req.method} ${url} after ${tries} tries: Airflow failed (${detail}); check the API server's log`,
          status,
        );
      }
      if (status === 401) throw fail('auth', `401 from ${req.method} ${url}: ${detail}`, 401);
      if (status === 403 && req.auth !== false && authorizer?.explain403)
        throw fail('auth', authorizer.explain403(url), 403);
      if (status === 403) {
        throw fail(
          'forbidden',
          `403 from ${req.method} ${url}: the Airflow user lacks a role for this (${detail}); ask an admin for the Viewer role or higher`,
          403,
        );
      }
      if (status === 404) throw fail('not_found', `404 from ${req.method} ${url}: ${detail}`, 404);
      throw fail(
        'bad_response',
        `${status} from ${req.method} ${url}: Airflow rejected the request (${detail}); is this Airflow version supported (3.x on /api/v2, 2.x on /api/v1)?`,
        status,
      );
    }
  }

  return {
    baseUrl,
    request: send,
    useAuthorizer(next) {
      authorizer = next;
    },
    serverNow: () => (serverOffsetMs === null ? null : new Date(options.clock().getTime() + serverOffsetMs)),
    redact,
    close: async () => {
      closed = true;
      // Abandon what is in flight rather than wait up to a timeout for it: the caller is shutting down.
      await agent.destroy();
    },
  };
}
