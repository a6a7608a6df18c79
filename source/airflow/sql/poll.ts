// One poll of the metadata DB: at most six queries in one read-only transaction.
import { AirflowError } from '../errors.js';
import type { Snapshot, SourceIssue } from '../types.js';
import { cacheFromRows, durations, mergeSamples, runSamples, taskSamples, type BaselineCache, type BaselineRow } from './baseline.js';
import { healthFromJobs, JOB_TYPES, type JobRow } from './health.js';
import {
  BASELINE_SQL,
  CURRENT_TASK_INSTANCES_SQL,
  FINISHED_TI_STATES,
  MAX_TASK_INSTANCES,
  META_SQL,
  RECENT_RUNS_SQL,
  RUNS_PER_DAG,
  WINDOW_DAGS_SQL,
  WINDOW_TASKS_SCAN_SQL,
  WINDOW_TASKS_VIA_RUNS_SQL,
} from './queries.js';
import {
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
}

interface MetaRow {
  revision: string | null;
  dag_run_rows: number;
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

export interface PollState {
  baseline: BaselineCache | null;
}

export async function pollSnapshot(query: RunQuery, opts: PollOptions, now: Date, state: PollState): Promise<Omit<Snapshot, 'variables'>> {
  const since = new Date(now.getTime() - opts.window.recentSeconds * 1000);
  const baselineSince = new Date(now.getTime() - opts.window.baselineSeconds * 1000);
  const issues: SourceIssue[] = [];
  const { ids, regexes } = selectionParams(opts.selection);

  const [meta] = await query<MetaRow>('dags, version, health, pools', META_SQL, [ids, regexes, Object.values(JOB_TYPES)]);
  if (!meta) throw new AirflowError('bad_response', `the metadata query on ${opts.label} returned no row`);
  const schema = versionFromRevision(meta.revision);
  if (schema.kind === 'airflow2') {
    throw new AirflowError('config', `${opts.label} holds an Airflow ${schema.version} schema; the SQL source reads Airflow 3 metadata DBs: use --source rest`);
  }
  if (schema.kind === 'unknown') {
    issues.push({ scope: 'version', message: `unknown Airflow schema revision ${schema.revision ?? '(none)'} in ${opts.label}: figures may be wrong if the schema changed` });
  }
  const dags = meta.dags.map(toDag);
  const dagIds = dags.map((dag) => dag.dagId);
  const missing = opts.selection.ids.filter((id) => !dagIds.includes(id));
  if (missing.length > 0) {
    issues.push({ scope: 'dags', message: `${opts.label} has no DAG ${missing.join(', ')} (configured in dags.ids): check the id or remove it` });
  } else if (dagIds.length === 0) {
    issues.push({ scope: 'dags', message: `no DAG in ${opts.label} matches dags.patterns [${opts.selection.patterns.join(', ')}]` });
  }

  const windowDagRows = await query<WindowDagRow>('window runs', WINDOW_DAGS_SQL, [dagIds, since]);
  const windowRuns = windowDagRows.reduce((sum, row) => sum + row.runs, 0);
  const taskRead = chooseTaskRead(opts.taskRead, windowRuns, meta.dag_run_rows);
  const windowTaskRows =
    taskRead === 'scan'
      ? await query<WindowTaskRow>('window task instances', WINDOW_TASKS_SCAN_SQL, [dagIds, since])
      : await query<WindowTaskRow>('window task instances', WINDOW_TASKS_VIA_RUNS_SQL, [dagIds, since, baselineSince]);

  const selectionKey = `${dagIds.join('\u0000')}|${opts.window.baselineSeconds}|${opts.window.baselineSamples}`;
  let cache = state.baseline;
  if (!cache || cache.selectionKey !== selectionKey || now.getTime() - cache.readAt >= opts.baselineRefreshMs || now.getTime() < cache.readAt) {
    const rows = await query<BaselineRow>('baseline', BASELINE_SQL, [dagIds, baselineSince, opts.window.baselineSamples]);
    cache = cacheFromRows(rows, now.getTime(), selectionKey);
  }

  const runs = (await query<RunRow>('recent runs', RECENT_RUNS_SQL, [dagIds, since, RUNS_PER_DAG])).map(toDagRun);
  const tiRows = await query<TaskInstanceRow>('current task instances', CURRENT_TASK_INSTANCES_SQL, [
    dagIds,
    since,
    RUNS_PER_DAG,
    FINISHED_TI_STATES,
    MAX_TASK_INSTANCES + 1,
  ]);
  if (tiRows.length > MAX_TASK_INSTANCES) {
    tiRows.length = MAX_TASK_INSTANCES;
    issues.push({
      scope: 'task_instances',
      message: `more than ${MAX_TASK_INSTANCES} task instances are current; the snapshot keeps those of queued/running runs first, then of the newest runs (window figures still count them all)`,
    });
  }
  const taskInstances = tiRows.map(toTaskInstance);

  const cap = opts.window.baselineSamples;
  cache = {
    ...cache,
    dags: mergeSamples(cache.dags, runSamples(runs), baselineSince.getTime(), cap),
    tasks: mergeSamples(cache.tasks, taskSamples(taskInstances), baselineSince.getTime(), cap),
  };
  state.baseline = cache;

  return {
    takenAt: now.toISOString(),
    source: 'sql',
    airflow: { url: opts.url, version: schema.kind === 'airflow3' ? schema.version : null, api: 'sql' },
    health: healthFromJobs(meta.jobs, now),
    dags,
    window: { since: since.toISOString(), dags: toWindowDags(dagIds, windowDagRows), tasks: toWindowTasks(windowTaskRows) },
    baseline: { since: baselineSince.toISOString(), dags: durations(cache.dags), tasks: durations(cache.tasks) },
    runs,
    taskInstances,
    pools: meta.pools.map(toPool),
    issues,
  };
}
