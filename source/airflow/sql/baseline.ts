// The baseline (durations of successful runs and task instances over 7 days) changes slowly, and at scale
// its query is the poll's most expensive (a window-function sort over every success of the week: ~4 s on
// 1.5M task instances). So it is read in full on the first poll and then every `refreshMs`; in between,
// the successes in each poll's runs and task instances are merged in, as the REST source does.
import type { DagRun, TaskInstance } from '../types.js';

export interface Sample {
  /** Identity (run, or run + map index) so a sample seen again is not counted twice. */
  key: string;
  /** run_after for runs, start_date for task instances: what the baseline window is measured on. */
  at: number;
  seconds: number;
}

export type SampleGroups = Map<string, Sample[]>;

export interface BaselineRow {
  dag_id: string;
  task_id: string | null;
  seconds: number[];
  /** Epoch milliseconds. */
  ats: number[];
  run_ids: string[];
  map_indexes: number[] | null;
}

export interface BaselineCache {
  readAt: number;
  /** The poll time up to which the snapshots' successes have been merged in (epoch ms). */
  mergedUpTo: number;
  selectionKey: string;
  dags: SampleGroups;
  tasks: SampleGroups;
}

export function cacheFromRows(rows: BaselineRow[], readAt: number, selectionKey: string): BaselineCache {
  const dags: SampleGroups = new Map();
  const tasks: SampleGroups = new Map();
  for (const row of rows) {
    const samples = row.seconds.map((seconds, i) => ({
      key: row.map_indexes ? `${row.run_ids[i]}\u0000${row.map_indexes[i]}` : row.run_ids[i]!,
      at: row.ats[i]!,
      seconds,
    }));
    if (row.task_id === null) dags.set(row.dag_id, samples);
    else tasks.set(`${row.dag_id}.${row.task_id}`, samples);
  }
  return { readAt, mergedUpTo: readAt, selectionKey, dags, tasks };
}

function seconds(start: string | null, end: string | null): number | null {
  return start === null || end === null ? null : (Date.parse(end) - Date.parse(start)) / 1000;
}

/**
 * Successful runs that ended at or after `endedSince` (ISO): only those can be new to the cache, so a
 * steady poll does not re-derive thousands of samples it already holds.
 */
export function runSamples(runs: DagRun[], endedSince = ''): SampleGroups {
  const out: SampleGroups = new Map();
  for (const run of runs) {
    if (run.state !== 'success' || run.endDate === null || run.endDate < endedSince) continue;
    const duration = seconds(run.startDate, run.endDate);
    if (run.state !== 'success' || duration === null) continue;
    const group = out.get(run.dagId) ?? [];
    group.push({ key: run.runId, at: Date.parse(run.runAfter), seconds: duration });
    out.set(run.dagId, group);
  }
  return out;
}

export function taskSamples(tis: TaskInstance[], endedSince = ''): SampleGroups {
  const out: SampleGroups = new Map();
  for (const ti of tis) {
    if (ti.state !== 'success' || ti.endDate === null || ti.endDate < endedSince) continue;
    const duration = seconds(ti.startDate, ti.endDate);
    if (ti.state !== 'success' || duration === null) continue;
    const name = `${ti.dagId}.${ti.taskId}`;
    const group = out.get(name) ?? [];
    group.push({ key: `${ti.runId}\u0000${ti.mapIndex}`, at: Date.parse(ti.startDate!), seconds: duration });
    out.set(name, group);
  }
  return out;
}

const newestFirst = (a: Sample, b: Sample): number => b.at - a.at || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0);

/**
 * Incoming samples that are new to the group or changed (a cleared task that ran again). Samples read from
 * the snapshot carry millisecond times, those of the baseline query microseconds: a difference below a
 * millisecond is the same sample.
 */
function freshSamples(samples: Sample[], added: Sample[] | undefined): Sample[] {
  if (!added || added.length === 0) return [];
  const known = new Map(samples.map((s) => [s.key, s]));
  return added.filter((s) => {
    const old = known.get(s.key);
    return !old || Math.abs(old.at - s.at) >= 1 || Math.abs(old.seconds - s.seconds) >= 0.002;
  });
}

/**
 * Union by key (the incoming sample wins), drop samples older than `since`, newest first, at most `cap` per
 * group. A group with nothing new and nothing expired keeps its array, so steady polls allocate little.
 */
export function mergeSamples(existing: SampleGroups, incoming: SampleGroups, since: number, cap: number): SampleGroups {
  const out: SampleGroups = new Map();
  for (const [group, samples] of existing) {
    const fresh = freshSamples(samples, incoming.get(group));
    const expired = samples.length > 0 && samples[samples.length - 1]!.at < since;
    if (fresh.length === 0 && !expired) {
      out.set(group, samples);
      continue;
    }
    const byKey = new Map<string, Sample>();
    for (const sample of [...samples, ...fresh]) if (sample.at >= since) byKey.set(sample.key, sample);
    out.set(group, [...byKey.values()].sort(newestFirst).slice(0, cap));
  }
  for (const [group, samples] of incoming) {
    if (!out.has(group))
      out.set(
        group,
        samples
          .filter((s) => s.at >= since)
          .sort(newestFirst)
          .slice(0, cap),
      );
  }
  return out;
}

const durationsOf = new WeakMap<Sample[], number[]>();

/** The seconds of each group; an unchanged group gives the same array as last poll (the store keeps it). */
export function durations(groups: SampleGroups): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [group, samples] of groups) {
    if (samples.length === 0) continue;
    let seconds = durationsOf.get(samples);
    if (!seconds) {
      seconds = samples.map((s) => s.seconds);
      durationsOf.set(samples, seconds);
    }
    out[group] = seconds;
  }
  return out;
}
