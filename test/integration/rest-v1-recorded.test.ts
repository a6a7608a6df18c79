import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRecordings, normalisePath, type Recording } from '../helpers/recording.js';
import { startReplayServer } from '../helpers/replay.js';
import { AirflowError } from '../../source/airflow/errors.js';
import { createRestSource } from '../../source/airflow/rest/index.js';
import { restOptionsFor } from '../helpers/http.js';

// Airflow 2 over /api/v1, replayed from real Airflow 2.11 answers (fixtures/airflow/recorded/airflow2, written by
// test/e2e/record-v1.test.ts with RECORD=1): the HTML 404 its webserver gives /api/v2/version, HTTP Basic,
// windows on execution_date, `+00:00` datetimes, logs as one text blob, and 403 for a refused password.

const DIR = join(import.meta.dirname, '../../fixtures/airflow/recorded/airflow2');
const recorded = loadRecordings(DIR);
const DAGS = ['capstone_ingestion_pipeline', 'capstone_processing_pipeline', 'capstone_vector_store_pipeline'];
const RECENT = 3600;

interface V1Run {
  dag_id: string;
  dag_run_id: string;
  state: string;
  execution_date: string;
  start_date: string | null;
  end_date: string | null;
}

/** The window airtop asked for when it was recorded (its execution_date_gte), so the replay matches its requests. */
function recordedWindow(): { now: Date; runs: V1Run[] } {
  const windowRuns = recorded.find(
    (r) =>
      r.method === 'POST' &&
      r.path.endsWith('/dagRuns/list') &&
      (r.request as { execution_date_gte?: string } | undefined)?.execution_date_gte,
  );
  if (!windowRuns) throw new Error(`no window read of dagRuns/list in ${DIR}`);
  const since = Date.parse((windowRuns.request as { execution_date_gte: string }).execution_date_gte);
  return { now: new Date(since + RECENT * 1000), runs: (windowRuns.body as { dag_runs: V1Run[] }).dag_runs };
}

