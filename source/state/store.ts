import { createStore } from 'zustand/vanilla';
import type { Snapshot } from '../airflow/types.js';
import type { AlertView, Report } from '../report/types.js';
import { appendBounded } from './ring.js';
import type {
  AirtopData,
  DeadLetter,
  DrillData,
  FrozenData,
  HistoryPoint,
  SinkStatus,
  UiState,
  View,
} from './types.js';

/** 288 polls = one day at the default 5-minute interval. */
export const HISTORY_CAPACITY = 288;

export interface AirtopActions {
  pollStarted(at: Date): void;
  /** One store update per poll: snapshot, report, alerts and the history point land together. */
  pollSucceeded(result: { snapshot: Snapshot; report: Report; point: HistoryPoint; at: Date }): void;
  /** The last good snapshot stays; it is marked stale with the reason. */
  pollFailed(result: { error: string; at: Date; report?: Report }): void;
  /** The poller's schedule, for the header's countdown; nothing else writes poll.nextPollAt. */
  setNextPoll(at: Date | null): void;
  /** The alert lifecycle's views between polls (after an ack): they replace the report's alerts. */
  setAlerts(alerts: AlertView[]): void;
  setSinkStatus(status: SinkStatus): void;
  setDeadLetters(letters: DeadLetter[]): void;
  setDrill(patch: Partial<DrillData>): void;
  /** A message line or another plain UI field; navigation (views, focus, selection, pause) goes through ui/actions.ts's reduce. */
  setUi(patch: Partial<UiState>): void;
  setSize(columns: number, rows: number): void;
}

export type AirtopState = AirtopData & AirtopActions;
export type AirtopStore = ReturnType<typeof createAirtopStore>;

/** The drill data of a view nothing has been fetched for yet; reduce() sets loading while the controller fetches. */
export const EMPTY_DRILL: DrillData = { loading: false, error: null, runs: null, taskInstances: null, log: null };

export function initialData(size = { columns: 120, rows: 40 }): AirtopData {
  return {
    snapshot: null,
    report: null,
    poll: {
      state: 'idle',
      lastAttemptAt: null,
      lastSuccessAt: null,
      nextPollAt: null,
      error: null,
      consecutiveFailures: 0,
      failuresTotal: 0,
    },
    history: [],
    sinks: {},
    deadLetters: [],
    drill: EMPTY_DRILL,
    ui: {
      focus: 'dags',
      stack: [{ kind: 'main' }],
      selection: {},
      filter: { editing: false, text: '' },
      faultsOnly: false,
      sort: 'status',
      paused: false,
      help: false,
      dialog: null,
      size,
      message: null,
    },
  };
}

export function createAirtopStore(initial: Partial<AirtopData> = {}) {
  return createStore<AirtopState>()((set) => ({
    ...initialData(),
    ...initial,
    pollStarted: (at) => set((s) => ({ poll: { ...s.poll, state: 'polling', lastAttemptAt: at.toISOString() } })),
    pollSucceeded: ({ snapshot, report, point, at }) =>
      set((s) => ({
        snapshot,
        report,
        history: appendBounded(s.history, point, HISTORY_CAPACITY),
        poll: {
          ...s.poll,
          state: 'ok',
          lastAttemptAt: at.toISOString(),
          lastSuccessAt: at.toISOString(),
          error: null,
          consecutiveFailures: 0,
        },
      })),
    pollFailed: ({ error, at, report }) =>
      set((s) => ({
        report: report ?? s.report,
        poll: {
          ...s.poll,
          state: 'error',
          lastAttemptAt: at.toISOString(),
          error,
          consecutiveFailures: s.poll.consecutiveFailures + 1,
          failuresTotal: s.poll.failuresTotal + 1,
        },
      })),
    setNextPoll: (at) => set((s) => ({ poll: { ...s.poll, nextPollAt: at?.toISOString() ?? null } })),
    setAlerts: (alerts) => set((s) => (s.report ? { report: { ...s.report, alerts } } : {})),
    setSinkStatus: (status) => set((s) => ({ sinks: { ...s.sinks, [status.name]: status } })),
    setDeadLetters: (deadLetters) => set({ deadLetters }),
    setDrill: (patch) => set((s) => ({ drill: { ...s.drill, ...patch } })),
    setUi: (patch) => set((s) => ({ ui: { ...s.ui, ...patch } })),
    setSize: (columns, rows) => set((s) => ({ ui: { ...s.ui, size: { columns, rows } } })),
  }));
}

/** What a paused screen keeps showing: the live fields at the moment of pausing (references, not copies). */
export function frozenCopy(s: AirtopData): FrozenData {
  const frozen: FrozenData = {
    snapshot: s.snapshot,
    report: s.report,
    history: s.history,
    sinks: s.sinks,
    deadLetters: s.deadLetters,
  };
  if (s.fleet) frozen.fleet = s.fleet;
  return frozen;
}

/**
 * The top-level fields that make `name` the current instance of a fleet: its live data, its action
 * availability, and while paused its frozen data. Empty for an unknown name. Pure.
 */
export function instancePatch(s: AirtopData, name: string): Partial<AirtopData> {
  const live = s.fleet?.find((i) => i.name === name);
  if (!live) return {};
  const patch: Partial<AirtopData> = {
    snapshot: live.snapshot,
    report: live.report,
    poll: live.poll,
    history: live.history,
  };
  if (live.availability) patch.actions = { availability: live.availability, recent: s.actions?.recent ?? [] };
  const frozen = s.ui.paused ? s.frozen?.fleet?.find((i) => i.name === name) : undefined;
  if (frozen && s.frozen)
    patch.frozen = { ...s.frozen, snapshot: frozen.snapshot, report: frozen.report, history: frozen.history };
  return patch;
}

export function topView(state: AirtopData): View {
  return state.ui.stack[state.ui.stack.length - 1] ?? { kind: 'main' };
}
