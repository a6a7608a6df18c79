import { describe, expect, it } from 'vitest';
import { aggregateWindow } from '../../../source/airflow/aggregate.js';
import { percentileLinear } from '../../../source/numbers.js';
import type { DagRun, TaskInstance } from '../../../source/airflow/types.js';

const SINCE = '2025-06-01T11:00:00.000Z';
const at = (minute: number, second = 0) =>
  new Date(Date.parse('2025-06-01T11:00:00Z') + minute * 60_000 + second * 1000).toISOString();

function run(dagId: string, runAfter: string, state: string, start: string | null, end: string | null): DagRun {
  return {
    dagId,
    runId: `r_${runAfter}_${state}`,
    state,
    runType: 'scheduled',
    queuedAt: null,
    startDate: start,
    endDate: end,
    runAfter,
    logicalDate: runAfter,
  };
}

function ti(
  taskId: string,
  state: string | null,
  tryNumber: number,
  start: string | null,
  end: string | null,
  dagId = 'd',
): TaskInstance {
  return {
    dagId,
    runId: 'r',
    taskId,
    mapIndex: -1,
    state,
    tryNumber,
    maxTries: 1,
    startDate: start,
    endDate: end,
    durationSeconds: null,
    pool: 'default_pool',
    poolSlots: 1,
    queue: 'default',
    operator: 'PythonOperator',
    queuedWhen: null,
  };
}

describe('percentileLinear (numpy default)', () => {
  it('interpolates between ranks', () => {
    // numpy.percentile([100, 200, 300, 400], 95): position 2.85 → 300 + 0.85 × 100 = 385
    expect(percentileLinear([400, 100, 300, 200], 95)).toBeCloseTo(385, 10);
    // numpy.percentile([10, 20], 95) = 19.5
    expect(percentileLinear([10, 20], 95)).toBeCloseTo(19.5, 10);
    expect(percentileLinear([42], 95)).toBe(42);
    expect(percentileLinear([], 95)).toBe(0);
  });
});

describe('aggregateWindow: collect_pipeline_metrics', () => {
  const runs: DagRun[] = [
    run('d', at(-1), 'success', at(-1), at(0)), // before the window: ignored
    run('d', at(0), 'success', at(0), at(2)), // 120 s
    run('d', at(10), 'success', at(10), at(15)), // 300 s
    run('d', at(20), 'success', at(20), null), // success without end date: counted, no duration
    run('d', at(30), 'failed', at(30), at(31)),
    run('d', at(40), 'running', at(40), null),
    run('d', at(50), 'queued', null, null),
    run('other', at(5), 'success', at(5), at(6)), // not selected
  ];

  it('counts runs by state and averages successful durations with both dates', () => {
    const { dags } = aggregateWindow(runs, [], SINCE, ['d', 'idle']);
    expect(dags.d).toEqual({
      dagId: 'd',
      runs: 6,
      success: 3,
      failed: 1,
      running: 1,
      queued: 1,
      avgSuccessDurationSeconds: 210, // (120 + 300) / 2
      p95SuccessDurationSeconds: 291, // 120 + 0.95 × 180
    });
    expect(Object.keys(dags)).toEqual(['d', 'idle']);
  });

  it('lists a selected DAG with no runs with zeros', () => {
    const { dags } = aggregateWindow(runs, [], SINCE, ['idle']);
    expect(dags.idle).toEqual({
      dagId: 'idle',
      runs: 0,
      success: 0,
      failed: 0,
      running: 0,
      queued: 0,
      avgSuccessDurationSeconds: 0,
      p95SuccessDurationSeconds: 0,
    });
  });

  it('accepts +00:00 offsets like Airflow 2 writes them', () => {
    const v1 = [
      run('d', '2025-06-01T11:30:00+00:00', 'success', '2025-06-01T11:30:00+00:00', '2025-06-01T11:31:30.500000+00:00'),
    ];
    expect(aggregateWindow(v1, [], SINCE, ['d']).dags.d?.avgSuccessDurationSeconds).toBeCloseTo(90.5, 6);
  });
});

describe('aggregateWindow: collect_task_metrics', () => {
  const tis: TaskInstance[] = [
    ti('a', 'success', 1, at(0), at(1)), // 60 s
    ti('a', 'success', 3, at(5), at(8)), // 180 s, 2 retries
    ti('a', 'failed', 2, at(9), at(10)), // 1 retry
    ti('a', 'running', 1, at(11), null),
    ti('a', 'success', 1, at(-5), at(-4)), // started before the window: ignored
    ti('a', null, 0, null, null), // never started: ignored
    ti('b', 'upstream_failed', 0, at(12), at(12)),
    ti('a', 'success', 1, at(1), at(2), 'not_selected'),
  ];

  it('keys by dag.task and follows the reference formulas', () => {
    const { tasks } = aggregateWindow([], tis, SINCE, ['d']);
    expect(tasks['d.a']).toEqual({
      dagId: 'd',
      taskId: 'a',
      total: 4,
      success: 2,
      failed: 1,
      retries: 3,
      avgDurationSeconds: 120,
      maxDurationSeconds: 180,
    });
    expect(tasks['d.b']).toEqual({
      dagId: 'd',
      taskId: 'b',
      total: 1,
      success: 0,
      failed: 0,
      retries: 0,
      avgDurationSeconds: 0,
      maxDurationSeconds: 0,
    });
    expect(Object.keys(tasks).sort()).toEqual(['d.a', 'd.b']);
  });
});

describe('non-finite input', () => {
  it("a run with an unreadable end time gives finite figures, as the engines' number helpers promise", () => {
    const { dags } = aggregateWindow([run('d', at(1), 'success', at(1), 'not a date')], [], SINCE, ['d']);
    expect(dags.d).toMatchObject({ runs: 1, success: 1, avgSuccessDurationSeconds: 0, p95SuccessDurationSeconds: 0 });
  });
});