describe.runIf(recorded.length > 0)('Airflow 2.11 over /api/v1, replayed from recordings', () => {
  it('falls back from the HTML 404 of /api/v2/version, signs with HTTP Basic, and windows on execution_date', async () => {
    const v2 = recorded.find((r) => r.path === '/api/v2/version')!;
    expect(v2.status).toBe(404);
    expect(v2.contentType).toMatch(/text\/html/);
    const { now, runs } = recordedWindow();
    const replay = await startReplayServer(recorded);
    const source = await createRestSource(
      restOptionsFor(
        { url: replay.url, credentials: { username: 'admin', password: 'pw-for-basic' } },
        {
          dags: { ids: DAGS, patterns: [] },
          variables: ['capstone_cost_metrics'],
          clock: () => now,
          window: { recentSeconds: RECENT, baselineSeconds: 7 * 86400, baselineSamples: 50 },
        },
      ),
    );
    try {
      const snapshot = await source.snapshot(now);
      expect(source.api).toBe('v1');
      expect(snapshot.airflow).toEqual({ url: replay.url, version: '2.11.2', api: 'v1' });
      // Figures from the recorded bodies, counted here independently of the client.
      for (const dagId of DAGS) {
        const mine = runs.filter((r) => r.dag_id === dagId);
        const count = (state: string) => mine.filter((r) => r.state === state).length;
        expect(snapshot.window.dags[dagId], dagId).toMatchObject({
          dagId,
          runs: mine.length,
          success: count('success'),
          failed: count('failed'),
          running: count('running'),
        });
      }
      const newest = [...runs].sort((a, b) => Date.parse(b.execution_date) - Date.parse(a.execution_date))[0]!;
      expect(
        snapshot.runs.some(
          (r) => r.runId === newest.dag_run_id && r.runAfter === new Date(newest.execution_date).toISOString(),
        ),
      ).toBe(true);
      expect(snapshot.variables.capstone_cost_metrics?.status).toBe('ok');

      const api = replay.requests.filter(
        (r) => r.path.startsWith('/api/v1/') && !r.path.endsWith('/version') && !r.path.endsWith('/health'),
      );
      expect(api.length).toBeGreaterThan(0);
      const basic = `Basic ${Buffer.from('admin:pw-for-basic').toString('base64')}`;
      expect(api.every((r) => r.authorization === basic)).toBe(true);
      expect(replay.requests.some((r) => r.path === '/auth/token')).toBe(false);
      expect(replay.misses.filter((m) => !m.path.startsWith('/api/v1/variables/'))).toEqual([]);
    } finally {
      await source.close();
      await replay.close();
    }
  });

  it("reads a failed task's log from the Python repr Airflow 2 sends, one line per record", async () => {
    const logRecording = recorded.find((r) => r.path.includes('/logs/'))!;
    const [, , , , dagId, , runId, , taskId] = normalisePath(logRecording.path).split('/');
    const replay = await startReplayServer(recorded);
    const { now } = recordedWindow();
    const source = await createRestSource(
      restOptionsFor(
        { url: replay.url, credentials: { username: 'admin', password: 'pw' } },
        { dags: { ids: DAGS, patterns: [] }, clock: () => now },
      ),
    );
    try {
      const log = await source.taskLog({ dagId: dagId!, runId: runId!, taskId: taskId!, mapIndex: -1 }, 1);
      // Airflow 2 sends a Python repr of [(host, text)]: decoded, each log record is a line of its own.
      const failed = log.lines.find((line) => line.includes('capstone: download_documents fails as conf.fail asks'));
      expect(failed).toMatch(/^\[\d{4}-\d\d-\d\dT[\d:.]+\+0000\] \{/);
      expect(log.lines.length).toBeGreaterThan(10);
      expect(log.lines.some((line) => line.includes('\\n') || line.startsWith("[('"))).toBe(false);
    } finally {
      await source.close();
      await replay.close();
    }
  });

  it("turns Airflow 2's 403 for a refused password into an auth error that names the credentials", async () => {
    const refused = recorded.find((r) => r.path === '/api/v1/dags' && r.status === 403)!;
    expect(refused.body).toMatchObject({ status: 403, title: 'Forbidden', detail: null });
    // The real 403, answered to every authenticated request; version and health need no credentials.
    const only = recorded.filter((r) => ['/api/v2/version', '/api/v1/version', '/api/v1/health'].includes(r.path));
    const replay = await startReplayServer([
      ...only,
      ...['/api/v1/dags', '/api/v1/pools'].map((path): Recording => ({ ...refused, path, query: '' })),
    ]);
    const { now } = recordedWindow();
    const source = await createRestSource(
      restOptionsFor(
        { url: replay.url, credentials: { username: 'admin', password: 'not-the-password' } },
        { dags: { ids: DAGS, patterns: [] }, clock: () => now },
      ),
    );
    try {
      const error = await source.snapshot(now).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AirflowError);
      expect((error as AirflowError).kind).toBe('auth');
      expect((error as AirflowError).message).toMatch(
        /403 from .*\/api\/v1\/.*AIRFLOW_USERNAME \/ AIRFLOW_PASSWORD.*basic_auth/,
      );
      expect((error as AirflowError).message).not.toContain('not-the-password');
    } finally {
      await source.close();
      await replay.close();
    }
  });
});

describe('Airflow 2 log content', () => {
  it('decodes the repr of (host, text) tuples, escapes included, and leaves other text alone', async () => {
    const { pythonLogChunks, renderLogContent } = await import('../../source/airflow/rest/log-lines.js');
    expect(pythonLogChunks(`[('w1', 'a\\nb \\'q\\' \\\\ \\x41'), ("w2", "it's")]`)).toEqual(["a\nb 'q' \\ A", "it's"]);
    expect(renderLogContent(`[('w1', 'one\\ntwo\\n')]`)).toEqual(['one', 'two']);
    expect(pythonLogChunks('[2026-01-01] plain text')).toBeNull();
    expect(renderLogContent('plain\ntext\n')).toEqual(['plain', 'text']);
  });
});
