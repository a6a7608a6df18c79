// Terse Snapshots for tests, around the one fixture NOW every report fixture shares (test/helpers/report.ts
// derives their reports). Times are given as minutes before NOW (a number) or as ISO strings.
import type {
  DagRun,
  DagWindowStats,
  Pool,
  Snapshot,
  TaskInstance,
  TaskWindowStats,
  VariableRead,
} from '../../source/airflow/types.js';
import { configSchema, type Config, type ConfigInput } from '../../source/config/schema.js';

/** 2024-01-15 12:30 UTC: hour key "2024-01-15-12", day key "2024-01-15". */
export const NOW = new Date('2024-01-15T12:30:00Z');

export type At = number | string | null;

/** Minutes before NOW → ISO; strings pass through; null stays null. */
export function at(when: At): string | null {
  if (when === null) return null;
  if (typeof when === 'string') return when;
  return new Date(NOW.getTime() - when * 60_000).toISOString();
}

export function config(input: ConfigInput = {}): Config {
  return configSchema.parse(input);
}

export function dagStats(dagId: string, s: Partial<Omit<DagWindowStats, 'dagId'>> = {}): DagWindowStats {
  return {
    dagId,
    runs: 0,
    success: 0,
    failed: 0,
    running: 0,
    queued: 0,
    avgSuccessDurationSeconds: 0,
    p95SuccessDurationSeconds: 0,
    ...s,
  };
}

export function taskStats(key: string, s: Partial<Omit<TaskWindowStats, 'dagId' | 'taskId'>> = {}): TaskWindowStats {
  const [dagId = key, taskId = ''] = key.split('.');
  return {
    dagId,
    taskId,
    total: 0,
    success: 0,
    failed: 0,
    retries: 0,
    avgDurationSeconds: 0,
    maxDurationSeconds: 0,
    ...s,
  };
}

export function run(
  dagId: string,
  runId: string,
  state: string,
  start: At,
  end: At = null,
  extra: Partial<DagRun> = {},
): DagRun {
  return {
    dagId,
    runId,
    state,
    runType: 'manual',
    queuedAt: at(start),
    startDate: at(start),
    endDate: at(end),
    runAfter: at(start) ?? NOW.toISOString(),
    logicalDate: at(start),
    ...extra,
  };
}

export function ti(
  dagId: string,
  runId: string,
  taskId: string,
  state: string | null,
  start: At,
  end: At = null,
  extra: Partial<TaskInstance> = {},
): TaskInstance {
  return {
    dagId,
    runId,
    taskId,
    mapIndex: -1,
    state,
    tryNumber: 1,
    maxTries: 1,
    startDate: at(start),
    endDate: at(end),
    durationSeconds: null,
    pool: 'default_pool',
    poolSlots: 1,
    queue: 'default',
    operator: 'PythonOperator',
    queuedWhen: null,
    ...extra,
  };
}

export function pool(name: string, slots: number, occupied: number, extra: Partial<Pool> = {}): Pool {
  return {
    name,
    slots,
    occupiedSlots: occupied,
    runningSlots: occupied,
    queuedSlots: 0,
    scheduledSlots: 0,
    deferredSlots: 0,
    openSlots: slots < 0 ? -1 : slots - occupied,
    ...extra,
  };
}

/** A Variable whose stored string is the JSON of `value`. */
export function variable(value: unknown): VariableRead {
  return { status: 'ok', raw: JSON.stringify(value) };
}

export function rawVariable(raw: string): VariableRead {
  return { status: 'ok', raw };
}

type SnapshotParts = Partial<Omit<Snapshot, 'window' | 'baseline'>> & {
  windowDags?: DagWindowStats[];
  windowTasks?: TaskWindowStats[];
  baselineDags?: Record<string, number[]>;
  baselineTasks?: Record<string, number[]>;
};

export function snapshot(parts: SnapshotParts = {}): Snapshot {
  const { windowDags = [], windowTasks = [], baselineDags = {}, baselineTasks = {}, ...rest } = parts;
  return {
    takenAt: NOW.toISOString(),
    source: 'rest',
    airflow: { url: 'http://127.0.0.1:8080', version: '3.1.0', api: 'v2' },
    health: null,
    dags: windowDags.map((d) => ({ dagId: d.dagId, isPaused: false, tags: [], owners: [] })),
    window: {
      since: at(60)!,
      dags: Object.fromEntries(windowDags.map((d) => [d.dagId, d])),
      tasks: Object.fromEntries(windowTasks.map((t) => [`${t.dagId}.${t.taskId}`, t])),
    },
    baseline: { since: at(7 * 24 * 60)!, dags: baselineDags, tasks: baselineTasks },
    runs: [],
    taskInstances: [],
    pools: [],
    variables: {},
    issues: [],
    ...rest,
  };
}

/** Every number in a value, with its path, for "never NaN/Infinity" checks. */
export function nonFiniteNumbers(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path} = ${value}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFiniteNumbers(v, `${path}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => nonFiniteNumbers(v, `${path}.${k}`));
  return [];
}
