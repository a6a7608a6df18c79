import { describe, expect, it } from 'vitest';
import type { Report, SlaMiss } from '../../../source/report/types.js';
import { statusDriver } from '../../../source/ui/model/status-driver.js';
import { sampleReport, slaMiss } from '../sinks/report-fixture.js';

// sampleReport: one success-rate violation, one pool warning, no metric alerts, health 92.5, critical.

function withSummary(
  report: Report,
  overall: Report['summary']['overall'],
  health = 92.5,
  metricAlerts: string[] = [],
): Report {
  const lines = [...report.thresholds.violations, ...report.thresholds.warnings].map(() => 'threshold line');
  return { ...report, summary: { health_score: health, overall, alerts: [...metricAlerts, ...lines] } };
}

const noThresholds = (r: Report): Report => ({ ...r, thresholds: { ...r.thresholds, violations: [], warnings: [] } });
const misses = (r: Report, list: SlaMiss[]): Report => ({ ...r, sla: { misses: list } });

describe('statusDriver', () => {
  it('critical: names only what makes it critical', () => {
    expect(statusDriver(withSummary(sampleReport(), 'critical'))).toBe('1 threshold violation');
    const report = misses(sampleReport(), [slaMiss(2, 600), slaMiss(3, 900), slaMiss(1, 60)]);
    expect(statusDriver(withSummary(report, 'critical'))).toBe('1 threshold violation, 2 SLA misses at L2+');
    expect(statusDriver(withSummary(noThresholds(sampleReport()), 'critical', 40, ['a', 'b', 'c', 'd']))).toBe(
      '4 metric alerts, health below 50',
    );
  });

  it('warning: threshold warnings, level-1 SLA misses, a few metric alerts or health below 80', () => {
    const report = misses({ ...sampleReport(), thresholds: { ...sampleReport().thresholds, violations: [] } }, [
      slaMiss(1, 60),
    ]);
    expect(statusDriver(withSummary(report, 'warning', 75, ['Low extraction confidence']))).toBe(
      '1 threshold warning, 1 SLA miss at L1, 1 metric alert, health below 80',
    );
  });

  it('healthy: nothing to say', () => {
    expect(statusDriver(withSummary(noThresholds(sampleReport()), 'healthy', 100))).toBeNull();
  });
});
