// Given a real Airflow 3 with runs starting, retrying, failing and finishing, when one REST source polls every
// few seconds, then after its first poll it asks only for rows updated since (updated_at_gte on Airflow's
// clock, read from its Date header), and its window ends equal to a fresh source's whole read.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRestSource, type RestSource } from '../../source/airflow/rest/index.js';
import type { Snapshot } from '../../source/airflow/types.js';
import { AirflowApi, type RunRef } from './support/api.js';
import { CAPSTONE_DAGS, harness } from './support/context.js';

const POLL_MS = 1000;

function newSource(): Promise<RestSource> {
  const h = harness();
  return createRestSource({
    url: h.url,
    auth: { kind: 'password', username: h.users.viewer.username, password: h.users.viewer.password },
    timeoutSeconds: 30,
    maxInFlight: 4,
    retries: 2,
    dags: { ids: CAPSTONE_DAGS, patterns: [] },
    window: { recentSeconds: 3600, baselineSeconds: 86400, baselineSamples: 50 },
    variables: [],
    maxVariableBytes: 5_000_000,
  });
}

/** What must not differ between the kept and the whole-read window. */
function windowOf(snapshot: Snapshot) {
  return {
    runs: snapshot.runs.map((r) => [r.dagId, r.runId, r.state, r.startDate, r.endDate].join(' ')),
    taskInstances: snapshot.taskInstances.map((ti) =>
      [ti.dagId, ti.runId, ti.taskId, ti.mapIndex, ti.state, ti.tryNumber, ti.startDate, ti.endDate].join(' '),
    ),
    window: snapshot.window,
  };
}

/** The snapshot and the requests it took (nothing else talks to Airflow from this process meanwhile). */
async function poll(source: RestSource, now = new Date()): Promise<{ snapshot: Snapshot; requests: string[] }> {
  const requests: string[] = [];
  const onRequest = (message: unknown) => {
    const { request } = message as { request: { method: string; path: string } };
    requests.push(`${request.method} ${decodeURIComponent(request.path)}`);
  };
  subscribe('undici:request:create', onRequest);
  try {
    return { snapshot: await source.snapshot(now), requests };
  } finally {
    unsubscribe('undici:request:create', onRequest);
  }
}

// Airflow 3 only: airtop reads Airflow 2's /api/v1 whole every poll (source/airflow/rest/window.ts).
describe.skipIf(inject('airflow').major === 2)('incremental REST polling against the real Airflow', () => {
  const api = AirflowApi.as('admin');
  let source: RestSource;
  let first: string[];
  const steady: string[][] = [];
  let kept: Snapshot;
  let whole: Snapshot;
  let refs: RunRef[];
  let states: Record<string, string>;
  /** The triggered runs' states as each poll kept them. */
  const seen: string[] = [];

  beforeAll(async () => {
    await api.waitQuiet();
    source = await newSource();
    first = (await poll(source)).requests;
    refs = await Promise.all([
      api.trigger('capstone_ingestion_pipeline', { fail: ['download_documents'] }),
      api.trigger('capstone_vector_store_pipeline', { flaky: ['upsert_vectors'] }),
    ]);
    let done = false;
    const deadline = Date.now() + 300_000;
    while (!done && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const next = await poll(source);
      steady.push(next.requests);
      seen.push(
        ...next.snapshot.runs
          .filter((r) => refs.some((ref) => ref.runId === r.runId && ref.dagId === r.dagId))
          .map((r) => r.state),
      );
      done = (await Promise.all(refs.map((ref) => api.runState(ref)))).every((s) => s === 'success' || s === 'failed');
    }
    states = Object.fromEntries(
      await Promise.all(refs.map(async (ref) => [ref.runId, await api.runState(ref)] as const)),
    );
    await api.waitQuiet();
    const now = new Date();
    const last = await poll(source, now);
    steady.push(last.requests);
    kept = last.snapshot;
    const fresh = await newSource();
    try {
      whole = await fresh.snapshot(now);
    } finally {
      await fresh.close();
    }
  }, 600_000);

  afterAll(async () => {
    await source?.close();
  });

  it('saw the runs through to the end while polling', () => {
    expect(Object.values(states).sort()).toEqual(['failed', 'success']);
    expect(steady.length).toBeGreaterThanOrEqual(3);
    // Polls in between kept them unfinished: the changes, not a whole read, moved them on.
    expect(seen.some((state) => state === 'queued' || state === 'running')).toBe(true);
    for (const ref of refs) {
      expect(kept.runs.find((r) => r.dagId === ref.dagId && r.runId === ref.runId)?.state).toBe(states[ref.runId]);
    }
    const retried = kept.taskInstances.find((ti) => ti.runId === refs[1]!.runId && ti.taskId === 'upsert_vectors');
    expect(retried?.tryNumber).toBe(2);
  });

  it('asks only for rows updated since the previous poll after the first', () => {
    expect(first.some((r) => r.startsWith('POST /api/v2/dags/~/dagRuns/~/taskInstances/list'))).toBe(true);
    for (const requests of steady) {
      expect(
        requests.filter((r) => r.startsWith('GET /api/v2/dags/~/dagRuns?') && r.includes('updated_at_gte=')),
      ).toHaveLength(1);
      expect(
        requests.filter(
          (r) => r.startsWith('GET /api/v2/dags/~/dagRuns/~/taskInstances?') && r.includes('updated_at_gte='),
        ),
      ).toHaveLength(1);
      expect(requests.some((r) => r.startsWith('POST /api/v2/dags/~/dagRuns/~/taskInstances/list'))).toBe(false);
      // health, pools, DAGs, runs changed, task instances changed, runs still unfinished
      expect(requests.length, requests.join('\n')).toBeLessThanOrEqual(6);
    }
    expect(first.length).toBeGreaterThan(6);
  });

  it('keeps the window a whole read sees: the same runs, task instances and figures', () => {
    expect(kept.runs.length).toBeGreaterThan(0);
    expect(windowOf(kept)).toEqual(windowOf(whole));
  });
});
