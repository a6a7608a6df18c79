import type { AlertCandidate, Report, SlaMiss, ThresholdFinding } from '../report/types.js';
import type { CandidateInput } from './types.js';

// Candidates carry identity and a summary; the sinks also want the reference's fields (lateness_human,
// blocking_tasks, value, threshold, ...). These are looked up in the same poll's report by label.

/** The SLA notification dict of the reference (capstone_sla_handler._build_notification), plus run_id. */
const SLA_FIELDS = [
  'type',
  'severity',
  'escalation_level',
  'dag_id',
  'task_id',
  'run_id',
  'execution_date',
  'expected_end',
  'lateness_seconds',
  'lateness_human',
  'blocking_tasks',
  'timestamp',
  'message',
] as const;

export function slaNotificationFields(miss: SlaMiss): Record<string, unknown> {
  return Object.fromEntries(SLA_FIELDS.map((key) => [key, miss[key]]));
}

function findMiss(labels: Record<string, string>, misses: readonly SlaMiss[]): SlaMiss | undefined {
  return misses.find(
    (m) =>
      m.dag_id === labels.dag_id &&
      // The engines label a whole-run miss task_id="__dag__".
      (m.task_id ?? '__dag__') ===
        (labels.task_id === undefined || labels.task_id === '' ? '__dag__' : labels.task_id) &&
      (labels.run_id === undefined || labels.run_id === m.run_id),
  );
}

function findingMatches(f: ThresholdFinding, labels: Record<string, string>): boolean {
  if (f.type !== labels.alertname && f.type !== labels.type) return false;
  if (f.dag_id !== undefined && f.dag_id !== labels.dag_id) return false;
  if (f.pool !== undefined && f.pool !== labels.pool) return false;
  if (f.task !== undefined && f.task !== labels.task && f.task !== `${labels.dag_id}.${labels.task_id}`) return false;
  return true;
}

export function withDetails(
  candidates: readonly (AlertCandidate | CandidateInput)[],
  report: Report,
): CandidateInput[] {
  const findings = [...report.thresholds.violations, ...report.thresholds.warnings];
  return candidates.map((candidate) => {
    if ('details' in candidate && candidate.details) return candidate;
    if (candidate.escalation_level !== undefined) {
      const miss = findMiss(candidate.labels, report.sla.misses);
      return miss ? { ...candidate, details: slaNotificationFields(miss) } : candidate;
    }
    const finding = findings.find((f) => findingMatches(f, candidate.labels));
    return finding ? { ...candidate, details: { ...finding } } : candidate;
  });
}
