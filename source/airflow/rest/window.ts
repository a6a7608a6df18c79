import type { DagRun, TaskInstance } from '../types.js';
import { newestRunsFirst, runKey, tiKey } from './map.js';
import type { Reads } from './reads.js';

// The runs and task instances of the recent window, kept between polls. The first poll reads the window
// whole; later polls ask Airflow 3 only for what was updated since the previous poll began (less an overlap
// for transactions that commit late), merge it by key, and drop what has left the window. Deleted rows
// are the one thing updated_at cannot show: the list of unfinished runs, read every poll, catches deleted
// runs that would otherwise stay "running"; a full read hourly and whenever the DAG selection changes
// catches the rest. Airflow 2's API is read whole every poll.

const UNFINISHED_RUN_STATES = ['queued', 'running'];

export interface WindowRead {
  runs: DagRun[];
  tis: TaskInstance[];
  /** 'full' or 'changes': what this poll asked Airflow for. */
  read: 'full' | 'changes';
}

export interface WindowCacheOptions {
  /** How far before the previous poll's start the next one asks for changes. */
  overlapMs: number;
  /** A full read at least this often. */
  resyncMs: number;
  /** Airflow's clock (from its Date header), or null when it has not told it. */
  serverNow: () => Date | null;
}

export const DEFAULT_WINDOW_CACHE = { overlapMs: 120_000, resyncMs: 3_600_000 };

interface Kept {
  runs: Map<string, DagRun>;
  tis: Map<string, TaskInstance>;
  /** Ask for rows updated at or after this (Airflow's clock, ms). */
  cursor: number;
  fullReadAt: number;
  dagSet: string;
}

const unfinished = (run: DagRun) => UNFINISHED_RUN_STATES.includes(run.state);
const at = (iso: string | null) => (iso === null ? Number.NaN : Date.parse(iso));

function keyed<T>(items: T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

/**
 * The whole window: runs after `since` and every unfinished run; task instances started since, and those of
 * unfinished runs whether started or not (queued, scheduled, no status yet).
 */
async function readWhole(
  reads: Reads,
  dagIds: string[],
  since: string,
): Promise<{ runs: DagRun[]; tis: TaskInstance[] }> {
  const runsPromise = Promise.all([
    reads.runs({ dagIds, since }),
    reads.runs({ dagIds, states: UNFINISHED_RUN_STATES }),
  ]).then(([windowRuns, open]) => [...keyed([...windowRuns, ...open], runKey).values()]);
  const startedPromise = reads.taskInstances({ dagIds, startedSince: since });
  const pendingPromise = runsPromise.then(async (runs) => {
    const open = runs.filter(unfinished);
    if (open.length === 0) return [];
    const keys = new Set(open.map(runKey));
    const tis = await reads.taskInstances({
      dagIds: [...new Set(open.map((r) => r.dagId))],
      runIds: [...new Set(open.map((r) => r.runId))],
    });
    return tis.filter((ti) => keys.has(runKey(ti)));
  });
  const [runs, started, pending] = await Promise.all([runsPromise, startedPromise, pendingPromise]);
  return { runs, tis: [...keyed([...started, ...pending], tiKey).values()] };
}

/** What a whole read at `since` would hold, given what is kept: the window rule of readWhole. */
function prune(kept: Kept, since: string): void {
  const sinceMs = Date.parse(since);
  for (const [key, run] of kept.runs) if (!unfinished(run) && !(at(run.runAfter) >= sinceMs)) kept.runs.delete(key);
  const open = new Set([...kept.runs.values()].filter(unfinished).map(runKey));
  for (const [key, ti] of kept.tis) if (!open.has(runKey(ti)) && !(at(ti.startDate) >= sinceMs)) kept.tis.delete(key);
}

export function createWindowCache(reads: Reads, options: WindowCacheOptions) {
  let kept: Kept | null = null;

  async function readChanges(state: Kept, dagIds: string[], dagIdPattern: string | null): Promise<void> {
    const selected = new Set(dagIds);
    const updatedSince = new Date(state.cursor).toISOString();
    const [runs, tis, open] = await Promise.all([
      reads.runsUpdated(updatedSince, dagIdPattern),
      reads.taskInstancesUpdated(updatedSince, dagIdPattern),
      reads.runs({ dagIds, states: UNFINISHED_RUN_STATES }),
    ]);
    // Merged only once every read succeeded: a failed poll leaves the kept window and cursor as they were.
    const changed = new Set<string>();
    for (const run of [...open, ...runs]) {
      if (!selected.has(run.dagId)) continue;
      state.runs.set(runKey(run), run);
      changed.add(runKey(run));
    }
    for (const ti of tis) if (selected.has(ti.dagId)) state.tis.set(tiKey(ti), ti);
    // A run kept as unfinished that Airflow neither lists as unfinished nor as changed was deleted, and its
    // task instances with it.
    const deleted = new Set(
      [...state.runs].filter(([key, run]) => unfinished(run) && !changed.has(key)).map(([key]) => key),
    );
    if (deleted.size === 0) return;
    for (const key of deleted) state.runs.delete(key);
    for (const [key, ti] of state.tis) if (deleted.has(runKey(ti))) state.tis.delete(key);
  }

  return {
    /** The window's runs (newest first) and task instances (by key) as of this poll. */
    async read(now: Date, dagIds: string[], dagIdPattern: string | null, since: string): Promise<WindowRead> {
      // Nothing selected: nothing to ask (the change lists would otherwise bring every DAG's changes).
      if (dagIds.length === 0) {
        kept = null;
        return { runs: [], tis: [], read: 'full' };
      }
      // Taken before any read: whatever changes while this poll runs is asked for again next time.
      const start = (options.serverNow() ?? now).getTime();
      const dagSet = [...dagIds].sort().join('\n');
      const state = kept;
      let read: WindowRead['read'];
      if (
        state === null ||
        reads.api !== 'v2' ||
        state.dagSet !== dagSet ||
        now.getTime() - state.fullReadAt >= options.resyncMs ||
        now.getTime() < state.fullReadAt
      ) {
        kept = null; // a failed whole read leaves nothing half-known behind
        const whole = await readWhole(reads, dagIds, since);
        kept = {
          runs: keyed(whole.runs, runKey),
          tis: keyed(whole.tis, tiKey),
          cursor: start - options.overlapMs,
          fullReadAt: now.getTime(),
          dagSet,
        };
        read = 'full';
      } else {
        await readChanges(state, dagIds, dagIdPattern);
        state.cursor = start - options.overlapMs;
        read = 'changes';
      }
      prune(kept!, since);
      return {
        runs: [...kept!.runs.values()].sort(newestRunsFirst),
        tis: [...kept!.tis.values()].sort((a, b) => tiKey(a).localeCompare(tiKey(b))),
        read,
      };
    },
    reset() {
      kept = null;
    },
  };
}

export type WindowCache = ReturnType<typeof createWindowCache>;
