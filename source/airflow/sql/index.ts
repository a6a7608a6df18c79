// The read-only PostgreSQL source: reads Airflow 3's metadata DB directly with a handful of aggregate
// queries per poll, for installations where paging the REST API through a million task instances an hour
// is too slow. Variables and logs are not in a readable form there (Variables may be Fernet-encrypted,
// logs live in files or remote storage), so they still come through the REST API when --url is given.
import { AirflowError } from '../errors.js';
import type { AirflowSource, Snapshot, VariableRead } from '../types.js';
import { parseDbUrl, redactDbUrl } from './db-url.js';
import { pollSnapshot, type PollState, type TaskRead } from './poll.js';
import { withDialect } from './dialect.js';
import { DAG_RUNS_SQL, MAX_RUNS, MAX_TASK_INSTANCES, RUN_TASK_INSTANCES_SQL } from './queries.js';
import { toDagRun, toTaskInstance, type RunRow, type TaskInstanceRow } from './rows.js';
import { openSession, type QueryEvent } from './session.js';

export { redactDbUrl } from './db-url.js';
export type { QueryEvent } from './session.js';

export interface SqlSourceOptions {
  dbUrl: string;
  statementTimeoutSeconds: number;
  dags: { ids: string[]; patterns: string[] };
  window: { recentSeconds: number; baselineSeconds: number; baselineSamples: number };
  /** The REST source, when --url is given too: Variables and logs are read through it. */
  variables: { source: AirflowSource | null; names: string[] };
  /** Shown as the Airflow URL; defaults to the redacted DB URL. */
  url?: string;
  /** Called after every statement with its name, duration and row count (the bench counts queries). */
  onQuery?: (event: QueryEvent) => void;
  /** How often the baseline is read in full (default hourly); in between it is kept up to date from each poll. */
  baselineRefreshSeconds?: number;
  /** How window task instances are found; 'auto' picks by table statistics (tests force each way). */
  taskRead?: TaskRead;
  /** How many runs and task instances a snapshot holds at most (default MAX_RUNS, MAX_TASK_INSTANCES). */
  limits?: { runs?: number; taskInstances?: number };
}

export const VARIABLES_NEED_REST = 'Variables are read through the REST API: pass --url as well as --db';
export const LOGS_NEED_REST = 'Task logs are read through the REST API: pass --url as well as --db';

/** The Variables, and an issue per distinct reason some could not be read (a 403 for a viewer, say). */
async function readVariables(
  source: AirflowSource | null,
  names: string[],
  now: Date,
): Promise<{ values: Record<string, VariableRead>; issues: string[] }> {
  const values: Record<string, VariableRead> = {};
  if (names.length === 0) return { values, issues: [] };
  if (!source) {
    for (const name of names) values[name] = { status: 'error', reason: VARIABLES_NEED_REST };
    return { values, issues: [VARIABLES_NEED_REST] };
  }
  try {
    // A source that can read just the Variables spares a whole REST snapshot.
    const read = source.readVariables ? await source.readVariables(names) : (await source.snapshot(now)).variables;
    for (const name of names) values[name] = read[name] ?? { status: 'missing' };
  } catch (error) {
    const reason = `reading Variables through ${source.url} failed: ${error instanceof Error ? error.message : String(error)}`;
    for (const name of names) values[name] = { status: 'error', reason };
  }
  const reasons = Object.values(values).flatMap((read) =>
    read.status === 'forbidden' || read.status === 'error' ? [read.reason] : [],
  );
  return { values, issues: [...new Set(reasons)] };
}

export function createSqlSource(opts: SqlSourceOptions): AirflowSource {
  const target = parseDbUrl(opts.dbUrl);
  // Airflow 3 or Airflow 2 (2.6+) metadata: the schema is read on the first query (dialect.ts).
  const session = withDialect(openSession(target, opts.statementTimeoutSeconds, opts.onQuery));
  const url = opts.url ?? redactDbUrl(target.connectionString);
  const state: PollState = { baseline: null };
  const pollOptions = {
    label: target.label,
    url,
    selection: opts.dags,
    window: opts.window,
    baselineRefreshMs: (opts.baselineRefreshSeconds ?? 3600) * 1000,
    taskRead: opts.taskRead ?? 'auto',
    limits: { runs: opts.limits?.runs ?? MAX_RUNS, taskInstances: opts.limits?.taskInstances ?? MAX_TASK_INSTANCES },
  };

  // Variables are written through the REST source, when there is one (--url beside --db).
  const rest = opts.variables.source;
  const writeVariable = rest?.writeVariable?.bind(rest);

  return {
    url,
    ...(writeVariable ? { writeVariable } : {}),
    async snapshot(now: Date): Promise<Snapshot> {
      const snapshot = await session.readOnly('the poll', (query, alongside) =>
        pollSnapshot(query, alongside, pollOptions, now, state),
      );
      const { values, issues } = await readVariables(opts.variables.source, opts.variables.names, now);
      return {
        ...snapshot,
        variables: values,
        issues: [...snapshot.issues, ...issues.map((message) => ({ scope: 'variables', message }))],
      };
    },
    async dagRuns(dagId: string, limit: number) {
      const rows = await session.readOnly(`reading the runs of ${dagId}`, (query) =>
        query<RunRow>('dag runs', DAG_RUNS_SQL, [dagId, limit]),
      );
      return rows.map((row) => toDagRun(row));
    },
    async taskInstances(dagId: string, runId: string) {
      const rows = await session.readOnly(`reading the task instances of ${dagId} ${runId}`, (query) =>
        query<TaskInstanceRow>('run task instances', RUN_TASK_INSTANCES_SQL, [dagId, runId]),
      );
      return rows.map((row) => toTaskInstance(row));
    },
    async taskLog(ti, tryNumber, token) {
      const rest = opts.variables.source;
      if (!rest) throw new AirflowError('config', LOGS_NEED_REST);
      return rest.taskLog(ti, tryNumber, token);
    },
    async close() {
      await session.close();
    },
  };
}
