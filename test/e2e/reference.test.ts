// Airflow 2.11 only. The reference's own five DAGs (fixtures/reference, patched to run) are the oracle: after a
// scenario of pipeline runs (successes, failures, retries), its monitoring, metrics collector, quality tracker
// and API reporter run on the real Airflow, computing from the real metadata DB and Variables and posting to
// loopback receivers; then `airtop --once --json` reads the same Airflow, and every figure the reference
// computed is compared with airtop's. A disagreement must be one fixtures/reference/differences.yaml lists
// (README "Where airtop differs"); the test prints `N of M figures agree with the reference`. Then two more
// scenarios feed the same count: the ML edge cases (reference/edge.ts) and Airflow 2's own SLA check calling
// the reference's SLA handler (reference/sla.ts).
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Report } from '../../source/report/types.js';
import { startDashboardReceiver, startSlackReceiver, type Receiver } from '../helpers/receivers.js';
import { AirflowApi, type RunRef } from './support/api.js';
import { cliEnv, onceJson, writeConfig } from './support/cli.js';
import { harness } from './support/context.js';
import { doc } from './support/documents.js';
import { withDb } from './support/oracle.js';
import {
  figuresOf,
  findingFigures,
  judge,
  loadDifferences,
  nestedFigures,
  type Figure,
  type Verdict,
} from './reference/figures.js';
import { edgeFigures, withEdgeVariables } from './reference/edge.js';
import {
  missedDates,
  pauseSlaDag,
  runSlaScenario,
  SLA_DAG,
  SLA_CONFIG,
  SLA_PROBE_CONFIG,
  slaFigures,
  slackSlaMisses,
  type HistoryEntry,
} from './reference/sla.js';

const execFileAsync = promisify(execFile);
const DASHBOARD_KEY = 'airtop-e2e-dashboard-key';
const FIRST = ['capstone_monitoring', 'capstone_metrics_collector', 'capstone_quality_tracker'];
const REPORTER = 'capstone_api_reporter';

