// One measurement in its own Node process (forked by run.ts), so its peak RSS is its own. The parent owns the
// byte-counting proxy; the worker asks it for the counters around each poll over the IPC channel.
import { subscribe } from 'node:diagnostics_channel';
import pg from 'pg';
import { createRestSource } from '../../source/airflow/rest/index.js';
import { createSqlSource, type QueryEvent } from '../../source/airflow/sql/index.js';
import type { AirflowSource, Snapshot } from '../../source/airflow/types.js';
import { configSchema } from '../../source/config/schema.js';
import { useLeanHeap } from '../../source/modes/heap.js';
import { deriveReport } from '../../source/engines/index.js';
import { createAirtopStore, HISTORY_CAPACITY } from '../../source/state/store.js';
import type { ByteCount } from './proxy.js';

export type WorkerTask =
  | { kind: 'sql'; dbUrl: string; now: string; steadyPolls: number }
  /** `dbUrl` (direct, not through the proxy) lets the worker stage the changes of one poll interval. */
  | { kind: 'rest'; url: string; username: string; password: string; now: string; dbUrl: string }
  /** `lean`: V8 tuned as `airtop --headless` tunes it (source/modes/heap.ts); otherwise as the TUI runs. */
  | { kind: 'soak'; dbUrl: string; now: string; polls: number; lean: boolean }
  | { kind: 'ui' };

export interface PollFigures {
  /** REST only: after the first poll, `quiet` when nothing changed since, `busy` after one interval of changes. */
  kind?: 'first' | 'quiet' | 'busy';
  /** Rows the bench marked updated before a busy poll. */
  changed?: { runs: number; taskInstances: number };
  ms: number;
  /** SQL statements (data queries; BEGIN/COMMIT not counted) or HTTP requests. */
  calls: number;
  bytes: number;
}

/** Totals over the window figures, which the bench compares with the reference's. */
export interface SnapshotShape {
  dags: number;
  windowRuns: number;
  successRuns: number;
  failedRuns: number;
  avgDurationSum: number;
  windowTaskInstances: number;
  taskSuccess: number;
  taskFailed: number;
  retries: number;
  taskAvgSum: number;
  taskMaxSum: number;
  taskKeys: number;
  runs: number;
  taskInstances: number;
  pools: number;
}

export type WorkerResult =
  | { kind: 'poll'; polls: PollFigures[]; shape: SnapshotShape; maxRssMb: number }
  | {
      kind: 'soak';
      polls: number;
      rssStartMb: number;
      rssAfterFirstMb: number;
      rssMidMb: number;
      rssEndMb: number;
      maxRssMb: number;
      /** Live objects vs what V8 holds: tells a leak from heap slack. */
      heapUsedMb: number;
      heapTotalMb: number;
      history: number;
      capacity: number;
      pollMsP50: number;
    }
  | { kind: 'ui'; p95KeyMs: number; idleCpuPct: number; lines: string[]; maxRssMb: number };

export type WorkerMessage =
  | { type: 'counts?'; id: number }
  | { type: 'progress'; poll: number; calls: number }
  | { type: 'poll'; figures: PollFigures }
  | { type: 'result'; result: WorkerResult }
  | { type: 'error'; message: string };

const WINDOW = { recentSeconds: 3600, baselineSeconds: 7 * 86400, baselineSamples: 50 };
const SELECTION = { ids: [] as string[], patterns: ['capstone_*'] };

function send(message: WorkerMessage): void {
  process.send?.(message);
}

let nextId = 0;
function proxyCounts(): Promise<ByteCount> {
  const id = ++nextId;
  return new Promise((resolve) => {
    const onMessage = (message: { type: string; id: number; counts: ByteCount }) => {
      if (message.type !== 'counts' || message.id !== id) return;
      process.off('message', onMessage);
      resolve(message.counts);
    };
    process.on('message', onMessage);
    send({ type: 'counts?', id });
  });
}

/** MiB, as Python's ru_maxrss / 1024, so the columns compare. */
const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
const maxRssMb = (): number => mb(process.resourceUsage().maxRSS * 1024);

