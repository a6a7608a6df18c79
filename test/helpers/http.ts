import { expect } from 'vitest';
import type { DemoServer } from '../../source/demo/index.js';
import { AirflowError, type AirflowErrorKind } from '../../source/airflow/errors.js';
import type { RestSourceOptions } from '../../source/airflow/rest/index.js';

export const CAPSTONE_DAGS = [
  'capstone_ingestion_pipeline',
  'capstone_processing_pipeline',
  'capstone_vector_store_pipeline',
];
export const REFERENCE_VARIABLES = [
  'capstone_processing_metrics',
  'capstone_cost_metrics',
  'capstone_quality_metrics',
  'embedding_generation_log',
  'extraction_log',
  'llm_response_log',
];

/** A fixed instant: the demo and the client agree on "now", so numbers are reproducible. */
export const FIXED_NOW = new Date('2025-06-01T12:00:00Z');
export const fixedClock = () => FIXED_NOW;

/** Client options for a demo server: short retry waits and a one-hour baseline so tests stay fast. */
export function restOptionsFor(
  demo: Pick<DemoServer, 'url' | 'credentials'>,
  overrides: Partial<RestSourceOptions> = {},
): RestSourceOptions {
  return {
    url: demo.url,
    auth: { kind: 'password', ...demo.credentials },
    timeoutSeconds: 5,
    maxInFlight: 4,
    retries: 2,
    dags: { ids: CAPSTONE_DAGS, patterns: [] },
    window: { recentSeconds: 3600, baselineSeconds: 3600, baselineSamples: 5 },
    variables: REFERENCE_VARIABLES,
    maxVariableBytes: 5_000_000,
    clock: fixedClock,
    backoff: { baseMs: 5, capMs: 50 },
    ...overrides,
  };
}

/** Awaits a rejection and checks it is an AirflowError of `kind`; returns it for more checks. */
export async function expectAirflowError(promise: Promise<unknown>, kind: AirflowErrorKind): Promise<AirflowError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected an AirflowError of kind ${kind}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AirflowError);
  expect((error as AirflowError).kind).toBe(kind);
  return error as AirflowError;
}

/** numpy.percentile's linear rule, written out again so tests do not lean on the code under test. */
export function numpyPercentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * (q / 100);
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!);
}

/** A bearer token from a demo (or any Airflow 3) server. */
export async function signIn(baseUrl: string, username = 'admin', password = 'admin'): Promise<string> {
  const response = await fetch(`${baseUrl}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 201) throw new Error(`sign-in to ${baseUrl} answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** One raw API call; the parsed JSON body (or text) with the status. */
// Tests walk arbitrary JSON replies (body: any); their expects are the check.
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; accept?: string } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(baseUrl + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers };
}
