// One poll of the metadata DB: at most six queries, in one read-only transaction and one alongside it.
import { AirflowError } from '../errors.js';
import type { Snapshot, SourceIssue } from '../types.js';
import {
  cacheFromRows,
  durations,
  mergeSamples,
  runSamples,
  taskSamples,
  type BaselineCache,
  type BaselineRow,
} from './baseline.js';
import { healthFromJobs, JOB_TYPES, type JobRow } from './health.js';
import {
  BASELINE_SQL,
  CURRENT_TASK_INSTANCES_SQL,
  FINISHED_TI_STATES,
  META_SQL,
  RECENT_RUNS_SQL,
  RUNS_PER_DAG,
  WINDOW_DAGS_SQL,
  WINDOW_TASKS_SCAN_SQL,
  WINDOW_TASKS_VIA_RUNS_SQL,
} from './queries.js';
import {
  createIntern,
  toDag,
  toDagRun,
  toPool,
  toTaskInstance,
  toWindowDags,
  toWindowTasks,
  type DagRow,
  type PoolRow,
  type RunRow,
  type TaskInstanceRow,
  type WindowDagRow,
  type WindowTaskRow,
} from './rows.js';
import { selectionParams, type DagSelection } from './selection.js';
import type { RunQuery } from './session.js';
import { versionFromRevision } from './version.js';

export type TaskRead = 'auto' | 'scan' | 'runs';

export interface PollOptions {
  label: string;
  url: string;
  selection: DagSelection;
  window: { recentSeconds: number; baselineSeconds: number; baselineSamples: number };
  baselineRefreshMs: number;
  taskRead: TaskRead;
  limits: { runs: number; taskInstances: number };
}

interface MetaRow {
  revision: string | null;
  dag_run_rows: number;
  window_run_rows: number;
  dags: DagRow[];
  jobs: JobRow[];
  pools: PoolRow[];
}

/**
 * Reading task instances by their start_date is a sequential scan of task_instance (Airflow has no index
 * on it); reading them through their runs is index lookups per run. The scan wins when the window holds a
 * good share of all runs (a young or pruned DB), the lookups when history is long. reltuples is -1 until
 * the table was first analysed.
 */
export function chooseTaskRead(choice: TaskRead, windowRuns: number, dagRunRows: number): 'scan' | 'runs' {
  if (choice !== 'auto') return choice;
  return dagRunRows <= 0 || windowRuns * 20 >= dagRunRows ? 'scan' : 'runs';
}

const MERGE_MARGIN_MS = 5 * 60_000;

/** The Airflow version the schema belongs to (Airflow 2.6+ and 3); an unknown revision is flagged. */
function schemaVersion(revision: string | null, label: string, issues: SourceIssue[]): string | null {
  const schema = versionFromRevision(revision);
  if (schema.kind === 'unknown') {
    issues.push({
      scope: 'version',
      message: `unknown Airflow schema revision ${schema.revision ?? '(none)'} in ${label}: figures may be wrong if the schema changed`,
    });
    return null;
  }
  return schema.version;
}

/** Configured ids the DB does not have (typos, deleted or stale DAGs), or patterns that match nothing. */
function checkSelection(dagIds: string[], opts: PollOptions, issues: SourceIssue[]): void {
  const known = new Set(dagIds);
  const missing = opts.selection.ids.filter((id) => !known.has(id));
  if (missing.length > 0) {
    issues.push({
      scope: 'dags',
      message: `${opts.label} has no DAG ${missing.join(', ')} (configured in dags.ids): check the id or remove it`,
    });
  } else if (dagIds.length === 0) {
    issues.push({
      scope: 'dags',
      message: `no DAG in ${opts.label} matches dags.patterns [${opts.selection.patterns.join(', ')}]`,
    });
  }
}

/** Queries fetch one row over the limit, so a cut is known and said. */
function capRows(rows: unknown[], max: number, issues: SourceIssue[], scope: string, what: string): void {
  if (rows.length <= max) return;
  rows.length = max;
  issues.push({ scope, message: `${what} (window figures still count them all)` });
}

export interface PollState {
  baseline: BaselineCache | null;
}

/**
 * The window's task aggregate scans the most rows (a million at size L) and is CPU-bound in PostgreSQL,
 * while the runs and task instance reads are mostly parsing in Node: it runs `alongside`, on a second
 * connection, overlapping them. In its own transaction it may see a few milliseconds' newer state than the
 * other reads; the REST source's reads are seconds apart.
 */
