import { describe, expect, it } from 'vitest';
import { detectAnomalies, robustBaseline } from '../../../source/engines/anomalies.js';
import { config, NOW, run, snapshot, ti } from '../../helpers/snapshot.js';

const cfg = config(); // min_samples 5, mad_factor 3.5, min_ratio 1.5
const seconds = (s: number) => s / 60; // minutes before NOW, for the builder

describe('robustBaseline', () => {
  it.each([
    // median 100; |x − 100| = [10, 5, 0, 5, 10] → MAD 5; 100 + 3.5 × 1.4826 × 5 = 125.9 < 1.5 × 100 → bound 150
    [[100, 110, 90, 105, 95], 100, 5, 150],
    // median 100, MAD 20: 100 + 3.5 × 1.4826 × 20 = 203.782 > 150
    [[100, 60, 140, 80, 120], 100, 20, 203.782],
    // MAD 0 → floor max(5% × 10, 1 s) = 1: 10 + 3.5 × 1.4826 × 1 = 15.189 > 1.5 × 10
    [[10, 10, 10, 10, 10], 10, 0, 15.1891],
  ])('%j → median %d, MAD %d, bound %d', (samples, median, mad, bound) => {
    const b = robustBaseline(samples, cfg.anomalies)!;
    expect(b.median).toBe(median);
    expect(b.mad).toBe(mad);
    expect(b.bound).toBeCloseTo(bound, 3);
    expect(b.samples).toBe(5);
  });

  it('needs min_samples clean samples', () => {
    expect(robustBaseline([1, 2, 3, 4], cfg.anomalies)).toBeNull();
    expect(robustBaseline([1, 2, 3, 4, Number.NaN], cfg.anomalies)).toBeNull();
    expect(robustBaseline(undefined, cfg.anomalies)).toBeNull();
  });

  it('does not flag noise when every sample is the same (MAD 0), even with min_ratio 1', () => {
    const loose = config({ anomalies: { min_ratio: 1 } }).anomalies;
    // without the floor the bound would be the median itself (10 s) and 10.1 s would be "slow"
    expect(robustBaseline([10, 10, 10, 10, 10], loose)!.bound).toBeCloseTo(15.1891, 3);
  });
});

describe('detectAnomalies', () => {
  const baselineDags = { etl: [100, 110, 90, 105, 95] }; // bound 150 s
  const baselineTasks = { 'etl.load': [10, 10, 10, 10, 10] }; // bound 15.19 s

  it('flags finished runs above the bound, and running ones already past it', () => {
    const s = snapshot({
      baselineDags,
      runs: [
        run('etl', 'slow', 'success', seconds(400), seconds(249)), // 151 s > 150
        run('etl', 'fine', 'failed', seconds(400), seconds(251)), // 149 s
        run('etl', 'stuck', 'running', seconds(180)), // 180 s so far
        run('etl', 'waiting', 'queued', null),
      ],
    });
    const found = detectAnomalies(s, cfg, NOW);
    expect(found.map((a) => [a.type, a.run_id, a.duration_seconds])).toEqual([
      ['running_long', 'stuck', 180], // ratio 1.8
      ['slow_run', 'slow', 151], // ratio 1.51
    ]);
    expect(found[1]).toEqual({
      type: 'slow_run',
      dag_id: 'etl',
      task_id: null,
      run_id: 'slow',
      duration_seconds: 151,
      baseline_median_seconds: 100,
      baseline_mad_seconds: 5,
      samples: 5,
      ratio: 1.51,
      message: 'etl run slow took 0:02:31, usually 0:01:40',
    });
  });

  it('flags slow and long-running tasks once per task and run (slowest map index)', () => {
    const s = snapshot({
      baselineTasks,
      taskInstances: [
        ti('etl', 'r1', 'load', 'success', null, null, { durationSeconds: 20, mapIndex: 0 }),
        ti('etl', 'r1', 'load', 'success', null, null, { durationSeconds: 30, mapIndex: 1 }),
        ti('etl', 'r2', 'load', 'success', seconds(100), seconds(88)), // 12 s from dates: under 15.19
        ti('etl', 'r3', 'load', 'running', seconds(60)),
        ti('etl', 'r4', 'other', 'success', null, null, { durationSeconds: 1000 }), // no baseline
      ],
    });
    const found = detectAnomalies(s, cfg, NOW);
    expect(found.map((a) => [a.type, a.run_id, a.task_id, a.duration_seconds, a.ratio])).toEqual([
      ['running_long', 'r3', 'load', 60, 6], // 60 / 10
      ['slow_task', 'r1', 'load', 30, 3], // 30 / 10
    ]);
    expect(found[1]!.message).toBe('etl.load in r1 took 0:00:30, usually 0:00:10');
  });

  it('finds nothing without a baseline', () => {
    const s = snapshot({ runs: [run('etl', 'x', 'success', 600, 0)] });
    expect(detectAnomalies(s, cfg, NOW)).toEqual([]);
  });
});
