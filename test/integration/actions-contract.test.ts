// The action client against answers recorded from the real Airflow 3.3.2 (fixtures/airflow/recorded/actions:
// a failed capstone_processing_pipeline run cleared, marked and its DAG paused, as op and as viewer): every
// request it sends is one that was recorded (same method, path, query and body), every answer is read right;
// and the demo answers the same requests with every field the real Airflow sends.
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRequest } from '../../source/actions/types.js';
import { startDemoServer, type DemoServer } from '../../source/demo/index.js';
import { loadRecordings, normalisePath, normaliseQuery, type Recording } from '../helpers/recording.js';
import { startReplayServer, type ReplayServer } from '../helpers/replay.js';
import { createActionClient } from '../../source/airflow/rest/actions.js';
import { createRestSource, type RestSource } from '../../source/airflow/rest/index.js';
import { restOptionsFor } from '../helpers/http.js';

const DIR = join(import.meta.dirname, '../../fixtures/airflow/recorded/actions');
// Recorded as op, except the files named *viewer*.
const all = loadRecordings(DIR).map((r) => ({ ...r, user: r.file?.includes('viewer') ? 'viewer' : 'op' }));
const VERSION: Recording = {
  method: 'GET',
  path: '/api/v2/version',
  query: '',
  status: 200,
  body: { version: '3.3.2', git_version: null },
};
const DAG = 'capstone_processing_pipeline';
const RUN = (all.find((r) => r.file?.endsWith('clear_task_dry_run.json'))!.request as { dag_run_id: string })
  .dag_run_id;
const task = { dagId: DAG, runId: RUN, taskId: 'generate_summary', mapIndex: -1 };

interface Side {
  replay: ReplayServer;
  source: RestSource;
}
const sides: Record<'op' | 'viewer', Side> = {} as never;

beforeAll(async () => {
  for (const user of ['op', 'viewer'] as const) {
    // Identical requests answered differently by role: one replay server per user.
    const replay = await startReplayServer([VERSION, ...all.filter((r) => r.user === user)]);
    const source = await createRestSource(
      restOptionsFor({ url: replay.url, credentials: { username: user, password: `${user}-pw` } }, { retries: 0 }),
    );
    sides[user] = { replay, source };
  }
});
afterAll(async () => {
  for (const side of Object.values(sides)) {
    await side.source.close();
    await side.replay.close();
  }
});

const client = (user: 'op' | 'viewer') => createActionClient(sides[user].source, { role: async () => user });

/** Every write the client sent was recorded with exactly that body. */
function expectAllRecorded(user: 'op' | 'viewer') {
  for (const sent of sides[user].replay.requests.filter((r) => r.method !== 'GET' && r.path !== '/auth/token')) {
    const match = all.find(
      (r) =>
        r.user === user &&
        r.method === sent.method &&
        normalisePath(r.path) === normalisePath(sent.path) &&
        r.query === normaliseQuery(sent.query) &&
        isDeepStrictEqual(r.request, sent.body),
    );
    expect(match, `${sent.method} ${sent.path}?${sent.query} ${JSON.stringify(sent.body)}`).toBeDefined();
  }
}

