import { describe, expect, it } from 'vitest';
import { pipelineMetrics } from '../../../source/engines/pipeline.js';
import { poolMetrics } from '../../../source/engines/pools.js';
import { taskMetrics } from '../../../source/engines/tasks.js';
import { dagStats, pool, snapshot, taskStats } from '../../helpers/snapshot.js';

describe('pipelineMetrics (collect_pipeline_metrics)', () => {
  it('gives success rate, durations and the baseline mean per DAG', () => {
    const s = snapshot({
      windowDags: [
        dagStats('ingest', {
          runs: 10,
          success: 9,
          failed: 1,
          running: 0,
          avgSuccessDurationSeconds: 120,
          p95SuccessDurationSeconds: 150,
        }),
        dagStats('idle'),
      ],
      baselineDags: { ingest: [100, 200, 300] },
    });
    expect(pipelineMetrics(s)).toEqual({
      ingest: {
        runs_last_hour: 10,
        success_count: 9,
        failed_count: 1,
        running_count: 0,
        success_rate: 0.9, // 9 / 10
        avg_duration_seconds: 120,
        p95_duration_seconds: 150,
        baseline_avg_duration_seconds: 200, // (100 + 200 + 300) / 3
      },
      idle: {
        runs_last_hour: 0,
        success_count: 0,
        failed_count: 0,
        running_count: 0,
        success_rate: 1.0, // no runs: the reference's 1.0
        avg_duration_seconds: 0,
        p95_duration_seconds: 0,
        baseline_avg_duration_seconds: null,
      },
    });
  });

  it('reports a selected DAG that has no window stats, and ignores non-finite baseline samples', () => {
    const s = snapshot({ baselineDags: { quiet: [10, Number.NaN, 30, -1] } });
    s.dags = [{ dagId: 'quiet', isPaused: false, tags: [], owners: [] }];
    const m = pipelineMetrics(s).quiet!;
    expect(m.success_rate).toBe(1);
    expect(m.baseline_avg_duration_seconds).toBe(20); // (10 + 30) / 2
  });

  it('counts only finished runs in the success rate (the reference also counted running ones)', () => {
    const s = snapshot({
      windowDags: [
        dagStats('busy', { runs: 4, success: 2, failed: 1, running: 1 }),
        dagStats('starting', { runs: 1, running: 1 }),
      ],
    });
    expect(pipelineMetrics(s).busy!.success_rate).toBeCloseTo(2 / 3); // 2 / (2 + 1); the reference: 2 / 4
    expect(pipelineMetrics(s).starting!.success_rate).toBe(1); // nothing finished yet
  });

  it('keeps success_rate in [0, 1] with inconsistent counts', () => {
    const s = snapshot({ windowDags: [dagStats('odd', { runs: 2, success: 5, failed: 0 })] });
    expect(pipelineMetrics(s).odd!.success_rate).toBe(1);
  });
});

describe('taskMetrics (collect_task_metrics)', () => {
  it('maps window stats onto the reference keys', () => {
    const s = snapshot({
      windowTasks: [
        taskStats('ingest.scan', {
          total: 4,
          success: 3,
          failed: 1,
          retries: 2,
          avgDurationSeconds: 5,
          maxDurationSeconds: 9,
        }),
      ],
    });
    expect(taskMetrics(s.window)).toEqual({
      'ingest.scan': { total: 4, success: 3, failed: 1, retries: 2, avg_duration: 5, max_duration: 9 },
    });
  });

  it('never passes NaN through', () => {
    const s = snapshot({
      windowTasks: [taskStats('a.b', { total: Number.NaN, avgDurationSeconds: Number.POSITIVE_INFINITY })],
    });
    expect(taskMetrics(s.window)['a.b']).toMatchObject({ total: 0, avg_duration: 0 });
  });
});

describe('poolMetrics (collect_resource_metrics)', () => {
  it.each([
    // occupied / slots = 32 / 128
    [
      pool('default_pool', 128, 32),
      { total_slots: 128, open_slots: 96, used_slots: 32, queued_slots: 0, utilization: 0.25 },
    ],
    // unlimited (-1) pool: utilization 0, not a negative ratio
    [
      pool('unlimited', -1, 5, { openSlots: Number.POSITIVE_INFINITY }),
      { total_slots: -1, open_slots: -1, used_slots: 5, queued_slots: 0, utilization: 0 },
    ],
    // zero slots: 0, not a division by zero
    [pool('empty', 0, 0), { total_slots: 0, open_slots: 0, used_slots: 0, queued_slots: 0, utilization: 0 }],
    // shrunk below its running tasks: 6 / 4 = 1.5, kept so that the critical check sees it
    [
      pool('shrunk', 4, 6, { queuedSlots: 2 }),
      { total_slots: 4, open_slots: -2, used_slots: 6, queued_slots: 2, utilization: 1.5 },
    ],
  ])('%o', (p, expected) => {
    expect(poolMetrics([p])[p.name]).toEqual(expected);
  });
});
