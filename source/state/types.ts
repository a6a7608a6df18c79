import type { DagRun, Snapshot, TaskInstance } from '../airflow/types.js';
import type { AlertView, Report } from '../report/types.js';

export type PaneId = 'dags' | 'pools' | 'costs' | 'quality' | 'alerts';
export const PANES: PaneId[] = ['dags', 'pools', 'costs', 'quality', 'alerts'];

/** One point per successful poll, kept in a bounded ring for sparklines and charts. */
export interface HistoryPoint {
  at: string;
  healthScore: number;
  totalCostUsd: number;
  costPerDocumentUsd: number;
  qualityScore: number;
  /** Average successful-run duration per DAG at that poll. */
  dagDurations: Record<string, number>;
}

export interface PollStatus {
  state: 'idle' | 'polling' | 'ok' | 'error';
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  nextPollAt: string | null;
  /** Why the last poll failed; the snapshot stays, and is stale while this is set. */
  error: string | null;
  consecutiveFailures: number;
}

export type View =
  | { kind: 'main' }
  | { kind: 'dag'; dagId: string }
  | { kind: 'run'; dagId: string; runId: string }
  | { kind: 'log'; dagId: string; runId: string; taskId: string; mapIndex: number; tryNumber: number };

/** Data behind the top of the drill-down stack, fetched by the drill controller (never by a component). */
export interface DrillData {
  loading: boolean;
  error: string | null;
  runs: DagRun[] | null;
  taskInstances: TaskInstance[] | null;
  log: { lines: string[]; follow: boolean; continuationToken: string | null } | null;
}

export interface SinkStatus {
  name: string;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  queueDepth: number;
  deadLetters: number;
}

export interface DeadLetter {
  id: string;
  sink: string;
  reason: string;
  at: string;
  summary: string;
}

export type Dialog =
  | { kind: 'ack'; fingerprint: string; note: string }
  | { kind: 'silence'; fingerprint: string; durationIndex: number; comment: string };

export interface UiState {
  focus: PaneId;
  stack: View[];
  /** Selected row index per list (pane id or view kind). */
  selection: Record<string, number>;
  filter: { editing: boolean; text: string };
  faultsOnly: boolean;
  sort: 'name' | 'status' | 'success_rate' | 'duration';
  paused: boolean;
  help: boolean;
  dialog: Dialog | null;
  size: { columns: number; rows: number };
  message: { text: string; level: 'info' | 'error' } | null;
}

export interface AirtopData {
  snapshot: Snapshot | null;
  report: Report | null;
  poll: PollStatus;
  history: HistoryPoint[];
  alerts: AlertView[];
  sinks: Record<string, SinkStatus>;
  deadLetters: DeadLetter[];
  drill: DrillData;
  ui: UiState;
}
