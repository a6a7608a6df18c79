// The reference's formulas (shared/spec: capstone_monitoring_dag, capstone_metrics_collector,
// capstone_quality_tracker, capstone_sla_handler), written again here so the e2e tests compare airtop with an
// independent computation rather than with itself.
import type { Contributions } from './documents.js';
import type { OracleFigures } from './oracle.js';

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** numpy.percentile(xs, q) with its default linear interpolation. */
export function percentile(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const pos = ((s.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export function embeddingComponent(log: Contributions['embedding_generation_log']) {
  const dims = new Set(log.map((e) => e.dimensions));
  const norms = log.map((e) => e.norm);
  const average = mean(norms);
  const std = norms.length > 1 ? Math.sqrt(mean(norms.map((n) => (n - average) ** 2))) : 0;
  const healthy = norms.length > 0 && average >= 0.9 && average <= 1.1 && std < 0.1;
  return {
    samples_analyzed: log.length,
    norms: { average, std, healthy },
    quality_score: dims.size === 1 && healthy ? 100 : 50,
  };
}

export function extractionComponent(log: Contributions['extraction_log']) {
  const n = log.length;
  const success_rate = log.filter((e) => e.status === 'success').length / n;
  const empty_rate = log.filter((e) => e.text_length === 0).length / n;
  const encoding_error_count = log.filter((e) => e.encoding_error).length;
  const lengths = log.map((e) => e.text_length).filter((l) => l > 0);
  let score = 100 - (1 - success_rate) * 40 - empty_rate * 30 - Math.min((encoding_error_count / n) * 30, 30);
  score = Math.max(0, score);
  return {
    samples_analyzed: n,
    success_rate,
    empty_rate,
    encoding_error_count,
    avg_text_length: mean(lengths),
    quality_score: score,
  };
}

export function llmComponent(log: Contributions['llm_response_log']) {
  const n = log.length;
  const completion_rate = log.filter((e) => e.complete).length / n;
  const json_success_rate = log.filter((e) => e.json_valid).length / n;
  const latencies = log.map((e) => e.latency_ms);
  return {
    samples_analyzed: n,
    completion_rate,
    json_success_rate,
    latency_ms: { avg: mean(latencies), p95: percentile(latencies, 95) },
    quality_score: completion_rate * 50 + json_success_rate * 50,
  };
}

/** generate_quality_report for three components that all have data. */
export function qualityReport(
  scores: { embedding: number; extraction: number; llm: number },
  extraction_success_rate: number,
  llm_completion_rate: number,
) {
  const valid = [scores.embedding, scores.extraction, scores.llm].filter((s) => s > 0);
  const overall_score = mean(valid);
  const issues: string[] = [];
  if (scores.embedding < 80) issues.push('Embedding quality below threshold');
  if (extraction_success_rate < 0.95) issues.push('High extraction failure rate');
  if (llm_completion_rate < 0.98) issues.push('Incomplete LLM responses detected');
  const status = overall_score >= 80 ? 'healthy' : overall_score >= 60 ? 'degraded' : 'critical';
  return { overall_score, status, issues };
}

export const REFERENCE_RATES = { embedding_input: 0.0001, llm_input: 0.003, llm_output: 0.015 };

export function costFigures(day: Contributions['tokens'], rates = REFERENCE_RATES) {
  const embedding_cost_usd = (day.embedding_tokens / 1000) * rates.embedding_input;
  const llm_input_cost_usd = (day.llm_input_tokens / 1000) * rates.llm_input;
  const llm_output_cost_usd = (day.llm_output_tokens / 1000) * rates.llm_output;
  const total_cost_usd = embedding_cost_usd + llm_input_cost_usd + llm_output_cost_usd;
  return {
    costs: {
      embedding_cost_usd,
      llm_input_cost_usd,
      llm_output_cost_usd,
      total_cost_usd,
      cost_per_document_usd: day.documents_processed > 0 ? total_cost_usd / day.documents_processed : 0,
      documents_processed: day.documents_processed,
    },
    tokens: { embedding: day.embedding_tokens, llm_input: day.llm_input_tokens, llm_output: day.llm_output_tokens },
  };
}

/** _calculate_health_score. */
export function healthScore(totalErrors: number, avgConfidence: number, costPerDocument: number): number {
  let score = 100 - Math.min(totalErrors * 5, 30);
  if (avgConfidence < 0.8) score -= (0.8 - avgConfidence) * 50;
  if (costPerDocument > 0.1) score -= Math.min((costPerDocument - 0.1) * 100, 20);
  return Math.max(0, score);
}

export const REFERENCE_THRESHOLDS = {
  success_rate_critical: 0.9,
  success_rate_warning: 0.95,
  avg_duration_increase_pct: 50,
  pool_utilization_warning: 0.8,
  pool_utilization_critical: 0.95,
  retry_rate_warning: 0.1,
};

/**
 * check_thresholds over the oracle's figures, as "type:subject" keys. Plus the duration check the reference
 * declares but never runs, as airtop's README defines it: last hour's mean successful run above the 7-day
 * baseline mean × (1 + pct/100), once the baseline has `minSamples` runs.
 */
export function expectedThresholds(o: OracleFigures, t = REFERENCE_THRESHOLDS, minSamples = 5) {
  const violations: string[] = [];
  const warnings: string[] = [];
  for (const [dag, m] of Object.entries(o.dags)) {
    if (m.success_rate < t.success_rate_critical) violations.push(`success_rate_critical:${dag}`);
    else if (m.success_rate < t.success_rate_warning) warnings.push(`success_rate_warning:${dag}`);
  }
  for (const [pool, m] of Object.entries(o.pools)) {
    if (m.utilization > t.pool_utilization_critical) violations.push(`pool_utilization_critical:${pool}`);
    else if (m.utilization > t.pool_utilization_warning) warnings.push(`pool_utilization_warning:${pool}`);
  }
  for (const [task, m] of Object.entries(o.tasks)) {
    if (m.total > 0 && m.retries / m.total > t.retry_rate_warning) warnings.push(`high_retry_rate:${task}`);
  }
  for (const [dag, m] of Object.entries(o.dags)) {
    const base = m.baseline_avg_duration_seconds;
    if (base === null || m.baseline_samples < minSamples || m.success_count === 0) continue;
    if (m.avg_duration_seconds > base * (1 + t.avg_duration_increase_pct / 100))
      warnings.push(`avg_duration_increase:${dag}`);
  }
  return { violations: violations.sort(), warnings: warnings.sort() };
}

export interface SlaDefinitions {
  [dagId: string]: { default?: number; tasks: Record<string, number> };
}

export interface ExpectedMiss {
  key: string;
  lateness: number;
  level: 1 | 2 | 3;
}

const TASK_DONE = new Set(['success', 'failed', 'skipped', 'upstream_failed', 'removed']);

/**
 * SLAHandler's misses from run and task timing (Airflow 3 has no SLA callbacks): a run's default SLA counts from
 * its start; a task's from its run's start (Airflow 2's meaning) or, with fromTaskStart, its own. Lateness is
 * end (or now, while unfinished) minus the deadline; escalation 1/2/3 above 0/level2/level3 seconds.
 */
export function expectedSlaMisses(
  o: OracleFigures,
  defs: SlaDefinitions,
  nowSec: number,
  opts = { fromTaskStart: false, level2: 1800, level3: 3600 },
): ExpectedMiss[] {
  const misses: ExpectedMiss[] = [];
  const level = (late: number): 1 | 2 | 3 => (late > opts.level3 ? 3 : late > opts.level2 ? 2 : 1);
  for (const run of o.runs) {
    const def = defs[run.dag_id];
    if (!def || run.start === null) continue;
    const active = run.state === 'queued' || run.state === 'running';
    const runEnd = active ? nowSec : run.end;
    if (def.default !== undefined && runEnd !== null) {
      const late = runEnd - (run.start + def.default);
      if (late > 0) misses.push({ key: `${run.dag_id}|-|${run.run_id}`, lateness: late, level: level(late) });
    }
    for (const ti of o.taskInstances.filter((t) => t.dag_id === run.dag_id && t.run_id === run.run_id)) {
      const seconds = def.tasks[ti.task_id];
      if (seconds === undefined) continue;
      const from = opts.fromTaskStart ? ti.start : run.start;
      if (from === null) continue;
      const finished = ti.state !== null && TASK_DONE.has(ti.state);
      if (finished && ti.end === null) continue;
      const end = finished ? ti.end : runEnd;
      if (end === null) continue;
      const late = end - (from + seconds);
      if (late > 0)
        misses.push({ key: `${run.dag_id}|${ti.task_id}|${run.run_id}`, lateness: late, level: level(late) });
    }
  }
  return misses.sort((a, b) => a.key.localeCompare(b.key));
}
