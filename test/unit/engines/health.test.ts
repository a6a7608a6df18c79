import { describe, expect, it } from 'vitest';
import { costMetrics } from '../../../source/engines/costs.js';
import {
  determineOverallStatus,
  healthScore,
  metricAlerts,
  summarize,
  thresholdLine,
} from '../../../source/engines/health.js';
import { processingMetrics } from '../../../source/engines/processing.js';
import { qualityReport } from '../../../source/engines/quality.js';
import type { SlaMiss, ThresholdFinding } from '../../../source/report/types.js';
import { config, NOW, variable } from '../../helpers/snapshot.js';

const cfg = config();
const processing = (errors: Record<string, number>) =>
  processingMetrics(variable({ '2024-01-15-12': { errors } }), cfg, NOW);
/** A day whose cost per document is `usd` (embedding tokens at 0.0001 per 1K: usd × 1e7 tokens for one document). */
const costs = (usdPerDoc: number, docs = 1) =>
  costMetrics(
    variable({ '2024-01-15': { embedding_tokens: usdPerDoc * docs * 1e7, documents_processed: docs } }),
    cfg,
    NOW,
  );
const confidence = (avg: number) => ({ avg_confidence: avg, low_confidence_count: 0, samples: 1 });

describe('healthScore (_calculate_health_score)', () => {
  it.each([
    [{}, 0, null, 100],
    [{ extraction: 1, embedding: 1, storage: 1 }, 0, null, 85], // 100 − min(3 × 5, 30)
    [{ extraction: 10 }, 0, null, 70], // 100 − min(50, 30)
    [{}, 0, 0.6, 90], // 100 − (0.8 − 0.6) × 50
    [{}, 0, 0.8, 100], // not < 0.8
    [{}, 0.25, null, 85], // 100 − min((0.25 − 0.10) × 100, 20)
    [{}, 0.5, null, 80], // 100 − min(40, 20)
    [{}, 0.1, null, 100], // not > 0.10
    [{ extraction: 10 }, 1, 0, 10], // 100 − 30 − 40 − 20
  ])('errors %j, cost/doc %d, confidence %s → %d', (errors, cpd, conf, expected) => {
    const score = healthScore(processing(errors), costs(cpd), conf === null ? null : confidence(conf), cfg);
    expect(score).toBeCloseTo(expected, 9);
  });

  it('deducts nothing for confidence when there are no samples (the reference would deduct 40)', () => {
    const q = qualityReport({ capstone_quality_metrics: variable({ extraction_confidence_scores: [] }) }, cfg, NOW);
    expect(q.extraction_confidence).toBeNull();
    expect(healthScore(processing({}), costs(0), q.extraction_confidence, cfg)).toBe(100);
    expect(metricAlerts(processing({}), costs(0), q.extraction_confidence, cfg)).toEqual([]);
  });

  it('uses the configured cost-per-document threshold', () => {
    const c = config({ costs: { cost_per_document_threshold_usd: 0.2 } });
    expect(healthScore(processing({}), costs(0.25), null, c)).toBeCloseTo(95, 9); // 100 − (0.25 − 0.2) × 100
  });
});

describe('metricAlerts (_check_metric_alerts)', () => {
  it('lists the four strings in the reference order', () => {
    const expensive = costMetrics(variable({ '2024-01-15': { llm_output_tokens: 7_000_000 } }), cfg, NOW); // $105 > $100
    expect(metricAlerts(processing({ extraction: 11, embedding: 11 }), expensive, confidence(0.69), cfg)).toEqual([
      'High extraction error rate',
      'High embedding error rate',
      'Low extraction confidence', // 0.69 < 0.7
      'Daily cost budget exceeded',
    ]);
    expect(metricAlerts(processing({ extraction: 10 }), costs(0), confidence(0.7), cfg)).toEqual([]);
  });
});

describe('determineOverallStatus (_determine_overall_status)', () => {
  it.each([
    [100, 0, 'healthy'],
    [80, 0, 'healthy'],
    [79.9, 0, 'warning'],
    [50, 0, 'warning'],
    [49.9, 0, 'critical'],
    [100, 1, 'warning'],
    [100, 3, 'warning'],
    [100, 4, 'critical'], // more than 3 alerts
  ])('health %d with %d alerts → %s', (health, count, status) => {
    expect(
      determineOverallStatus(
        health,
        Array.from({ length: count }, () => 'x'),
      ),
    ).toBe(status);
  });
});

describe('summarize', () => {
  const finding = (type: ThresholdFinding['type'], severity: ThresholdFinding['severity']): ThresholdFinding => ({
    type,
    severity,
    value: 0.5,
    threshold: 0.9,
    dag_id: 'ingest',
  });
  const miss = (escalation_level: 1 | 2 | 3) => ({ escalation_level }) as SlaMiss;
  const base = { processing: processing({}), costs: costs(0), quality: qualityReport({}, cfg, NOW) };
  const thresholds = (violations: ThresholdFinding[], warnings: ThresholdFinding[]) => ({
    timestamp: '',
    violations,
    warnings,
    healthy: violations.length === 0,
  });

  it('is healthy with nothing wrong', () => {
    expect(summarize({ ...base, thresholds: thresholds([], []), slaMisses: [] }, cfg)).toEqual({
      health_score: 100,
      alerts: [],
      overall: 'healthy',
    });
  });

  it('takes the worse of the metric verdict, the threshold findings and the SLA misses', () => {
    const s = summarize(
      { ...base, thresholds: thresholds([finding('success_rate_critical', 'critical')], []), slaMisses: [] },
      cfg,
    );
    expect(s.overall).toBe('critical');
    expect(s.alerts).toEqual(['ingest: success rate 50.0% below 90.0%']);
    expect(
      summarize(
        { ...base, thresholds: thresholds([], [finding('success_rate_warning', 'warning')]), slaMisses: [] },
        cfg,
      ).overall,
    ).toBe('warning');
    expect(summarize({ ...base, thresholds: thresholds([], []), slaMisses: [miss(1)] }, cfg).overall).toBe('warning');
    expect(summarize({ ...base, thresholds: thresholds([], []), slaMisses: [miss(2)] }, cfg).overall).toBe('critical');
  });

  it('does not count threshold lines toward the reference\'s "more than 3 alerts"', () => {
    const warnings = Array.from({ length: 5 }, () => finding('success_rate_warning', 'warning'));
    const s = summarize({ ...base, thresholds: thresholds([], warnings), slaMisses: [] }, cfg);
    expect(s.alerts).toHaveLength(5);
    expect(s.overall).toBe('warning');
  });

  it.each([
    [
      { type: 'pool_utilization_warning', severity: 'warning', value: 0.85, threshold: 0.8, pool: 'default_pool' },
      'pool default_pool: utilization 85.0% above 80.0%',
    ],
    [
      { type: 'high_retry_rate', severity: 'warning', value: 0.2, threshold: 0.1, task: 'ingest.scan' },
      'ingest.scan: retry rate 20.0% above 10.0%',
    ],
    [
      { type: 'avg_duration_increase', severity: 'warning', value: 151, threshold: 150, dag_id: 'ingest' },
      'ingest: average run 151s above 150s (baseline + increase limit)',
    ],
  ] as [ThresholdFinding, string][])('thresholdLine(%o)', (f, line) => {
    expect(thresholdLine(f)).toBe(line);
  });
});
