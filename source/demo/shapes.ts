import type { DemoDagSpec, DemoTaskSpec } from './scenario.js';

// The shapes of a planned run (plan.ts) and of what the simulated Airflow holds at one instant (world.ts), apart
// from both so the actions overlay can use them without an import cycle.

export interface TryPlan {
  startMs: number;
  endMs: number;
  ok: boolean;
}

export interface TaskPlan {
  spec: DemoTaskSpec;
  /** When its upstream finished: it is queued from then until its first try starts. */
  readyMs: number;
  tries: TryPlan[];
  outcome: 'success' | 'failed' | 'upstream_failed';
  /** upstream_failed only: when the scheduler marked it. */
  markedMs: number | null;
}

export interface RunPlan {
  dag: DemoDagSpec;
  k: number;
  runId: string;
  runAfterMs: number;
  queuedAtMs: number;
  startMs: number;
  endMs: number;
  outcome: 'success' | 'failed';
  tasks: TaskPlan[];
  /** Runs started by a trigger (routes-actions.ts): their conf and note. */
  manual?: { conf: Record<string, unknown>; note: string | null };
}

export interface DemoRunState {
  /** Airflow's integer primary key: creation order. */
  id: number;
  dagId: string;
  runId: string;
  state: 'queued' | 'running' | 'success' | 'failed';
  queuedAtMs: number | null;
  startMs: number | null;
  endMs: number | null;
  runAfterMs: number;
  /** Runs started by a trigger (not the timetable): their conf and note. */
  manual?: { conf: Record<string, unknown>; note: string | null };
}

export interface DemoTaskState {
  /** Creation order: Airflow's uuid7 ids sort this way; the JSON id is derived from the names. */
  order: number;
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  state: string | null;
  tryNumber: number;
  maxTries: number;
  startMs: number | null;
  endMs: number | null;
  pool: string;
  poolSlots: number;
  operator: string;
  queuedWhenMs: number | null;
  runAfterMs: number;
  /** The tries that have begun by now, for logs. */
  tries: { startMs: number; endMs: number | null; ok: boolean | null }[];
}