function shapeOf(snapshot: Snapshot): SnapshotShape {
  const dags = Object.values(snapshot.window.dags);
  const tasks = Object.values(snapshot.window.tasks);
  const sum = <T>(items: T[], value: (item: T) => number) => items.reduce((total, item) => total + value(item), 0);
  return {
    dags: snapshot.dags.length,
    windowRuns: sum(dags, (d) => d.runs),
    successRuns: sum(dags, (d) => d.success),
    failedRuns: sum(dags, (d) => d.failed),
    avgDurationSum: sum(dags, (d) => d.avgSuccessDurationSeconds),
    windowTaskInstances: sum(tasks, (t) => t.total),
    taskSuccess: sum(tasks, (t) => t.success),
    taskFailed: sum(tasks, (t) => t.failed),
    retries: sum(tasks, (t) => t.retries),
    taskAvgSum: sum(tasks, (t) => t.avgDurationSeconds),
    taskMaxSum: sum(tasks, (t) => t.maxDurationSeconds),
    taskKeys: Object.keys(snapshot.window.tasks).length,
    runs: snapshot.runs.length,
    taskInstances: snapshot.taskInstances.length,
    pools: snapshot.pools.length,
  };
}

/** Before poll i (0 = first): what to do, and how to label the poll. */
type BeforePoll = (i: number) => Promise<Pick<PollFigures, 'kind' | 'changed'>>;

/** First poll, then `steady` more: wall time, calls and bytes of each. */
async function measurePolls(
  source: AirflowSource,
  now: Date,
  steady: number,
  calls: () => number,
  before: BeforePoll = async () => ({}),
): Promise<WorkerResult> {
  const polls: PollFigures[] = [];
  let snapshot: Snapshot | null = null;
  for (let i = 0; i <= steady; i++) {
    const label = await before(i);
    const bytesBefore = await proxyCounts();
    const callsBefore = calls();
    const started = performance.now();
    snapshot = await source.snapshot(now);
    const ms = performance.now() - started;
    const after = await proxyCounts();
    const figures = {
      ...label,
      ms,
      calls: calls() - callsBefore,
      bytes: after.sent - bytesBefore.sent + after.received - bytesBefore.received,
    };
    polls.push(figures);
    // The parent keeps these: if the budget stops a later poll, the finished ones are still reported.
    send({ type: 'poll', figures });
  }
  await source.close();
  return { kind: 'poll', polls, shape: shapeOf(snapshot!), maxRssMb: maxRssMb() };
}

const INTERVAL_MS = 300_000;

/**
 * One poll interval of Airflow at work, as updated_at shows it: every run and task instance queued, started
 * or ended in the five minutes before the anchor is marked updated now, as the scheduler and workers would
 * have left them.
 */
async function stageOneInterval(dbUrl: string, anchor: Date): Promise<{ runs: number; taskInstances: number }> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const since = new Date(anchor.getTime() - INTERVAL_MS);
    const runs = await client.query(
      'UPDATE dag_run SET updated_at = now() WHERE queued_at >= $1 OR start_date >= $1 OR end_date >= $1',
      [since],
    );
    const tis = await client.query(
      'UPDATE task_instance SET updated_at = now() WHERE queued_dttm >= $1 OR start_date >= $1 OR end_date >= $1',
      [since],
    );
    return { runs: runs.rowCount ?? 0, taskInstances: tis.rowCount ?? 0 };
  } finally {
    await client.end();
  }
}

async function sqlTask(task: Extract<WorkerTask, { kind: 'sql' }>): Promise<WorkerResult> {
  let queries = 0;
  const source = createSqlSource({
    dbUrl: task.dbUrl,
    statementTimeoutSeconds: 60,
    dags: SELECTION,
    window: WINDOW,
    variables: { source: null, names: [] },
    onQuery: (_event: QueryEvent) => (queries += 1),
  });
  return measurePolls(source, new Date(task.now), task.steadyPolls, () => queries);
}

/**
 * First poll; a quiet poll (nothing updated since the first began, less the overlap); then a busy one, after
 * one interval of changes.
 */
