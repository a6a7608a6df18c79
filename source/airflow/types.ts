// The facts airtop reads from Airflow, in one shape whichever source (REST v2/v1, SQL, demo) produced them.
// Field names are camelCase here; the sources map Airflow's snake_case onto them.

export type IsoTime = string;

export interface Dag {
  dagId: string;
  isPaused: boolean;
  tags: string[];
  owners: string[];
}

/** queued | running | success | failed; newer Airflows may add states, so any string is kept. */
export type RunState = string;
/** null means "no status" (not yet scheduled). */
export type TaskState = string | null;

export interface DagRun {
  dagId: string;
  runId: string;
  state: RunState;
  runType: string;
  queuedAt: IsoTime | null;
  startDate: IsoTime | null;
  endDate: IsoTime | null;
  /** Airflow 3: never null. Airflow 2: logical_date (execution_date). */
  runAfter: IsoTime;
  logicalDate: IsoTime | null;
}

export interface TaskInstance {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  state: TaskState;
  /** Airflow's try_number: 0 before first scheduling, 1 on first try; retries and clears add one. */
  tryNumber: number;
  maxTries: number;
  startDate: IsoTime | null;
  endDate: IsoTime | null;
  durationSeconds: number | null;
  pool: string;
  poolSlots: number;
  queue: string | null;
  operator: string | null;
  queuedWhen: IsoTime | null;
}

export interface Pool {
  name: string;
  /** -1 means unlimited. */
  slots: number;
  occupiedSlots: number;
  runningSlots: number;
  queuedSlots: number;
  scheduledSlots: number;
  deferredSlots: number;
  openSlots: number;
}

export type ComponentStatus = 'healthy' | 'unhealthy' | null;

export interface ComponentHealth {
  status: ComponentStatus;
  latestHeartbeat: IsoTime | null;
}

export interface Health {
  metadatabase: ComponentHealth;
  scheduler: ComponentHealth;
  triggerer: ComponentHealth;
  dagProcessor: ComponentHealth;
}

/** What reading one Airflow Variable gave. `raw` is the stored string, not yet parsed. */
export type VariableRead =
  | { status: 'ok'; raw: string }
  | { status: 'missing' }
  | { status: 'forbidden'; reason: string }
  | { status: 'error'; reason: string };

/** Per-DAG aggregate over runs whose run_after falls in the last hour (the reference's execution_date window). */
export interface DagWindowStats {
  dagId: string;
  runs: number;
  success: number;
  failed: number;
  running: number;
  queued: number;
  /** Mean of end-start of successful runs with both dates; 0 when there are none (reference semantics). */
  avgSuccessDurationSeconds: number;
  /** 95th percentile (linear interpolation, numpy's default) of the same durations; 0 when none. */
  p95SuccessDurationSeconds: number;
}

/** Per dag.task aggregate over task instances whose start_date is in the last hour. */
export interface TaskWindowStats {
  dagId: string;
  taskId: string;
  total: number;
  success: number;
  failed: number;
  /** Sum over instances of max(try_number - 1, 0). */
  retries: number;
  avgDurationSeconds: number;
  maxDurationSeconds: number;
}

export interface SourceIssue {
  /** What part of the snapshot is missing or degraded: 'variables', 'health', 'pools', 'logs', ... */
  scope: string;
  message: string;
}

export interface Snapshot {
  takenAt: IsoTime;
  source: 'rest' | 'sql';
  airflow: { url: string; version: string | null; api: 'v2' | 'v1' | 'sql' };
  health: Health | null;
  /** The selected DAGs (config dags.ids / dags.patterns). */
  dags: Dag[];
  window: {
    since: IsoTime;
    dags: Record<string, DagWindowStats>;
    /** Keyed "dag_id.task_id", as the reference keys task_stats. */
    tasks: Record<string, TaskWindowStats>;
  };
  /** Durations (seconds) of successful runs / task instances over the baseline window (7 days), newest first, capped. */
  baseline: {
    since: IsoTime;
    dags: Record<string, number[]>;
    tasks: Record<string, number[]>;
  };
  /** Recent runs per DAG (window plus anything still queued or running), newest first. */
  runs: DagRun[];
  /** Task instances of the runs above that matter now: started in the window, or not finished. */
  taskInstances: TaskInstance[];
  pools: Pool[];
  variables: Record<string, VariableRead>;
  issues: SourceIssue[];
}

export interface TaskLogPage {
  lines: string[];
  continuationToken: string | null;
}

/** One Airflow, whatever the transport. Every method throws AirflowError with a message a person can act on. */
export interface AirflowSource {
  readonly url: string;
  snapshot(now: Date): Promise<Snapshot>;
  dagRuns(dagId: string, limit: number): Promise<DagRun[]>;
  taskInstances(dagId: string, runId: string): Promise<TaskInstance[]>;
  taskLog(
    ti: { dagId: string; runId: string; taskId: string; mapIndex: number },
    tryNumber: number,
    token?: string | null,
  ): Promise<TaskLogPage>;
  close(): Promise<void>;
  /**
   * Optional: read just these Variables (no DAGs, runs, task instances). The SQL source reads Variables
   * through the REST source with it; without it, it has to take a whole REST snapshot for them.
   */
  readVariables?(names: string[]): Promise<Record<string, VariableRead>>;
  /**
   * Optional: create or update one Variable (the airflow_variables sink). The REST source has it; the SQL
   * source has it when it was given a REST source (--url) too. Throws AirflowError.
   */
  writeVariable?(key: string, value: string, description?: string): Promise<void>;
}
