import { describe, expect, it } from 'vitest';
import { figuresOf, findingFigures, judge, loadDifferences, matches, nestedFigures } from '../e2e/reference/figures.js';

describe("the differential test's figure comparison", () => {
  it('matches documented figures segment by segment, `*` within one segment', () => {
    expect(matches('tasks.task_stats.capstone_monitoring/*', 'tasks.task_stats.capstone_monitoring/send_alerts')).toBe(
      true,
    );
    expect(
      matches('tasks.task_stats.capstone_monitoring/*', 'tasks.task_stats.capstone_ingestion_pipeline/scan_sources'),
    ).toBe(false);
    expect(matches('a.*.b', 'a.x.b')).toBe(true);
    expect(matches('a.*.b', 'a.x.y.b')).toBe(false);
  });

  it('agrees within duration tolerance, documents listed differences, and fails the rest', () => {
    const figures = [
      ...nestedFigures(
        'pipeline.dags',
        { d: { avg_duration_seconds: 10.0004, runs_last_hour: 3 } },
        { d: { avg_duration_seconds: 10, runs_last_hour: 3, p95_duration_seconds: 1 } },
      ),
      ...figuresOf('x', { rate: 0.5 }, { rate: 0.6 }),
      ...findingFigures('thresholds.violations', [{ type: 'success_rate_critical', dag_id: 'd', value: 0.5 }], []),
    ];
    const verdict = judge(figures, [{ figure: 'x.rate', reason: 'because' }]);
    expect(verdict.agree.map((f) => f.path)).toEqual([
      'pipeline.dags.d.avg_duration_seconds',
      'pipeline.dags.d.runs_last_hour',
    ]);
    expect(verdict.documented.map((d) => d.figure.path)).toEqual(['x.rate']);
    expect(verdict.undocumented.map((f) => f.path)).toEqual(['thresholds.violations.success_rate_critical:d']);
  });

  it('reads fixtures/reference/differences.yaml: every entry has a figure and a reason', () => {
    const differences = loadDifferences();
    for (const d of differences) expect(d.reason.length, d.figure).toBeGreaterThan(20);
  });
});
