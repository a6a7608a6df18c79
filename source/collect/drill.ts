import type { AirflowSource, TaskLogPage } from '../airflow/types.js';
import type { AirtopState, AirtopStore } from '../state/store.js';
import { topView } from '../state/store.js';
import type { DrillData, View } from '../state/types.js';

// Fetches what the top of the drill-down stack shows (k9s' model: the view on top does the work; the one
// that loses the top stops). Components never fetch: they read store.drill, which this fills.

export interface DrillControllerOptions {
  store: AirtopStore;
  source: AirflowSource;
  /**
   * A fleet: the source of the instance a view belongs to (View.instance). A view of an instance this does not
   * know shows an error rather than another instance's data.
   */
  sourceFor?: (instance: string) => AirflowSource | undefined;
  clock?: () => Date;
  /** How often a followed log is polled. */
  followEveryMs?: number;
  /** Runs listed for a DAG. Airflow caps pages at 100 by default. */
  runsLimit?: number;
  /** A followed log keeps at most this many lines (the newest). */
  maxLogLines?: number;
  /** Timer functions; tests pass their own to step the follow loop without waiting. */
  timers?: DrillTimers;
}

export interface DrillTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const SYSTEM_TIMERS: DrillTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface DrillController {
  stop(): void;
}

type DrillView = Exclude<View, { kind: 'main' }>;

/** Identity of what a view fetches (not its saved filter): in a fleet, of which instance too. */
function viewKey(view: View): string {
  switch (view.kind) {
    case 'main':
      return 'main';
    case 'dag':
      return `dag\0${view.instance ?? ''}\0${view.dagId}`;
    case 'run':
      return `run\0${view.instance ?? ''}\0${view.dagId}\0${view.runId}`;
    case 'log':
      return `log\0${view.instance ?? ''}\0${view.dagId}\0${view.runId}\0${view.taskId}\0${view.mapIndex}\0${view.tryNumber}`;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createDrillController(options: DrillControllerOptions): DrillController {
  const { store } = options;
  const sourceOf = (view: DrillView): AirflowSource => {
    if (view.instance === undefined || !options.sourceFor) return options.source;
    const found = options.sourceFor(view.instance);
    if (!found) throw new Error(`no instance named ${JSON.stringify(view.instance)} in this fleet`);
    return found;
  };
  const clock = options.clock ?? (() => new Date());
  const followEveryMs = options.followEveryMs ?? 2000;
  const runsLimit = options.runsLimit ?? 100;
  const maxLogLines = options.maxLogLines ?? 10_000;
  const timers = options.timers ?? SYSTEM_TIMERS;

  let key: string | null = null;
  // Bumped whenever the top view changes: answers for an older generation are dropped.
  let generation = 0;
  // A request for the current generation is out; older ones may still be out too, but no longer count.
  let busy = false;
  let followTimer: unknown = null;
  let lastPoll: string | null = store.getState().poll.lastSuccessAt;
  let stopped = false;

  const write = (gen: number, patch: Partial<DrillData>) => {
    if (!stopped && gen === generation) store.getState().setDrill({ ...patch, fetchedAt: clock().toISOString() });
  };

  const logPatch = (page: TaskLogPage, appendTo: string[] | null): Partial<DrillData> => {
    const lines = appendTo ? [...appendTo, ...page.lines] : page.lines;
    return {
      loading: false,
      error: null,
      log: {
        lines: lines.length > maxLogLines ? lines.slice(lines.length - maxLogLines) : lines,
        continuationToken: page.continuationToken,
        // The user may have toggled follow while the request was out; theirs wins.
        follow: store.getState().drill.log?.follow ?? false,
      },
    };
  };

  async function load(view: DrillView, gen: number): Promise<void> {
    busy = true;
    try {
      const source = sourceOf(view);
      if (view.kind === 'dag') {
        const runs = await source.dagRuns(view.dagId, runsLimit);
        write(gen, { loading: false, error: null, runs });
      } else if (view.kind === 'run') {
        const taskInstances = await source.taskInstances(view.dagId, view.runId);
        write(gen, { loading: false, error: null, taskInstances });
      } else {
        const page = await source.taskLog(view, view.tryNumber, null);
        write(gen, logPatch(page, null));
      }
    } catch (err) {
      // Only the error changes: a failed refresh keeps what was already shown.
      write(gen, { loading: false, error: describe(err) });
    } finally {
      settle(gen);
    }
  }

  async function followTick(view: Extract<View, { kind: 'log' }>, gen: number): Promise<void> {
    followTimer = null;
    const log = store.getState().drill.log;
    const token = log?.continuationToken ?? null;
    busy = true;
    try {
      const page = await sourceOf(view).taskLog(view, view.tryNumber, token);
      // With a token Airflow sends what came after it; without one, the whole log again.
      write(gen, logPatch(page, token ? (store.getState().drill.log?.lines ?? []) : null));
    } catch (err) {
      write(gen, { error: describe(err) });
    } finally {
      settle(gen);
    }
  }

  function settle(gen: number): void {
    if (gen !== generation) return;
    busy = false;
    syncFollow(store.getState());
  }

  function stopFollow(): void {
    if (followTimer !== null) timers.clearTimeout(followTimer);
    followTimer = null;
  }

  /** One follow request at a time, followEveryMs after the last one finished, only while a followed log is on top. */
  function syncFollow(state: AirtopState): void {
    const top = topView(state);
    const active = !stopped && top.kind === 'log' && (state.drill.log?.follow ?? false) && !state.ui.paused;
    if (!active) return stopFollow();
    if (followTimer !== null || busy) return;
    const gen = generation;
    followTimer = timers.setTimeout(() => void followTick(top, gen), followEveryMs);
  }

  function onChange(state: AirtopState): void {
    if (stopped) return;
    const top = topView(state);
    const k = viewKey(top);
    const polled = state.poll.lastSuccessAt !== lastPoll;
    lastPoll = state.poll.lastSuccessAt;
    if (k !== key) {
      key = k;
      generation++;
      busy = false;
      stopFollow();
      if (top.kind !== 'main') {
        if (!state.drill.loading) state.setDrill({ loading: true, error: null });
        void load(top, generation);
      }
      return;
    }
    // A new poll refreshes the open view too, unless the screen is paused.
    if (polled && top.kind !== 'main' && !state.ui.paused && !busy) {
      void load(top, generation);
      return;
    }
    syncFollow(state);
  }

  const unsubscribe = store.subscribe(onChange);
  onChange(store.getState());

  return {
    stop() {
      stopped = true;
      generation++;
      stopFollow();
      unsubscribe();
    },
  };
}
