// SLA misses computed from run and task timing. Airflow 3 removed `sla` and sla_miss_callback, so instead of
// waiting for a callback (SLAHandler.handle_sla_miss) airtop checks every run it sees against
// config.sla.definitions, and reports a miss while the work is still late, not only after it ends.
import { own } from '../own.js';
import type { DagRun, TaskInstance } from '../airflow/types.js';
import type { Config } from '../config/schema.js';
import type { SlaMiss } from '../report/types.js';
import { formatTimedelta, parseTime } from './time.js';

type SlaConfig = Config['sla'];
export type EscalationLevel = 1 | 2 | 3;

/** _determine_escalation_level, with the reference's 30 min / 1 h as configurable defaults. */
export function escalationLevel(
  latenessSeconds: number,
  sla: Pick<SlaConfig, 'level2_after' | 'level3_after'>,
): EscalationLevel {
  if (latenessSeconds > sla.level3_after) return 3;
  if (latenessSeconds > sla.level2_after) return 2;
  return 1;
}

const SEVERITY: Record<EscalationLevel, SlaMiss['severity']> = { 1: 'warning', 2: 'high', 3: 'critical' };

/** Task states after which a task will not change by itself. Any other (running, queued, up_for_retry, no status, states newer Airflows add) is unfinished. */
const TASK_DONE = new Set(['success', 'failed', 'skipped', 'upstream_failed', 'removed']);
const RUN_ACTIVE = new Set(['queued', 'running']);

export function isTaskFinished(state: TaskInstance['state']): boolean {
  return state !== null && TASK_DONE.has(state);
}

function runEnd(run: DagRun): number | null {
  return RUN_ACTIVE.has(run.state) ? null : parseTime(run.endDate);
}

/** All map indices of one task in one run, seen as one unit: it ends when its last instance ends. */
interface TaskGroup {
  taskId: string;
  start: number | null;
  end: number | null;
  finished: boolean;
}

function groupTasks(instances: readonly TaskInstance[]): TaskGroup[] {
  const groups = new Map<string, TaskGroup>();
  for (const ti of instances) {
    const start = parseTime(ti.startDate);
    const finished = isTaskFinished(ti.state);
    const end = finished ? parseTime(ti.endDate) : null;
    const g = groups.get(ti.taskId);
    if (!g) {
      groups.set(ti.taskId, { taskId: ti.taskId, start, end, finished });
      continue;
    }
    g.start = g.start === null ? start : start === null ? g.start : Math.min(g.start, start);
    g.finished = g.finished && finished;
    g.end = g.finished && g.end !== null && end !== null ? Math.max(g.end, end) : null;
  }
  return [...groups.values()];
}

interface MissParts {
  run: DagRun;
  taskId: string | null;
  deadline: number;
  /** When the work ended, or null while it is still going. */
  end: number | null;
  blocking: string;
}

function buildMiss(p: MissParts, sla: SlaConfig, now: Date): SlaMiss | null {
  const finishedAt = p.end ?? now.getTime();
  const lateness = (finishedAt - p.deadline) / 1000;
  if (!(lateness > 0)) return null;
  const level = escalationLevel(lateness, sla);
  const human = formatTimedelta(lateness);
  const what = p.taskId === null ? p.run.dagId : `${p.run.dagId}.${p.taskId}`;
  return {
    type: 'sla_miss',
    scope: p.taskId === null ? 'dag' : 'task',
    severity: SEVERITY[level],
    escalation_level: level,
    channels: [...sla.channels[level]],
    dag_id: p.run.dagId,
    task_id: p.taskId,
    run_id: p.run.runId,
    // Airflow 3 manual runs may have no logical date; run_after is when the run was due.
    execution_date: p.run.logicalDate ?? p.run.runAfter,
    expected_end: new Date(p.deadline).toISOString(),
    lateness_seconds: lateness,
    lateness_human: human,
    blocking_tasks: p.blocking,
    ongoing: p.end === null,
    timestamp: now.toISOString(),
    message: `SLA missed for ${what} (late by ${human})`,
  };
}

/** Misses of one run: its DAG-level SLA (from the run's start) and each defined task's SLA. */
function runMisses(run: DagRun, instances: readonly TaskInstance[], sla: SlaConfig, now: Date): SlaMiss[] {
  const definition = own(sla.definitions, run.dagId);
  const runStart = parseTime(run.startDate);
  // A run that has not started has no deadline yet: SLAs count from the start, as Airflow 2 did.
  if (!definition || runStart === null) return [];
  const end = runEnd(run);
  const groups = groupTasks(instances);
  const blocking = groups
    .filter((g) => !g.finished)
    .map((g) => g.taskId)
    .join(',');
  const misses: SlaMiss[] = [];

  if (definition.default !== undefined) {
    const miss = buildMiss(
      { run, taskId: null, deadline: runStart + definition.default * 1000, end, blocking },
      sla,
      now,
    );
    if (miss) misses.push(miss);
  }
  for (const group of groups) {
    const seconds = definition.tasks[group.taskId];
    if (seconds === undefined) continue;
    const from = sla.from_task_start ? group.start : runStart;
    if (from === null) continue;
    // A task left unfinished in a finished run (marked failed by hand, say) stopped when its run did;
    // counting it against `now` would make it later and later forever.
    const taskEnd = group.finished ? group.end : end;
    if (group.finished && group.end === null) continue;
    const miss = buildMiss(
      { run, taskId: group.taskId, deadline: from + seconds * 1000, end: taskEnd, blocking },
      sla,
      now,
    );
    if (miss) misses.push(miss);
  }
  return misses;
}

export function slaMisses(
  runs: readonly DagRun[],
  taskInstances: readonly TaskInstance[],
  sla: SlaConfig,
  now: Date,
): SlaMiss[] {
  const byRun = new Map<string, TaskInstance[]>();
  for (const ti of taskInstances) {
    const key = `${ti.dagId}\u0000${ti.runId}`;
    const list = byRun.get(key);
    if (list) list.push(ti);
    else byRun.set(key, [ti]);
  }
  const seen = new Set<string>();
  const misses: SlaMiss[] = [];
  for (const run of runs) {
    const key = `${run.dagId}\u0000${run.runId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    misses.push(...runMisses(run, byRun.get(key) ?? [], sla, now));
  }
  return misses.sort(
    (a, b) =>
      b.lateness_seconds - a.lateness_seconds ||
      a.dag_id.localeCompare(b.dag_id) ||
      (a.task_id ?? '').localeCompare(b.task_id ?? '') ||
      a.run_id.localeCompare(b.run_id),
  );
}