async function restTask(task: Extract<WorkerTask, { kind: 'rest' }>): Promise<WorkerResult> {
  let requests = 0;
  let poll = 0;
  // Every undici request, whatever dispatcher the REST client uses.
  subscribe('undici:request:create', () => {
    requests += 1;
    if (requests % 25 === 0) send({ type: 'progress', poll, calls: requests });
  });
  const source = await createRestSource({
    url: task.url,
    auth: { kind: 'password', username: task.username, password: task.password },
    timeoutSeconds: 120,
    maxInFlight: 4,
    retries: 0,
    dags: SELECTION,
    window: WINDOW,
    variables: [],
    maxVariableBytes: 5_000_000,
  });
  const anchor = new Date(task.now);
  return measurePolls(
    source,
    anchor,
    2,
    () => requests,
    async (i) => {
      poll = i;
      if (i === 0) return { kind: 'first' };
      if (i === 1) return { kind: 'quiet' };
      return { kind: 'busy', changed: await stageOneInterval(task.dbUrl, anchor) };
    },
  );
}

/** 288 polls (a day at 5 minutes) through source → engines → store, as the TUI and headless modes run them. */
async function soakTask(task: Extract<WorkerTask, { kind: 'soak' }>): Promise<WorkerResult> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const rss = () => {
    gc();
    return mb(process.memoryUsage().rss);
  };
  if (task.lean) useLeanHeap();
  const rssStartMb = rss();
  const config = configSchema.parse({ dags: { ids: [], patterns: ['capstone_*'] } });
  const source = createSqlSource({
    dbUrl: task.dbUrl,
    statementTimeoutSeconds: 60,
    dags: SELECTION,
    window: WINDOW,
    variables: { source: null, names: [] },
  });
  const store = createAirtopStore();
  const now = new Date(task.now);
  const times: number[] = [];
  let rssAfterFirstMb = 0;
  let rssMidMb = 0;
  for (let i = 0; i < task.polls; i++) {
    const started = performance.now();
    const at = new Date(now.getTime() + i * 300_000);
    const snapshot = await source.snapshot(now);
    const state = store.getState();
    const { report, point } = deriveReport({
      snapshot,
      config,
      now,
      stale: { stale: false, reason: null, lastSuccess: state.poll.lastSuccessAt },
    });
    state.pollSucceeded({ snapshot, report, point: { ...point, at: at.toISOString() }, at });
    state.setNextPoll(new Date(at.getTime() + 300_000));
    times.push(performance.now() - started);
    if (i === 0) rssAfterFirstMb = rss();
    if (i === Math.floor(task.polls / 2)) rssMidMb = rss();
    if (i % 24 === 0) send({ type: 'progress', poll: i, calls: 0 });
  }
  await source.close();
  times.sort((a, b) => a - b);
  return {
    kind: 'soak',
    polls: task.polls,
    rssStartMb,
    rssAfterFirstMb,
    rssMidMb,
    rssEndMb: rss(),
    maxRssMb: maxRssMb(),
    heapUsedMb: mb(process.memoryUsage().heapUsed),
    heapTotalMb: mb(process.memoryUsage().heapTotal),
    history: store.getState().history.length,
    capacity: HISTORY_CAPACITY,
    pollMsP50: times[Math.floor(times.length / 2)] ?? 0,
  };
}

async function uiTask(): Promise<WorkerResult> {
  // As source/cli.tsx sets it before React loads: the figures are those of what ships.
  process.env.NODE_ENV ??= 'production';
  // Loaded only for this task: importing Ink and React in every worker would inflate the sources' RSS.
  const { runUiBench } = await import('./ui-bench.js');
  const result = await runUiBench();
  return { kind: 'ui', ...result, maxRssMb: maxRssMb() };
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '{}') as WorkerTask;
  try {
    const result =
      task.kind === 'sql'
        ? await sqlTask(task)
        : task.kind === 'rest'
          ? await restTask(task)
          : task.kind === 'soak'
            ? await soakTask(task)
            : await uiTask();
    send({ type: 'result', result });
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  process.disconnect?.();
}

await main();
