import { describe, expect, it } from 'vitest';
import type { PipelineDagMetrics, PoolMetrics, TaskMetrics } from '../../../source/report/types.js';
import { checkThresholds, type ThresholdInput } from '../../../source/engines/thresholds.js';
import { config, NOW } from '../../helpers/snapshot.js';

const cfg = config();

function dag(success_rate: number, extra: Partial<PipelineDagMetrics> = {}): PipelineDagMetrics {
  return {
    runs_last_hour: 1,
    success_count: 1,
    failed_count: 0,
    running_count: 0,
    success_rate,
    avg_duration_seconds: 0,
    p95_duration_seconds: 0,
    baseline_avg_duration_seconds: null,
    ...extra,
  };
}
const poolAt = (utilization: number): PoolMetrics => ({
  total_slots: 100,
  open_slots: 0,
  used_slots: 0,
  queued_slots: 0,
  utilization,
});
const task = (total: number, retries: number): TaskMetrics => ({
  total,
  success: total,
  failed: 0,
  retries,
  avg_duration: 0,
  max_duration: 0,
});

function check(input: Partial<ThresholdInput>) {
  return checkThresholds({ dags: {}, tasks: {}, pools: {}, baselineSamples: {}, ...input }, cfg, NOW);
}

describe('checkThresholds (check_thresholds with the reference THRESHOLDS)', () => {
  it.each([
    [0.85, 'success_rate_critical', 'critical', 0.9], // 0.85 < 0.90
    [0.9, 'success_rate_warning', 'warning', 0.95], // not < 0.90, but < 0.95
    [0.949, 'success_rate_warning', 'warning', 0.95],
    [0.95, null, null, null], // not < 0.95
    [1.0, null, null, null],
  ])('success rate %d → %s', (rate, type, severity, threshold) => {
    const r = check({ dags: { d: dag(rate) } });
    const all = [...r.violations, ...r.warnings];
    if (type === null) expect(all).toEqual([]);
    else expect(all).toEqual([{ type, dag_id: 'd', value: rate, threshold, severity }]);
    expect(r.healthy).toBe(severity !== 'critical');
  });

  it.each([
    [0.96, 'pool_utilization_critical', 0.95], // > 0.95
    [0.95, 'pool_utilization_warning', 0.8], // not > 0.95, > 0.80
    [0.81, 'pool_utilization_warning', 0.8],
    [0.8, null, null], // not > 0.80
  ])('pool utilization %d → %s', (u, type, threshold) => {
    const r = check({ pools: { p: poolAt(u) } });
    const all = [...r.violations, ...r.warnings];
    if (type === null) expect(all).toEqual([]);
    else
      expect(all).toEqual([
        { type, pool: 'p', value: u, threshold, severity: type.endsWith('critical') ? 'critical' : 'warning' },
      ]);
  });

  it.each([
    [10, 2, 0.2], // 2 / 10 = 0.2 > 0.10 → warning
    [10, 1, null], // 0.1 is not > 0.10
    [0, 5, null], // total 0: skipped like the reference
  ])('retries %d of %d → %s', (total, retries, value) => {
    const r = check({ tasks: { 'd.t': task(total, retries) } });
    if (value === null) expect(r.warnings).toEqual([]);
    else
      expect(r.warnings).toEqual([
        { type: 'high_retry_rate', task: 'd.t', value, threshold: 0.1, severity: 'warning' },
      ]);
    expect(r.healthy).toBe(true);
  });

  describe('avg_duration_increase (declared by the reference, run here)', () => {
    const withBaseline = (avg: number, samples: number, success = 1) =>
      check({
        dags: { d: dag(1, { avg_duration_seconds: avg, success_count: success, baseline_avg_duration_seconds: 100 }) },
        baselineSamples: { d: samples },
      });

    it('warns above baseline × (1 + 50/100) = 150 s', () => {
      expect(withBaseline(151, 5).warnings).toEqual([
        { type: 'avg_duration_increase', dag_id: 'd', value: 151, threshold: 150, severity: 'warning' },
      ]);
      expect(withBaseline(150, 5).warnings).toEqual([]); // not > 150
    });

    it('needs min_samples baseline runs and a successful run in the hour', () => {
      expect(withBaseline(500, 4).warnings).toEqual([]); // 4 < anomalies.min_samples (5)
      expect(withBaseline(500, 5, 0).warnings).toEqual([]);
    });

    it('follows avg_duration_increase_pct', () => {
      const r = checkThresholds(
        {
          dags: { d: dag(1, { avg_duration_seconds: 121, baseline_avg_duration_seconds: 100 }) },
          tasks: {},
          pools: {},
          baselineSamples: { d: 5 },
        },
        config({ thresholds: { avg_duration_increase_pct: 20 } }),
        NOW,
      );
      expect(r.warnings[0]?.threshold).toBeCloseTo(120); // 100 × 1.2
    });
  });

  it('healthy means no violations: warnings alone stay healthy; stamps the time', () => {
    const r = check({ dags: { a: dag(0.92) }, pools: { p: poolAt(0.99) } });
    expect(r.healthy).toBe(false);
    expect(r.violations.map((v) => v.type)).toEqual(['pool_utilization_critical']);
    expect(r.warnings.map((v) => v.type)).toEqual(['success_rate_warning']);
    expect(r.timestamp).toBe(NOW.toISOString());
    expect(check({ dags: { a: dag(0.92) } }).healthy).toBe(true);
  });
});
