import { createStore } from 'zustand/vanilla';
import type { Snapshot } from '../airflow/types.js';
import type { AlertView, Report } from '../report/types.js';
import { appendBounded } from './ring.js';
import type { AirtopData, DeadLetter, DrillData, FrozenData, HistoryPoint, PaneId, SinkStatus, UiState, View } from './types.js';
import { PANES } from './types.js';

/** 288 polls = one day at the default 5-minute interval. */
export const HISTORY_CAPACITY = 288;

export interface AirtopActions {
  pollStarted(at: Date): void;
  /** One store update per poll: snapshot, report, alerts and the history point land together. */
  pollSucceeded(result: { snapshot: Snapshot; report: Report; alerts: AlertView[]; point: HistoryPoint; at: Date; nextPollAt: Date | null }): void;
  /** The last good snapshot stays; it is marked stale with the reason. */
  pollFailed(result: { error: string; at: Date; nextPollAt: Date | null; report?: Report }): void;
  /** The poller's schedule, for the header's countdown. */
  setNextPoll(at: Date | null): void;
  setAlerts(alerts: AlertView[]): void;
  setSinkStatus(status: SinkStatus): void;
  setDeadLetters(letters: DeadLetter[]): void;
  setDrill(patch: Partial<DrillData>): void;
  push(view: View): void;
  pop(): void;
  focus(pane: PaneId): void;
  focusNext(step: 1 | -1): void;
  select(list: string, index: number): void;
  setUi(patch: Partial<UiState>): void;
  setSize(columns: number, rows: number): void;
  /** Pausing freezes what the panes show (frozen); polls keep landing in the live fields underneath. */
  setPaused(paused: boolean): void;
  /** Swaps the top view (e.g. another try of the same task's log) and resets its drill data. */
  replaceTop(view: View): void;
}

export type AirtopState = AirtopData & AirtopActions;
export type AirtopStore = ReturnType<typeof createAirtopStore>;

const EMPTY_DRILL: DrillData = { loading: false, error: null, runs: null, taskInstances: null, log: null };

export function initialData(size = { columns: 120, rows: 40 }): AirtopData {
  return {
    snapshot: null,
    report: null,
    poll: { state: 'idle', lastAttemptAt: null, lastSuccessAt: null, nextPollAt: null, error: null, consecutiveFailures: 0 },
    history: [],
    alerts: [],
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
  return createStore<AirtopState>()((set, get) => ({
    ...initialData(),
    ...initial,
    pollStarted: (at) => set((s) => ({ poll: { ...s.poll, state: 'polling', lastAttemptAt: at.toISOString() } })),
    pollSucceeded: ({ snapshot, report, alerts, point, at, nextPollAt }) =>
      set((s) => ({
        snapshot,
        report,
        alerts,
        history: appendBounded(s.history, point, HISTORY_CAPACITY),
        poll: {
          state: 'ok',
          lastAttemptAt: at.toISOString(),
          lastSuccessAt: at.toISOString(),
          nextPollAt: nextPollAt?.toISOString() ?? null,
          error: null,
          consecutiveFailures: 0,
        },
      })),
    pollFailed: ({ error, at, nextPollAt, report }) =>
      set((s) => ({
        report: report ?? s.report,
        poll: {
          ...s.poll,
          state: 'error',
          lastAttemptAt: at.toISOString(),
          nextPollAt: nextPollAt?.toISOString() ?? null,
          error,
          consecutiveFailures: s.poll.consecutiveFailures + 1,
        },
      })),
    setNextPoll: (at) => set((s) => ({ poll: { ...s.poll, nextPollAt: at?.toISOString() ?? null } })),
    setAlerts: (alerts) => set({ alerts }),
    setSinkStatus: (status) => set((s) => ({ sinks: { ...s.sinks, [status.name]: status } })),
    setDeadLetters: (deadLetters) => set({ deadLetters }),
    setDrill: (patch) => set((s) => ({ drill: { ...s.drill, ...patch } })),
    push: (view) => set((s) => ({ ui: { ...s.ui, stack: [...s.ui.stack, view] }, drill: { ...EMPTY_DRILL, loading: true } })),
    pop: () =>
      set((s) =>
        s.ui.stack.length <= 1 ? {} : { ui: { ...s.ui, stack: s.ui.stack.slice(0, -1) }, drill: { ...EMPTY_DRILL, loading: s.ui.stack.length > 2 } },
      ),
    focus: (pane) => set((s) => ({ ui: { ...s.ui, focus: pane } })),
    focusNext: (step) => {
      const index = PANES.indexOf(get().ui.focus);
      get().focus(PANES[(index + step + PANES.length) % PANES.length]!);
    },
    select: (list, index) => set((s) => ({ ui: { ...s.ui, selection: { ...s.ui.selection, [list]: Math.max(0, index) } } })),
    setUi: (patch) => set((s) => ({ ui: { ...s.ui, ...patch } })),
    setSize: (columns, rows) => set((s) => ({ ui: { ...s.ui, size: { columns, rows } } })),
    setPaused: (paused) => set((s) => ({ ui: { ...s.ui, paused }, frozen: paused ? frozenCopy(s) : null })),
    replaceTop: (view) =>
      set((s) => ({ ui: { ...s.ui, stack: [...s.ui.stack.slice(0, -1), view] }, drill: { ...EMPTY_DRILL, loading: true } })),
  }));
}

/** What a paused screen keeps showing: the live fields at the moment of pausing (references, not copies). */
export function frozenCopy(s: AirtopData): FrozenData {
  return { snapshot: s.snapshot, report: s.report, history: s.history, alerts: s.alerts, sinks: s.sinks, deadLetters: s.deadLetters };
}

export function topView(state: AirtopData): View {
  return state.ui.stack[state.ui.stack.length - 1] ?? { kind: 'main' };
}