export async function pollSnapshot(
  query: RunQuery,
  alongside: RunQuery,
  opts: PollOptions,
  now: Date,
  state: PollState,
): Promise<Omit<Snapshot, 'variables'>> {
  const since = new Date(now.getTime() - opts.window.recentSeconds * 1000);
  const baselineSince = new Date(now.getTime() - opts.window.baselineSeconds * 1000);
  const issues: SourceIssue[] = [];
  const { ids, regexes } = selectionParams(opts.selection);

  const [meta] = await query<MetaRow>('dags, version, health, pools', META_SQL, [
    ids,
    regexes,
    Object.values(JOB_TYPES),
    since,
  ]);
  if (!meta) throw new AirflowError('bad_response', `the metadata query on ${opts.label} returned no row`);
  const version = schemaVersion(meta.revision, opts.label, issues);
  const dags = meta.dags.map(toDag);
  const dagIds = dags.map((dag) => dag.dagId);
  checkSelection(dagIds, opts, issues);

  const taskRead = chooseTaskRead(opts.taskRead, meta.window_run_rows, meta.dag_run_rows);
  const windowTasks =
    taskRead === 'scan'
      ? alongside<WindowTaskRow>('window task instances', WINDOW_TASKS_SCAN_SQL, [dagIds, since])
      : alongside<WindowTaskRow>('window task instances', WINDOW_TASKS_VIA_RUNS_SQL, [dagIds, since, baselineSince]);
  // Awaited below; marked handled now so that a failure of the reads in between does not leave it unhandled.
  windowTasks.catch(() => {});
  const windowDagRows = await query<WindowDagRow>('window runs', WINDOW_DAGS_SQL, [dagIds, since]);

  const selectionKey = `${dagIds.join('\u0000')}|${opts.window.baselineSeconds}|${opts.window.baselineSamples}`;
  const cached = state.baseline;
  const current =
    cached &&
    cached.selectionKey === selectionKey &&
    cached.readAt <= now.getTime() &&
    now.getTime() - cached.readAt < opts.baselineRefreshMs
      ? cached
      : null;
  const base =
    current ??
    cacheFromRows(
      await query<BaselineRow>('baseline', BASELINE_SQL, [dagIds, baselineSince, opts.window.baselineSamples]),
      now.getTime(),
      selectionKey,
    );

  const intern = createIntern();
  const { runs: maxRuns, taskInstances: maxTaskInstances } = opts.limits;
  const runRows = await query<RunRow>('recent runs', RECENT_RUNS_SQL, [dagIds, since, RUNS_PER_DAG, maxRuns + 1]);
  capRows(
    runRows,
    maxRuns,
    issues,
    'runs',
    `more than ${maxRuns} runs are in the window; the snapshot keeps the queued/running ones and the newest`,
  );
  // Newest first, as the REST source lists them; the query ranked unfinished runs first only to choose.
  const runs = runRows
    .map((row) => toDagRun(row, intern))
    .sort((a, b) => (a.runAfter < b.runAfter ? 1 : a.runAfter > b.runAfter ? -1 : a.dagId < b.dagId ? -1 : 1));
  const tiRows = await query<TaskInstanceRow>('current task instances', CURRENT_TASK_INSTANCES_SQL, [
    dagIds,
    since,
    RUNS_PER_DAG,
    FINISHED_TI_STATES,
    maxTaskInstances + 1,
  ]);
  capRows(
    tiRows,
    maxTaskInstances,
    issues,
    'task_instances',
    `more than ${maxTaskInstances} task instances are current; the snapshot keeps those of queued/running runs first, then of the newest runs`,
  );
  const taskInstances = tiRows.map((row) => toTaskInstance(row, intern));
  const windowTaskRows = await windowTasks;

  const cap = opts.window.baselineSamples;
  // A baseline read in this transaction already holds these runs' successes; otherwise merge those that
  // ended since the last merge (less a margin for clock skew between Airflow's hosts and this one).
  const endedSince = current ? new Date(current.mergedUpTo - MERGE_MARGIN_MS).toISOString() : '\uffff';
  const cache: BaselineCache = {
    ...base,
    mergedUpTo: now.getTime(),
    dags: mergeSamples(base.dags, runSamples(runs, endedSince), baselineSince.getTime(), cap),
    tasks: mergeSamples(base.tasks, taskSamples(taskInstances, endedSince), baselineSince.getTime(), cap),
  };
  state.baseline = cache;

  return {
    takenAt: now.toISOString(),
    source: 'sql',
    airflow: { url: opts.url, version, api: 'sql' },
    health: healthFromJobs(meta.jobs, now),
    dags,
    window: {
      since: since.toISOString(),
      dags: toWindowDags(dagIds, windowDagRows),
      tasks: toWindowTasks(windowTaskRows),
    },
    baseline: { since: baselineSince.toISOString(), dags: durations(cache.dags), tasks: durations(cache.tasks) },
    runs,
    taskInstances,
    pools: meta.pools.map(toPool),
    issues,
  };
}
