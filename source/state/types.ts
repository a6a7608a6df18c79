import type { ActionDialog } from '../actions/dialog.js';
import type { ActionAvailability, AuditRecord } from '../actions/types.js';
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

/** `filter` keeps the filter text a view had when a deeper view was pushed, so popping restores it. */
export type View =
  | { kind: 'main'; filter?: string }
  | { kind: 'dag'; dagId: string; filter?: string }
  | { kind: 'run'; dagId: string; runId: string; filter?: string }
  | { kind: 'log'; dagId: string; runId: string; taskId: string; mapIndex: number; tryNumber: number; maxTry?: number; filter?: string };

/** Data behind the top of the drill-down stack, fetched by the drill controller (never by a component). */
export interface DrillData {
  loading: boolean;
  error: string | null;
  runs: DagRun[] | null;
  taskInstances: TaskInstance[] | null;
  log: { lines: string[]; follow: boolean; continuationToken: string | null } | null;
  /** When the data above was fetched; running durations are measured to it. */
  fetchedAt?: string | null;
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
  | { kind: 'silence'; fingerprint: string; durationIndex: number; comment: string }
  | ActionDialog;

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

/** What the panes show while paused: the live data as it was when `p` was pressed. */
export interface FrozenData {
  snapshot: Snapshot | null;
  report: Report | null;
  history: HistoryPoint[];
  alerts: AlertView[];
  sinks: Record<string, SinkStatus>;
  deadLetters: DeadLetter[];
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
  /** Acting on Airflow (clear, mark, trigger, pause): whether this user may, and the latest records. */
  actions?: { availability: ActionAvailability; recent: AuditRecord[] };
  /** Set while paused (see setPaused); null or absent otherwise. */
  frozen?: FrozenData | null;
}
