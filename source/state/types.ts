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

/**
 * `filter` keeps the filter text a view had when a deeper view was pushed, so popping restores it. In a fleet a
 * drill-down view carries the instance its DAG belongs to (absent for a single instance): the drill controller
 * fetches from that instance and the breadcrumb names it.
 */
export type View =
  | { kind: 'main'; filter?: string }
  | { kind: 'dag'; dagId: string; filter?: string; instance?: string }
  | { kind: 'run'; dagId: string; runId: string; filter?: string; instance?: string }
  | {
      kind: 'log';
      dagId: string;
      runId: string;
      taskId: string;
      mapIndex: number;
      tryNumber: number;
      maxTry?: number;
      filter?: string;
      instance?: string;
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
  // In a fleet the action goes to the instance its object belongs to, fixed when the dialog opens.
  | (ActionDialog & { instance?: string });

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
  /** Fleet: the instance the panes show; null or absent = every instance (the "all" view). */
  instance?: string | null;
  /**
   * Fleet: the instance whose data is in the top-level snapshot/report/poll/history (the one the pools, costs
   * and quality panes, the header and the action keys speak of): the picked instance, the drill-down view's, or
   * in the all view the selected row's. reduce() and the fleet mirror keep it; nothing else writes it.
   */
  current?: string | null;
  /** Fleet: the instance picker is open with this row selected (0 = all, then the instances in order). */
  picker?: number | null;
}

/** One instance of a fleet as the TUI holds it: its own store's data, mirrored on every change (ui/fleet-sync.ts). */
export interface InstanceData {
  name: string;
  url: string | null;
  snapshot: Snapshot | null;
  report: Report | null;
  poll: PollStatus;
  history: HistoryPoint[];
  /** Whether this user may act on this instance (its own config and Airflow role). */
  availability?: ActionAvailability;
}

/** What the panes show while paused: the live data as it was when `p` was pressed. */
export interface FrozenData {
  snapshot: Snapshot | null;
  report: Report | null;
  history: HistoryPoint[];
  sinks: Record<string, SinkStatus>;
  deadLetters: DeadLetter[];
  fleet?: InstanceData[] | null;
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
  /** Several Airflow instances (README "Fleet in the TUI"), in the config's order; absent for one instance. */
  fleet?: InstanceData[] | null;
}
