// _calculate_health_score, _check_metric_alerts and _determine_overall_status, and the summary that combines
// them with the threshold and SLA findings.
import type { Config } from '../config/schema.js';
import type {
  CostReport,
  Overall,
  ProcessingReport,
  QualityReport,
  Report,
  SlaMiss,
  ThresholdFinding,
  ThresholdReport,
} from '../report/types.js';
import { costAlerts } from './costs.js';
import { clamp } from '../numbers.js';
import { processingAlerts, totalErrors } from './processing.js';

type Confidence = QualityReport['extraction_confidence'];
type HealthConfig = Pick<Config, 'processing' | 'costs'>;

/**
 * 100, minus min(errors × 5, 30), minus (0.8 − avg_confidence) × 50 below 0.8, minus
 * min((cost_per_doc − threshold) × 100, 20) above the per-document threshold; floored at 0.
 *
 * No confidence samples means no deduction. The reference's collector reports avg_confidence 0 when it has
 * no samples, so a pipeline that records no confidences at all would lose 40 points for it; "unknown" is not
 * "bad", so airtop deducts nothing (the same as the reference's own default of 1.0 when the key is absent).
 */
export function healthScore(
  processing: ProcessingReport,
  costs: CostReport,
  confidence: Confidence,
  config: HealthConfig,
): number {
  let score = 100;
  score -= Math.min(totalErrors(processing) * 5, 30);
  const avgConfidence = confidence?.avg_confidence ?? 1.0;
  if (avgConfidence < 0.8) score -= (0.8 - avgConfidence) * 50;
  const threshold = config.costs.cost_per_document_threshold_usd;
  const costPerDoc = costs.costs.cost_per_document_usd;
  if (costPerDoc > threshold) score -= Math.min((costPerDoc - threshold) * 100, 20);
  return clamp(Math.max(0, score), 0, 100);
}

/** The alert strings, in the reference's order. Low confidence needs samples (see healthScore). */
export function metricAlerts(
  processing: ProcessingReport,
  costs: CostReport,
  confidence: Confidence,
  config: HealthConfig,
): string[] {
  const alerts = processingAlerts(processing, config);
  if (confidence !== null && confidence.avg_confidence < config.processing.low_confidence_threshold) {
    alerts.push('Low extraction confidence');
  }
  alerts.push(...costAlerts(costs));
  return alerts;
}

/** _determine_overall_status: health < 50 or more than 3 alerts → critical; < 80 or any alert → warning. */
export function determineOverallStatus(health: number, alerts: readonly unknown[]): Overall {
  if (health < 50 || alerts.length > 3) return 'critical';
  if (health < 80 || alerts.length > 0) return 'warning';
  return 'healthy';
}

const RANK: Record<Overall, number> = { healthy: 0, warning: 1, critical: 2 };

export function worse(a: Overall, b: Overall): Overall {
  return RANK[b] > RANK[a] ? b : a;
}

const percent = (v: number): string => `${(v * 100).toFixed(1)}%`;

/** One short line per threshold finding, for summary.alerts. */
export function thresholdLine(f: ThresholdFinding): string {
  switch (f.type) {
    case 'success_rate_critical':
    case 'success_rate_warning':
      return `${f.dag_id}: success rate ${percent(f.value)} below ${percent(f.threshold)}`;
    case 'pool_utilization_critical':
    case 'pool_utilization_warning':
      return `pool ${f.pool}: utilization ${percent(f.value)} above ${percent(f.threshold)}`;
    case 'high_retry_rate':
      return `${f.task}: retry rate ${percent(f.value)} above ${percent(f.threshold)}`;
    case 'avg_duration_increase':
      return `${f.dag_id}: average run ${Math.round(f.value)}s above ${Math.round(f.threshold)}s (baseline + increase limit)`;
  }
}

export interface SummaryInput {
  processing: ProcessingReport;
  costs: CostReport;
  quality: QualityReport;
  thresholds: ThresholdReport;
  slaMisses: readonly SlaMiss[];
}

/**
 * summary.overall is the worse of two verdicts:
 *  - the reference's _determine_overall_status over the health score and the metric alerts only (its own
 *    inputs; counting threshold lines there would turn four warnings into "critical");
 *  - the monitoring DAG's findings: a threshold violation or an SLA miss at escalation level 2+ is critical,
 *    a threshold warning or a level-1 SLA miss is a warning (the severities their alerts carry).
 * summary.alerts lists the metric alert strings, then one line per threshold violation and warning.
 */
export function summarize(input: SummaryInput, config: HealthConfig): Omit<Report['summary'], 'reference'> {
  const confidence = input.quality.extraction_confidence;
  const health = healthScore(input.processing, input.costs, confidence, config);
  const alerts = metricAlerts(input.processing, input.costs, confidence, config);
  let overall = determineOverallStatus(health, alerts);
  if (input.thresholds.violations.length > 0) overall = worse(overall, 'critical');
  if (input.thresholds.warnings.length > 0) overall = worse(overall, 'warning');
  for (const miss of input.slaMisses) overall = worse(overall, miss.escalation_level >= 2 ? 'critical' : 'warning');
  const lines = [...input.thresholds.violations, ...input.thresholds.warnings].map(thresholdLine);
  return { health_score: health, alerts: [...alerts, ...lines], overall };
}
