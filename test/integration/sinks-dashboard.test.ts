import { afterEach, describe, expect, it } from 'vitest';
import type { DagRun } from '../../source/airflow/types.js';
import { createDashboardSink } from '../../source/sinks/dashboard.js';
import { dashboardStatus } from '../../source/sinks/reference-shapes.js';
import { startDashboardReceiver, type Receiver } from '../helpers/receivers.js';
import { sampleReport, T0 } from '../unit/sinks/report-fixture.js';

// The reference's dashboard API (Bearer key, status payload), on loopback. Airflow's Variables: variables-write.test.ts.

let dashboard: Receiver<Record<string, unknown>> | null = null;
afterEach(async () => {
  await dashboard?.close();
  dashboard = null;
});

const run: DagRun = {
  dagId: 'capstone_ingestion_pipeline',
  runId: 'scheduled__2024-01-15T12:25:00+00:00',
  state: 'success',
  runType: 'scheduled',
  queuedAt: null,
  startDate: '2024-01-15T12:25:01.000Z',
  endDate: '2024-01-15T12:27:00.000Z',
  runAfter: '2024-01-15T12:25:00.000Z',
  logicalDate: '2024-01-15T12:25:00.000Z',
};

describe('dashboard sink', () => {
  it('POSTs the reference status payload with the Bearer key', async () => {
    dashboard = await startDashboardReceiver('s3cret-key');
    const sink = createDashboardSink({ url: dashboard.url, apiKey: 's3cret-key' });
    expect(await sink.deliver(dashboardStatus(sampleReport(), [run], 'capstone-document-processor', T0))).toEqual({
      ok: true,
    });
    expect(dashboard.accepted[0]).toMatchObject({
      pipeline_id: 'capstone-document-processor',
      // The reference's verdict on its own summary; airtop's, which counts the threshold violation, beside it.
      status: { overall: 'healthy', health_score: 95 },
      metrics: { quality: { embedding_quality: { avg_similarity: 0.86, min_similarity: 0.61, samples: 10 } } },
      recent_runs: [
        { dag_id: 'capstone_ingestion_pipeline', run_id: run.runId, state: 'success', execution_date: run.logicalDate },
      ],
      airtop_summary: {
        overall: 'critical',
        health_score: 95,
        alerts: [
          'capstone_ingestion_pipeline: success rate 85.0% below 90.0%',
          'pool default_pool: utilization 84.4% above 80.0%',
        ],
      },
    });
    expect(dashboard.requests[0]!.headers['content-type']).toBe('application/json');
  });

  it('a wrong key is permanent and says which setting to check, without the key', async () => {
    dashboard = await startDashboardReceiver('right-key');
    const result = await createDashboardSink({ url: dashboard.url, apiKey: 'wrong-key' }).deliver(
      dashboardStatus(sampleReport(), [], 'p', T0),
    );
    expect(result).toMatchObject({
      ok: false,
      permanent: true,
      reason: expect.stringMatching(/HTTP 401 .*check sinks\.dashboard\.api_key_env/),
    });
    expect(JSON.stringify(result)).not.toContain('wrong-key');
  });
});
