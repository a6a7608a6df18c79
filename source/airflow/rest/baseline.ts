import { own, setOwn } from '../../own.js';
import type { DagRun, Snapshot, TaskInstance } from '../types.js';
import { runKey, tiKey } from './map.js';
import type { Reads } from './reads.js';

// Durations of successful runs and task instances over the baseline window (7 days by default), newest
// first and capped per DAG / per dag.task. Reading seven days every poll would dominate the request count,
// so the full read happens on the first poll and then hourly; in between, the successes seen in each
// poll's window are merged in and samples older than the window age out.

export interface Sample {
  key: string;
  /** run_after for runs, start_date for task instances: the time the baseline window is measured on. */
  at: string;
  seconds: number;
}

type Samples = Record<string, Sample[]>;

const FULL_REFRESH_MS = 3600_000;
const MAX_TASK_PAGES = 10;

function durationSeconds(start: string | null, end: string | null): number | null {
  if (start === null || end === null) return null;
  const seconds = (Date.parse(end) - Date.parse(start)) / 1000;
  // An end before the start is impossible (airflow/screen.ts raises it): no sample, as in the SQL baseline.
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

export function runSamples(runs: DagRun[]): Samples {
  const out: Samples = {};
  for (const run of runs) {
    const seconds = durationSeconds(run.startDate, run.endDate);
    if (run.state !== 'success' || seconds === null) continue;
    const list = own(out, run.dagId) ?? [];
    if (list.length === 0) setOwn(out, run.dagId, list);
    list.push({ key: runKey(run), at: run.runAfter, seconds });
  }
  return out;
}

export function taskSamples(tis: TaskInstance[]): Samples {
  const out: Samples = {};
  for (const ti of tis) {
    const seconds = durationSeconds(ti.startDate, ti.endDate);
    if (ti.state !== 'success' || seconds === null || ti.startDate === null) continue;
    (out[`${ti.dagId}.${ti.taskId}`] ??= []).push({ key: tiKey(ti), at: ti.startDate, seconds });
  }
  return out;
}

/** Union by key, drop what is older than `since`, newest first, at most `cap` per group. */
export function mergeSamples(existing: Samples, incoming: Samples, since: string, cap: number): Samples {
  const out: Samples = {};
  for (const group of new Set([...Object.keys(existing), ...Object.keys(incoming)])) {
    const byKey = new Map<string, Sample>();
    for (const sample of [...(existing[group] ?? []), ...(incoming[group] ?? [])]) {
      if (sample.at >= since) byKey.set(sample.key, sample);
    }
    out[group] = [...byKey.values()]
      .sort((a, b) => b.at.localeCompare(a.at) || b.key.localeCompare(a.key))
      .slice(0, cap);
  }
  return out;
}

export interface BaselineOptions {
  baselineSeconds: number;
  samples: number;
}

export function createBaseline(reads: Reads, options: BaselineOptions) {
  let state: { dags: Samples; tasks: Samples; refreshedAt: number; dagSet: string } | null = null;

  async function fullRead(dagIds: string[], since: string): Promise<{ dags: Samples; tasks: Samples }> {
    const cap = options.samples;
    const perDag = await Promise.all(
      dagIds.map(async (dagId) => {
        const [runs, tis] = await Promise.all([
          reads.runsOfDag(dagId, { since, states: ['success'] }, (got) => got.length >= cap, Math.ceil(cap / 100)),
          reads.taskInstancesOfDag(
            dagId,
            { startedSince: since, states: ['success'] },
            (got) => {
              if (reads.api !== 'v2') return false; // Airflow 2 does not sort: read everything (bounded by MAX_TASK_PAGES)
              const counts = new Map<string, number>();
              for (const ti of got) counts.set(ti.taskId, (counts.get(ti.taskId) ?? 0) + 1);
              return [...counts.values()].every((count) => count >= cap);
            },
            MAX_TASK_PAGES,
          ),
        ]);
        return { runs, tis };
      }),
    );
    return { dags: runSamples(perDag.flatMap((d) => d.runs)), tasks: taskSamples(perDag.flatMap((d) => d.tis)) };
  }

  return {
    /** The snapshot's baseline, after folding in this poll's window runs and task instances. */
    async update(
      now: Date,
      dagIds: string[],
      windowRuns: DagRun[],
      windowTis: TaskInstance[],
    ): Promise<Snapshot['baseline']> {
      const since = new Date(now.getTime() - options.baselineSeconds * 1000).toISOString();
      const dagSet = [...dagIds].sort().join('\n');
      let base: { dags: Samples; tasks: Samples };
      if (
        state === null ||
        state.dagSet !== dagSet ||
        now.getTime() - state.refreshedAt >= FULL_REFRESH_MS ||
        now.getTime() < state.refreshedAt
      ) {
        base = await fullRead(dagIds, since);
        state = { ...base, refreshedAt: now.getTime(), dagSet };
      } else base = state;
      const selected = new Set(dagIds);
      const dags = mergeSamples(
        base.dags,
        runSamples(windowRuns.filter((r) => selected.has(r.dagId))),
        since,
        options.samples,
      );
      const tasks = mergeSamples(
        base.tasks,
        taskSamples(windowTis.filter((t) => selected.has(t.dagId))),
        since,
        options.samples,
      );
      state = { ...state, dags, tasks };
      const seconds = (samples: Samples) =>
        Object.fromEntries(Object.entries(samples).map(([group, list]) => [group, list.map((s) => s.seconds)]));
      return {
        since,
        dags: { ...Object.fromEntries(dagIds.map((id) => [id, [] as number[]])), ...seconds(dags) },
        tasks: seconds(tasks),
      };
    },
    reset() {
      state = null;
    },
  };
}

export type Baseline = ReturnType<typeof createBaseline>;
