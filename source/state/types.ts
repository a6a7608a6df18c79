import type { ActionDialog } from '../actions/dialog.js';
import type { ActionAvailability, AuditRecord } from '../actions/types.js';
import type { DagRun, Snapshot, TaskInstance } from '../airflow/types.js';
import type { Report } from '../report/types.js';
import type { HistoryPoint } from '../report/history.js';
import type { DeadLetter, SinkStatus } from '../sinks/status.js';

export type { DeadLetter, HistoryPoint, SinkStatus };

export type PaneId = 'dags' | 'pools' | 'costs' | 'quality' | 'alerts';
export const PANES: PaneId[] = ['dags', 'pools', 'costs', 'quality', 'alerts'];

export interface PollStatus {
  state: 'idle' | 'polling' | 'ok' | 'error';
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  /** The poller's schedule (setNextPoll is its one writer), for the header's countdown. */
  nextPollAt: string | null;
  /** Why the last poll failed; the snapshot stays, and is stale while this is set. */
  error: string | null;
  consecutiveFailures: number;
  /** Polls that failed since start, counted as they fail (/metrics' airtop_poll_failures_total). */
  failuresTotal: number;
}

/** `filter` keeps the filter text a view had when a deeper view was pushed, so popping restores it. */
export type View =
  | { kind: 'main'; filter?: string }
  | { kind: 'dag'; dagId: string; filter?: string }
  | { kind: 'run'; dagId: string; runId: string; filter?: string }
  | {
      kind: 'log';
      dagId: string;
      runId: string;
      taskId: string;
      mapIndex: number;
      tryNumber: number;
      maxTry?: number;
      filter?: string;
    };

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

export type Dialog =
  | { kind: 'ack'; fingerprint: string; note: string; fingerprints?: string[] }
  | { kind: 'silence'; fingerprint: string; durationIndex: number; comment: string; fingerprints?: string[] }
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
  /** Alert groups shown with their members (group keys). */
  expandedGroups?: string[];
  size: { columns: number; rows: number };
  message: { text: string; level: 'info' | 'error' } | null;
}

/** What the panes show while paused: the live data as it was when `p` was pressed. */
export interface FrozenData {
  snapshot: Snapshot | null;
  report: Report | null;
  history: HistoryPoint[];
  sinks: Record<string, SinkStatus>;
  deadLetters: DeadLetter[];
}

export interface AirtopData {
  snapshot: Snapshot | null;
  /** The last report; its `alerts` are the one alert list (setAlerts updates them between polls, e.g. on ack). */
  report: Report | null;
  poll: PollStatus;
  history: HistoryPoint[];
  sinks: Record<string, SinkStatus>;
  deadLetters: DeadLetter[];
  drill: DrillData;
  ui: UiState;
  /** Acting on Airflow (clear, mark, trigger, pause): whether this user may, and the latest records. */
  actions?: { availability: ActionAvailability; recent: AuditRecord[] };
  /** Set while paused (ui/actions.ts's reduce); null or absent otherwise. */
  frozen?: FrozenData | null;
}