/** A Pushgateway stand-in: records every push (the reference POSTs text to /metrics/job/<job>). */
async function startCapture(): Promise<{
  url: string;
  bodies: { path: string; body: string }[];
  close(): Promise<void>;
}> {
  const bodies: { path: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push({ path: req.url ?? '/', body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** A task's return value, as the reference's DAG run stored it (XCom JSON in the metadata DB). */
async function xcom(dagId: string, runId: string, taskId: string): Promise<Record<string, unknown>> {
  return withDb(harness().dbUrl, async (db) => {
    const { rows } = await db.query(
      `SELECT value FROM xcom WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND key = 'return_value' AND map_index = -1`,
      [dagId, runId, taskId],
    );
    if (rows.length === 0) throw new Error(`no XCom return_value for ${dagId}.${taskId} in ${runId}`);
    return JSON.parse(Buffer.from(rows[0].value as Buffer).toString('utf8')) as Record<string, unknown>;
  });
}

/**
 * Runs the DAG once with `airflow dags test` (in one process, no scheduler: the DAGs stay paused, so no
 * scheduled run races this one over the same Variables) and returns the run it created.
 */
async function runReferenceDag(api: AirflowApi, dagId: string): Promise<RunRef & { state: string }> {
  const h = harness();
  const result = await execFileAsync('airflow', ['dags', 'test', dagId], {
    env: { ...process.env, ...h.env },
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => ({
    stdout: error.stdout ?? '',
    stderr: `${error.stderr ?? ''}\n${error.message}`,
  }));
  const { dag_runs } = await api.ok<{ dag_runs: { dag_run_id: string; state: string }[] }>(
    'GET',
    `/api/v1/dags/${dagId}/dagRuns?order_by=-execution_date&limit=1`,
  );
  const run = dag_runs[0];
  if (!run) throw new Error(`airflow dags test ${dagId} left no run:\n${result.stderr.slice(-3000)}`);
  if (run.state !== 'success')
    process.stderr.write(
      `airflow dags test ${dagId}: ${run.state}\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}\n`,
    );
  return { dagId, runId: run.dag_run_id, state: run.state };
}

describe.runIf(inject('airflow').major === 2)('the reference itself, on Airflow 2.11, against airtop', () => {
  const api = AirflowApi.as('admin');
  let slack: Receiver<Record<string, unknown>>;
  let dashboard: Receiver<Record<string, unknown>>;
  let pushgateway: Awaited<ReturnType<typeof startCapture>>;
  const runs: Record<string, RunRef & { state: string }> = {};
  let report: Report;
  let verdict: Verdict;
  let figures: Figure[] = [];
  let slaHistory: HistoryEntry[] = [];
  let probed: string[] = [];
  let probeSeen = '';

  beforeAll(async () => {
    [slack, dashboard, pushgateway] = await Promise.all([
      startSlackReceiver(),
      startDashboardReceiver(DASHBOARD_KEY),
      startCapture(),
    ]);
    const variables: Record<string, string> = {
      slack_webhook_url: slack.url,
      dashboard_api_endpoint: dashboard.url,
      dashboard_api_key: DASHBOARD_KEY,
      prometheus_pushgateway_url: pushgateway.url,
    };
    for (const [key, value] of Object.entries(variables)) {
      const updated = await api.request('PATCH', `/api/v1/variables/${key}`, { key, value });
      if (updated.status === 404) await api.ok('POST', '/api/v1/variables', { key, value });
      else if (updated.status !== 200)
        throw new Error(`PATCH variable ${key}: ${updated.status} ${JSON.stringify(updated.body)}`);
    }

    await api.waitQuiet();
    // A scenario: clean runs, a failure, a retry that recovers, documents of every kind.
    const scenario = await Promise.all([
      api.trigger('capstone_ingestion_pipeline', {}),
      api.trigger('capstone_ingestion_pipeline', { fail: ['download_documents'] }),
      api.trigger('capstone_processing_pipeline', {
        docs: [doc('ref-1', { confidence: 0.95 }), doc('ref-2', { confidence: 0.6, complete: false })],
      }),
      api.trigger('capstone_processing_pipeline', {
        docs: [doc('ref-3', { json_valid: false })],
        flaky: ['extract_text'],
      }),
      api.trigger('capstone_vector_store_pipeline', { docs: [doc('ref-1'), doc('ref-2')] }),
      api.trigger('capstone_vector_store_pipeline', { docs: [doc('ref-3')], fail: ['upsert_vectors'] }),
    ]);
    await api.waitForRuns(scenario);

    // The reference's DAGs, in the order their inputs need: the API reporter reads what the collector stored.
    // One at a time: each `dags test` is a whole Airflow process, and this machine has 2 cores.
    for (const dagId of [...FIRST, REPORTER]) runs[dagId] = await runReferenceDag(api, dagId);

    // airtop over the same window (the last hour), as the reference's queries take it.
    const h = harness();
    const env = cliEnv({ AIRFLOW_USERNAME: h.users.admin.username, AIRFLOW_PASSWORD: h.users.admin.password });
    const once = await onceJson<Report>(['--url', h.url, '--config', writeConfig({})], env);
    report = once.report;

    const monitoring = runs.capstone_monitoring!.runId;
    const pipeline = await xcom('capstone_monitoring', monitoring, 'collect_pipeline_metrics');
    const tasks = await xcom('capstone_monitoring', monitoring, 'collect_task_metrics');
    const resources = await xcom('capstone_monitoring', monitoring, 'collect_resource_metrics');
    const thresholds = await xcom('capstone_monitoring', monitoring, 'check_thresholds');
    const latest = (await api.variable('capstone_latest_metrics')) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    const quality = (await api.variable('capstone_quality_report')) as Record<string, unknown>;
    const components = quality.components as Record<string, unknown>;
    const pushed = Object.fromEntries(
      (pushgateway.bodies.at(-1)?.body ?? '')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]),
    );
    const board = (dashboard.accepted.at(-1) ?? {}) as Record<string, Record<string, unknown>>;

    figures = [
      ...nestedFigures('pipeline.dags', pipeline.dags, report.pipeline.dags),
      ...nestedFigures('tasks.task_stats', tasks.task_stats, report.tasks.task_stats),
      ...nestedFigures('resources.pools', resources.pools, report.resources.pools),
      ...findingFigures('thresholds.violations', thresholds.violations, report.thresholds.violations),
      ...findingFigures('thresholds.warnings', thresholds.warnings, report.thresholds.warnings),
      { path: 'thresholds.healthy', reference: thresholds.healthy, airtop: report.thresholds.healthy },
      {
        path: 'latest.processing.hour_key',
        reference: latest.processing!.hour_key,
        airtop: report.processing.hour_key,
      },
      ...figuresOf('latest.processing.metrics', latest.processing!.metrics, report.processing.metrics),
      { path: 'latest.costs.day_key', reference: latest.costs!.day_key, airtop: report.costs.day_key },
      ...figuresOf('latest.costs.costs', latest.costs!.costs, report.costs.costs),
      ...figuresOf('latest.costs.tokens', latest.costs!.tokens, report.costs.tokens),
      ...figuresOf(
        'latest.quality.extraction_quality',
        latest.quality!.extraction_quality,
        report.quality.extraction_confidence ?? {},
      ),
      {
        path: 'latest.summary.health_score',
        reference: latest.summary!.health_score,
        airtop: report.summary.health_score,
      },
      // airtop appends one line per threshold finding after the collector's metric alerts (README): compare those.
      {
        path: 'latest.summary.alerts',
        reference: latest.summary!.alerts,
        airtop: report.summary.alerts.slice(
          0,
          report.summary.alerts.length - report.thresholds.violations.length - report.thresholds.warnings.length,
        ),
      },
      { path: 'quality_report.overall_score', reference: quality.overall_score, airtop: report.quality.overall_score },
      { path: 'quality_report.status', reference: quality.status, airtop: report.quality.status },
      { path: 'quality_report.issues', reference: quality.issues, airtop: report.quality.issues },
      {
        path: 'quality_report.recommendations',
        reference: quality.recommendations,
        airtop: report.quality.recommendations,
      },
      ...(['embedding', 'extraction', 'llm'] as const).flatMap((name) =>
        figuresOf(
          `quality_report.components.${name}`,
          components[name],
          report.quality.components[name],
          Object.keys((components[name] ?? {}) as object).filter((k) => k !== 'timestamp'),
        ),
      ),
      {
        path: 'payloads.pushgateway.capstone_health_score',
        reference: pushed['capstone_health_score{pipeline="document-processor"}'],
        airtop: report.summary.health_score,
      },
      {
        path: 'payloads.pushgateway.capstone_cost_usd_total',
        reference: pushed['capstone_cost_usd{type="total"}'],
        airtop: report.costs.costs.total_cost_usd,
      },
      {
        path: 'payloads.pushgateway.capstone_cost_per_doc_usd',
        reference: pushed.capstone_cost_per_doc_usd,
        airtop: report.costs.costs.cost_per_document_usd,
      },
      {
        path: 'payloads.pushgateway.capstone_extraction_confidence',
        reference: pushed.capstone_extraction_confidence,
        airtop: report.quality.extraction_confidence?.avg_confidence,
      },
      {
        path: 'payloads.dashboard.status.health_score',
        reference: board.status?.health_score,
        airtop: report.summary.health_score,
      },
      {
        path: 'payloads.slack.alerts_sent',
        reference: slack.requests.length > 0,
        airtop: report.thresholds.violations.length > 0,
      },
    ];

    // The ML edge cases (a genuine 0 score, an empty log, embeddings of another size): the reference's
    // quality tracker and collector run again over Variables that hold them, and airtop reads the same.
    figures.push(
      ...(await withEdgeVariables(api, async () => {
        for (const dagId of ['capstone_quality_tracker', 'capstone_metrics_collector'])
          runs[`edge:${dagId}`] = await runReferenceDag(api, dagId);
        const edge = await onceJson<Report>(['--url', h.url, '--config', writeConfig({})], env);
        const edgeLatest = (await api.variable('capstone_latest_metrics')) as Record<string, Record<string, unknown>>;
        return edgeFigures(
          (await api.variable('capstone_quality_report')) as Record<string, unknown>,
          edgeLatest.quality ?? {},
          edge.report,
        );
      })),
    );

    // SLAs, Airflow 2's way: the SLA DAG's catchup runs, Airflow's SLA check, the reference's callback (Slack
    // and sla_miss_history); then airtop over the same runs, with the reference's SLAs for that DAG.
    const slackBodies = () =>
      slack.requests.flatMap((r) => {
        try {
          return [JSON.parse(r.body) as unknown];
        } catch {
          return [];
        }
      });
    slaHistory = await runSlaScenario(api, slackBodies);
    const slaOnce = await onceJson<Report>(['--url', h.url, '--config', writeConfig(SLA_CONFIG)], env);
    figures.push(...slaFigures(slaHistory, slackSlaMisses(slackBodies()), slaOnce.report));
    const probe = (await onceJson<Report>(['--url', h.url, '--config', writeConfig(SLA_PROBE_CONFIG)], env)).report;
    probed = missedDates(probe);
    probeSeen = JSON.stringify({ dags: Object.keys(probe.pipeline.dags), sla: probe.pipeline.dags[SLA_DAG] });
    await pauseSlaDag(api);
    verdict = judge(figures, loadDifferences());
  }, 1_500_000);

  afterAll(async () => {
    await pauseSlaDag(api);
    await Promise.all([slack?.close(), dashboard?.close(), pushgateway?.close()]);
  });

  it('ran the reference: its DAGs succeeded, stored their results, and posted to the receivers', () => {
    for (const run of Object.values(runs)) expect(run.state, `${run.dagId} ${run.runId}`).toBe('success');
    expect(dashboard.accepted.length).toBeGreaterThan(0);
    expect(pushgateway.bodies.some((b) => b.path === '/metrics/job/capstone_pipeline')).toBe(true);
    expect(report.airflow.api).toBe('v1');
    // Airflow's SLA check recorded misses and the reference's callback logged them (sla_miss_history).
    expect(slaHistory.length).toBeGreaterThan(0);
    // ...for runs airtop sees: with a 0 s SLA it reports a miss on at least one of the same logical dates.
    const recorded = slaHistory.map((h) => new Date(h.execution_date).toISOString().slice(0, 19));
    expect(
      recorded.filter((date) => probed.includes(date)).length,
      `airtop's probe: ${probed.join(', ')} ${probeSeen}`,
    ).toBeGreaterThan(0);
  });

  it('agrees with airtop on every figure, except the differences fixtures/reference/differences.yaml documents', () => {
    const show = (f: Figure) =>
      `${f.path}: reference ${JSON.stringify(f.reference)}, airtop ${JSON.stringify(f.airtop)}`;
    const caught = `slack ${slack.requests.length} (${slack.accepted.length} valid), dashboard ${dashboard.requests.length} (${dashboard.accepted.length} valid), pushgateway ${pushgateway.bodies.length}`;
    const lines = [
      `${verdict.agree.length} of ${figures.length} figures agree with the reference`,
      `  payloads the receivers caught: ${caught}`,
      ...verdict.documented.map(
        ({ figure, difference }) => `  documented: ${show(figure)} — ${difference.reason.split('\n')[0]}`,
      ),
      ...verdict.undocumented.map((f) => `  UNDOCUMENTED: ${show(f)}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    expect(figures.length).toBeGreaterThan(40);
    expect(verdict.undocumented.map(show)).toEqual([]);
  });
});
