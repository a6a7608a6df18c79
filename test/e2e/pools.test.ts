// Given runs competing for the two-slot capstone_small pool, when airtop polls while two hold the slots and a
// third waits, then the pool's slots and utilization, the running runs, and the critical utilization
// threshold match SQL taken around the same poll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../source/report/types.js';
import { AirflowApi, type RunRef } from './support/api.js';
import { cliEnv, onceJson, writeConfig } from './support/cli.js';
import { expectFigures } from './support/compare.js';
import { CAPSTONE_DAGS, harness } from './support/context.js';
import { oracle, poolStates, type OracleFigures } from './support/oracle.js';
import { notYet, waitFor } from './support/wait.js';

const HOLD_SECONDS = 40;

describe('pool contention on capstone_small', () => {
  const api = AirflowApi.as('admin');
  let refs: RunRef[] = [];
  let report: Report;
  let code: number | null;
  let truth: OracleFigures;

  beforeAll(async () => {
    await api.waitQuiet();
    // Two runs hold both slots; then a third has to wait for one (it need not hold it long itself).
    const hold = { pool: 'capstone_small', sleep: { scan_sources: HOLD_SECONDS } };
    refs = await Promise.all([1, 2].map(() => api.trigger('capstone_ingestion_pipeline', hold)));
    const h = harness();
    const states = (want: (s: Record<string, number>) => boolean, what: string) =>
      waitFor(
        async () => {
          const now = await poolStates(h.dbUrl, 'capstone_small');
          return want(now) ? now : notYet(JSON.stringify(now));
        },
        { timeoutMs: 120_000, what },
      );
    await states((s) => s.running === 2, 'two tasks running in capstone_small');
    refs.push(await api.trigger('capstone_ingestion_pipeline', { pool: 'capstone_small' }));
    await states((s) => s.running === 2 && (s.scheduled ?? 0) >= 1, 'a third task waiting for a capstone_small slot');
    const env = cliEnv({ AIRFLOW_USERNAME: h.users.admin.username, AIRFLOW_PASSWORD: h.users.admin.password });
    const config = writeConfig({});
    // The figures move when a task ends: keep a poll only if SQL saw the same pools before and after it.
    await waitFor(
      async () => {
        const before = await oracle(h.dbUrl, new Date());
        const result = await onceJson<Report>(['--url', h.url, '--config', config], env);
        const after = await oracle(h.dbUrl, new Date(result.report.timestamp));
        const stable = JSON.stringify([before.pools, before.dags]) === JSON.stringify([after.pools, after.dags]);
        if (!stable) return notYet('the pool changed during the poll');
        if (after.pools.capstone_small?.used_slots !== 2)
          throw new Error(`the holders let go of capstone_small before a steady poll: ${JSON.stringify(after.pools)}`);
        ({ report, code } = result);
        truth = after;
        return true;
      },
      { timeoutMs: 120_000, intervalMs: 100, what: 'a poll while the pool is steady' },
    );
  }, 600_000);

  afterAll(async () => {
    // Leave no run holding the pool for the next test file.
    if (refs.length > 0) await api.waitForRuns(refs);
  }, 300_000);

  it('reports the pool full: slots, used, open, queued and utilization equal SQL', () => {
    expect(truth.pools.capstone_small).toMatchObject({ total_slots: 2, used_slots: 2, open_slots: 0, utilization: 1 });
    for (const [pool, expected] of Object.entries(truth.pools)) {
      expectFigures(
        report.resources.pools[pool] as unknown as Record<string, unknown>,
        { ...expected },
        `resources.pools.${pool}`,
      );
    }
  });

  it('fires pool_utilization_critical for capstone_small and is critical', () => {
    const finding = report.thresholds.violations.find(
      (v) => v.type === 'pool_utilization_critical' && v.pool === 'capstone_small',
    );
    expect(finding, JSON.stringify(report.thresholds)).toMatchObject({
      value: 1,
      threshold: 0.95,
      severity: 'critical',
    });
    expect(report.summary.overall).toBe('critical');
    expect(code).toBe(2);
  });

  it('counts the runs still running, as SQL does', () => {
    expect(truth.dags.capstone_ingestion_pipeline!.running_count).toBe(3);
    for (const dagId of CAPSTONE_DAGS) {
      expect(report.pipeline.dags[dagId]?.running_count, dagId).toBe(truth.dags[dagId]!.running_count);
      expect(report.pipeline.dags[dagId]?.runs_last_hour, dagId).toBe(truth.dags[dagId]!.runs_last_hour);
    }
  });
});
