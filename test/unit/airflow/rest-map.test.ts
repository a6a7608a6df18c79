import { describe, expect, it } from 'vitest';
import { AirflowError } from '../../../source/airflow/errors.js';
import { parseBody, toHealth, toPool, toRun, toTaskInstance } from '../../../source/airflow/rest/map.js';
import {
  healthSchema,
  poolSchema,
  runListSchema,
  runSchema,
  taskInstanceSchema,
} from '../../../source/airflow/rest/schemas.js';

describe('Airflow 3 (/api/v2) shapes', () => {
  it('maps a run, normalising times and keeping unknown extra fields out', () => {
    const run = toRun(
      parseBody(
        runSchema,
        {
          dag_run_id: 'manual__2025-06-01T12:00:00.123456+00:00',
          dag_id: 'd',
          logical_date: null,
          queued_at: '2025-06-01T12:00:00.123456Z',
          start_date: '2025-06-01T12:00:01Z',
          end_date: null,
          run_after: '2025-06-01T12:00:00.123456Z',
          run_type: 'manual',
          state: 'running',
          brand_new_field: { anything: true },
        },
        'test',
      ),
    );
    expect(run).toEqual({
      dagId: 'd',
      runId: 'manual__2025-06-01T12:00:00.123456+00:00',
      state: 'running',
      runType: 'manual',
      queuedAt: '2025-06-01T12:00:00.123Z',
      startDate: '2025-06-01T12:00:01.000Z',
      endDate: null,
      runAfter: '2025-06-01T12:00:00.123Z',
      logicalDate: null,
    });
  });

  it('keeps task states it has never heard of', () => {
    const ti = toTaskInstance(
      parseBody(
        taskInstanceSchema,
        {
          dag_id: 'd',
          dag_run_id: 'r',
          task_id: 't',
          map_index: -1,
          state: 'awaiting_input',
          try_number: 1,
          max_tries: 0,
          start_date: null,
          end_date: null,
          pool: 'p',
          pool_slots: 1,
          queue: 'q',
          operator: 'Op',
        },
        'test',
      ),
    );
    expect(ti.state).toBe('awaiting_input');
    expect(ti.tryNumber).toBe(1);
  });

  it('maps pools and health', () => {
    expect(
      toPool(
        parseBody(
          poolSchema,
          {
            name: 'p',
            slots: 4,
            occupied_slots: 4,
            running_slots: 3,
            queued_slots: 1,
            scheduled_slots: 2,
            deferred_slots: 0,
            open_slots: 0,
            include_deferred: false,
          },
          't',
        ),
      ),
    ).toEqual({
      name: 'p',
      slots: 4,
      occupiedSlots: 4,
      runningSlots: 3,
      queuedSlots: 1,
      scheduledSlots: 2,
      deferredSlots: 0,
      openSlots: 0,
    });
    const health = toHealth(
      parseBody(
        healthSchema,
        {
          metadatabase: { status: 'healthy' },
          scheduler: { status: 'unhealthy', latest_scheduler_heartbeat: '2025-06-01T11:59:00+00:00' },
          triggerer: { status: null, latest_triggerer_heartbeat: null },
          dag_processor: null,
        },
        't',
      ),
    );
    expect(health.scheduler).toEqual({ status: 'unhealthy', latestHeartbeat: '2025-06-01T11:59:00.000Z' });
    expect(health.triggerer.status).toBeNull();
    expect(health.dagProcessor).toEqual({ status: null, latestHeartbeat: null });
  });
});

describe('Airflow 2 (/api/v1) shapes', () => {
  it('windows a run on execution_date when there is no run_after', () => {
    const run = toRun(
      parseBody(
        runSchema,
        {
          dag_run_id: 'scheduled__x',
          dag_id: 'd',
          execution_date: '2025-06-01T11:00:00+00:00',
          logical_date: '2025-06-01T11:00:00+00:00',
          start_date: '2025-06-01T11:00:02+00:00',
          end_date: '2025-06-01T11:01:02+00:00',
          state: 'success',
          run_type: 'scheduled',
          external_trigger: false,
        },
        't',
      ),
    );
    expect(run.runAfter).toBe('2025-06-01T11:00:00.000Z');
    expect(run.endDate).toBe('2025-06-01T11:01:02.000Z');
  });
  it('reads used_slots as running slots on older pools', () => {
    expect(
      toPool(parseBody(poolSchema, { name: 'p', slots: 10, used_slots: 3, queued_slots: 2, open_slots: 5 }, 't')),
    ).toMatchObject({ runningSlots: 3, occupiedSlots: 5, openSlots: 5 });
  });

  it('absurd slot counts whose sum overflows give 0, never Infinity (found by the fuzz suite)', () => {
    const pool = toPool(
      parseBody(poolSchema, { name: 'p', slots: 10, running_slots: -1e308, queued_slots: -1e308 }, 't'),
    );
    expect(pool.occupiedSlots).toBe(0);
    expect(pool.openSlots).toBe(10);
  });
});

describe('parseBody', () => {
  it('names the endpoint and the field that did not fit', () => {
    try {
      parseBody(
        runListSchema,
        { dag_runs: [{ dag_id: 'd', dag_run_id: 'r', state: 'success', start_date: 'yesterday' }], total_entries: 1 },
        'http://af/api/v2/dags/~/dagRuns/list',
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AirflowError);
      expect((error as AirflowError).kind).toBe('bad_response');
      expect((error as AirflowError).message).toMatch(
        /http:\/\/af\/api\/v2\/dags\/~\/dagRuns\/list returned an unexpected shape at dag_runs\.0\.start_date/,
      );
    }
  });
});
