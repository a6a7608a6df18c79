import { describe, expect, it } from 'vitest';
import { escalationLevel, slaMisses } from '../../../source/engines/sla.js';
import { at, config, NOW, run, ti } from '../../helpers/snapshot.js';

// NOW is 12:30 UTC. Reference SLAs: ingestion default 1 h, scan_sources 5 min, download_documents 30 min;
// vector store default 30 min, generate_embeddings 20 min, upsert_vectors 10 min.
const ING = 'capstone_ingestion_pipeline';
const VEC = 'capstone_vector_store_pipeline';
const sla = config().sla;

describe('escalationLevel (_determine_escalation_level)', () => {
  it.each([
    [0, 1],
    [1800, 1], // 30 min is not > 30 min
    [1801, 2],
    [3600, 2], // 1 h is not > 1 h
    [3601, 3],
  ])('%d s late → level %d', (seconds, level) => {
    expect(escalationLevel(seconds, sla)).toBe(level);
  });
});

describe('slaMisses', () => {
  // Run started 11:00 (90 min ago), still running.
  const ingestRun = run(ING, 'r1', 'running', 90);
  const ingestTasks = [
    ti(ING, 'r1', 'scan_sources', 'success', 90, 72.5), // ended 11:17:30; deadline 11:05
    ti(ING, 'r1', 'download_documents', 'running', 70), // started 11:20; deadline 11:00 + 30 min = 11:30
    ti(ING, 'r1', 'process', null, null),
  ];

  it('finds task and DAG misses with the reference notification fields, latest first', () => {
    const misses = slaMisses([ingestRun], ingestTasks, sla, NOW);
    expect(misses.map((m) => [m.task_id, m.lateness_seconds, m.escalation_level])).toEqual([
      ['download_documents', 3600, 2], // 12:30 − 11:30, still running
      [null, 1800, 1], // whole run: 12:30 − (11:00 + 1 h)
      ['scan_sources', 750, 1], // 11:17:30 − 11:05
    ]);
    expect(misses[0]).toEqual({
      type: 'sla_miss',
      scope: 'task',
      severity: 'high',
      escalation_level: 2,
      channels: ['slack', 'email'],
      dag_id: ING,
      task_id: 'download_documents',
      run_id: 'r1',
      execution_date: at(90),
      expected_end: '2024-01-15T11:30:00.000Z',
      lateness_seconds: 3600,
      lateness_human: '1:00:00',
      blocking_tasks: 'download_documents,process',
      ongoing: true,
      timestamp: NOW.toISOString(),
      message: `SLA missed for ${ING}.download_documents (late by 1:00:00)`,
    });
    expect(misses[1]).toMatchObject({
      scope: 'dag',
      task_id: null,
      severity: 'warning',
      channels: ['slack'],
      message: `SLA missed for ${ING} (late by 0:30:00)`,
    });
    expect(misses[2]).toMatchObject({
      ongoing: false,
      lateness_human: '0:12:30',
      message: `SLA missed for ${ING}.scan_sources (late by 0:12:30)`,
    });
  });

  it('counts a task SLA from the task start with sla.from_task_start', () => {
    const fromTask = config({ sla: { from_task_start: true } }).sla;
    const download = slaMisses([ingestRun], ingestTasks, fromTask, NOW).find((m) => m.task_id === 'download_documents');
    expect(download).toMatchObject({ lateness_seconds: 2400, escalation_level: 2 }); // 12:30 − (11:20 + 30 min)
    // the never-started task has no start to count from
    expect(slaMisses([ingestRun], ingestTasks, fromTask, NOW).some((m) => m.task_id === 'process')).toBe(false);
  });

  it('escalates to level 3 with every channel after an hour', () => {
    const misses = slaMisses([run(VEC, 'v1', 'running', 150)], [], sla, NOW); // 10:00 + 30 min → 2 h late
    expect(misses).toEqual([
      expect.objectContaining({
        scope: 'dag',
        escalation_level: 3,
        severity: 'critical',
        channels: ['slack', 'email', 'pagerduty'],
        lateness_human: '2:00:00',
      }),
    ]);
  });

  it('reports nothing for work on time, runs not started, and DAGs without an SLA', () => {
    const onTime = run(VEC, 'v2', 'success', 60, 40); // 20 min < 30 min
    const queued = run(VEC, 'v3', 'queued', null);
    const other = run('someone_else', 'x', 'running', 600);
    const tasks = [ti(VEC, 'v2', 'generate_embeddings', 'success', 60, 45)]; // 15 min < 20 min
    expect(slaMisses([onTime, queued, other], tasks, sla, NOW)).toEqual([]);
  });

  it('stops the clock for tasks left unfinished in a finished run', () => {
    // run 11:00 → 11:10 failed; generate_embeddings never ran: its deadline 11:20 is after the run ended
    const failed = run(VEC, 'v4', 'failed', 90, 80);
    expect(slaMisses([failed], [ti(VEC, 'v4', 'generate_embeddings', null, null)], sla, NOW)).toEqual([]);
    // the same task in a run still going is 12:30 − 11:20 = 70 min late
    const going = run(VEC, 'v5', 'running', 90);
    const misses = slaMisses([going], [ti(VEC, 'v5', 'generate_embeddings', 'up_for_retry', 85)], sla, NOW);
    expect(misses.find((m) => m.task_id === 'generate_embeddings')).toMatchObject({
      lateness_seconds: 4200,
      escalation_level: 3,
      ongoing: true,
    });
  });

  it('treats the map indices of a task as one: late while any is unfinished', () => {
    const r = run(VEC, 'v6', 'running', 25);
    const mapped = [
      ti(VEC, 'v6', 'upsert_vectors', 'success', 25, 20, { mapIndex: 0 }),
      ti(VEC, 'v6', 'upsert_vectors', 'running', 25, null, { mapIndex: 1 }),
    ];
    // deadline 12:05 + 10 min = 12:15 → 15 min late, one miss, not two
    expect(slaMisses([r], mapped, sla, NOW)).toEqual([
      expect.objectContaining({
        task_id: 'upsert_vectors',
        lateness_seconds: 900,
        ongoing: true,
        blocking_tasks: 'upsert_vectors',
      }),
    ]);
  });

  it('uses run_after as the execution date when the logical date is null, and formats days like Python', () => {
    // started 2024-01-14 10:24:56, 1 day 2:05:04 before NOW
    const r = run(ING, 'manual', 'running', '2024-01-14T10:24:56Z', null, {
      logicalDate: null,
      runAfter: '2024-01-14T09:00:00Z',
    });
    const [miss] = slaMisses([r], [], sla, NOW);
    expect(miss!.execution_date).toBe('2024-01-14T09:00:00Z');
    // deadline = start + 1 h default → 1 day, 1:05:04 late
    expect(miss!.lateness_human).toBe('1 day, 1:05:04');
  });
});