describe('the action client on recorded Airflow 3.3.2 answers', () => {
  it('reads the dry runs: clear a task (+downstream), clear a run (failed only), mark a task', async () => {
    const clear = await client('op').preview({
      verb: 'clearTask',
      task,
      downstream: true,
      upstream: false,
      onlyFailed: false,
    });
    expect(clear).toEqual({
      status: 'ready',
      total: 2,
      items: [
        { ...task, state: 'failed' },
        { ...task, taskId: 'classify_document', state: 'upstream_failed' },
      ],
    });
    const run = await client('op').preview({ verb: 'clearRun', dagId: DAG, runId: RUN, onlyFailed: true });
    expect(run.status === 'ready' && run.items.map((i) => `${i.taskId}:${i.state}`).sort()).toEqual([
      'classify_document:upstream_failed',
      'generate_summary:failed',
    ]);
    expect(await client('op').preview({ verb: 'markTask', task, state: 'success', downstream: false })).toMatchObject({
      status: 'ready',
      total: 1,
      items: [{ taskId: 'generate_summary', state: 'failed' }],
    });
    expectAllRecorded('op');
  });

  it('reads the answers of the real calls', async () => {
    const calls: [ActionRequest, string][] = [
      [
        { verb: 'clearTask', task, downstream: true, upstream: false, onlyFailed: false },
        'Airflow cleared 2 task instances',
      ],
      [{ verb: 'markTask', task, state: 'success', downstream: false }, 'Airflow marked success 1 task instance'],
      [{ verb: 'markRun', dagId: DAG, runId: RUN, state: 'success' }, 'Airflow set the run to success'],
      // Recorded after the run was marked success: nothing failed is left, so it stays success.
      [{ verb: 'clearRun', dagId: DAG, runId: RUN, onlyFailed: true }, 'Airflow cleared the run (now success)'],
      [{ verb: 'pause', dagId: 'capstone_ingestion_pipeline', paused: true }, 'Airflow says the DAG is paused'],
      [{ verb: 'pause', dagId: 'capstone_ingestion_pipeline', paused: false }, 'Airflow says the DAG is active'],
    ];
    for (const [req, message] of calls)
      expect(await client('op').apply(req), req.verb).toMatchObject({ ok: true, status: 200, message });
    const trigger = await client('op').apply({
      verb: 'trigger',
      dagId: 'capstone_ingestion_pipeline',
      conf: { sleep: { scan_sources: 0 } },
      note: 'recorded by airtop',
    });
    expect(trigger.message).toMatch(/^Airflow created run manual__\S+ \(queued\)$/);
    expectAllRecorded('op');
  });

  it('says why in words: the viewer is refused (403), the probe learns op and viewer apart (404 / 403)', async () => {
    expect(
      await client('viewer').preview({ verb: 'clearTask', task, downstream: true, upstream: false, onlyFailed: false }),
    ).toEqual({
      status: 'error',
      reason: 'your role (viewer) cannot clear task instances; it needs op (or user, admin)',
    });
    expect(await client('viewer').probe(DAG)).toMatchObject({
      allowed: false,
      reason: 'your Airflow role (viewer) may only read: clear, mark, trigger and pause need op',
    });
    expect(await client('op').probe(DAG)).toMatchObject({ allowed: true, reason: null });
    expectAllRecorded('viewer');
  });
});

describe('the demo answers the action endpoints with the real fields', () => {
  let demo: DemoServer;
  beforeAll(async () => {
    demo = await startDemoServer();
  });
  afterAll(async () => {
    await demo.close();
  });

  const keys = (value: unknown) => Object.keys(value as object).sort();
  const recorded = (name: string) => all.find((r) => r.file?.endsWith(`${name}.json`))!.body as Record<string, unknown>;

  it('TaskInstanceResponse in dry runs, DAGRunResponse from a trigger, DAGResponse from a pause, the 403 and 422 bodies', async () => {
    const source = await createRestSource(restOptionsFor(demo, { clock: () => new Date() }));
    try {
      const failedRun = (await source.dagRuns('ml_feature_refresh', 100)).find((r) => r.state === 'failed')!;
      const dry = await source.request({
        method: 'POST',
        path: '/api/v2/dags/ml_feature_refresh/clearTaskInstances',
        body: { dry_run: true, dag_run_id: failedRun.runId, only_failed: true },
      });
      const realTi = (recorded('clear_task_dry_run').task_instances as unknown[])[0];
      const demoTi = (dry.body as { task_instances: unknown[] }).task_instances[0];
      expect(keys(demoTi)).toEqual(expect.arrayContaining(keys(realTi)));
      const run = await source.request({
        method: 'POST',
        path: '/api/v2/dags/etl_daily_sales/dagRuns',
        body: { logical_date: null, conf: { a: 1 } },
      });
      expect(keys(run.body)).toEqual(expect.arrayContaining(keys(recorded('trigger'))));
      const dag = await source.request({
        method: 'PATCH',
        path: '/api/v2/dags/etl_daily_sales',
        query: { update_mask: 'is_paused' },
        body: { is_paused: true },
      });
      expect(keys(dag.body).filter((k) => k !== 'timetable_type')).toEqual(
        expect.arrayContaining(
          keys(recorded('pause')).filter(
            (k) =>
              ![
                'is_favorite',
                'timetable_type',
                'dag_run_timeout',
                'latest_dag_version',
                'active_runs_count',
                'deadlines',
                'default_args',
                'is_paused_upon_creation',
                'asset_expression',
                'catchup',
                'concurrency',
                'doc_md',
                'end_date',
                'fail_fast',
                'has_on_failure_callback',
                'has_on_success_callback',
                'last_parse_duration',
                'max_active_tasks',
                'params',
                'render_template_as_native_obj',
                'start_date',
                'template_search_path',
                'timezone',
              ].includes(k),
          ),
        ),
      );
      const bad = await source.request({
        method: 'POST',
        path: '/api/v2/dags/etl_daily_sales/dagRuns',
        body: { logical_date: null, conf: [1] },
        expect: [422],
      });
      expect((bad.body as { detail: { loc: string[] }[] }).detail[0]!.loc).toEqual(
        (recorded('trigger_bad_conf_422').detail as { loc: string[] }[])[0]!.loc,
      );
    } finally {
      await source.close();
    }
  });
});
