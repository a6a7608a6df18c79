import { createStore } from 'zustand/vanilla';
import type { Snapshot } from '../airflow/types.js';
import type { AlertView, Report } from '../report/types.js';
import { appendBounded } from './ring.js';
import type { AirtopData, DeadLetter, DrillData, HistoryPoint, PaneId, SinkStatus, UiState, View } from './types.js';
import { PANES } from './types.js';

/** 288 polls = one day at the default 5-minute interval. */
export const HISTORY_CAPACITY = 288;

export interface AirtopActions {
  pollStarted(at: Date): void;
  /** One store update per poll: snapshot, report, alerts and the history point land together. */
  pollSucceeded(result: { snapshot: Snapshot; report: Report; alerts: AlertView[]; point: HistoryPoint; at: Date; nextPollAt: Date | null }): void;
  /** The last good snapshot stays; it is marked stale with the reason. */
  pollFailed(result: { error: string; at: Date; nextPollAt: Date | null; report?: Report }): void;
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
  }));
}

export function topView(state: AirtopData): View {
  return state.ui.stack[state.ui.stack.length - 1] ?? { kind: 'main' };
}
