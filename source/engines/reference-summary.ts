// The reference's own summary, for the payloads airtop writes under the reference's names
// (capstone_latest_metrics.summary, the dashboard's status, capstone_health_score): aggregate_and_store's
// health score and metric alerts, and the api_reporter's _determine_overall_status over them.
import type { Config } from '../config/schema.js';
import type { CostReport, ProcessingReport, QualityReport, ReferenceSummary } from '../report/types.js';
import { determineOverallStatus, healthScore, metricAlerts } from './health.js';

/**
 * What the reference's collector puts in quality.extraction_quality when it has no confidence scores:
 * avg_confidence 0. airtop's own summary reads that as "unknown" (no deduction, no alert); the reference's
 * summary reads it as a confidence of 0, so here it deducts 40 points and raises "Low extraction confidence",
 * exactly as _calculate_health_score and _check_metric_alerts do on the collector's dict.
 */
const COLLECTOR_NO_SAMPLES = { avg_confidence: 0, low_confidence_count: 0, samples: 0 };

export function referenceSummary(
  processing: ProcessingReport,
  costs: CostReport,
  quality: Pick<QualityReport, 'extraction_confidence'>,
  config: Pick<Config, 'processing' | 'costs'>,
): ReferenceSummary {
  const confidence = quality.extraction_confidence ?? COLLECTOR_NO_SAMPLES;
  const health = healthScore(processing, costs, confidence, config);
  const alerts = metricAlerts(processing, costs, confidence, config);
  return { health_score: health, alerts, overall: determineOverallStatus(health, alerts) };
}
