// Airflow 2.11 only. The reference's own five DAGs (fixtures/reference, patched to run) are the oracle: after a
// scenario of pipeline runs (successes, failures, retries), its monitoring, metrics collector, quality tracker
// and API reporter run on the real Airflow, computing from the real metadata DB and Variables and posting to
// loopback receivers; then `airtop --once --json` reads the same Airflow, and every figure the reference
// computed is compared with airtop's. A disagreement must be one fixtures/reference/differences.yaml lists
// (README "Where airtop differs"); the test prints `N of M figures agree with the reference`. Then two more
// scenarios feed the same count: the ML edge cases (reference/edge.ts) and Airflow 2's own SLA check calling
// the reference's SLA handler (reference/sla.ts). And what airtop itself sends: `airtop --headless` with its
// Slack, dashboard, Pushgateway, PagerDuty and airflow_variables sinks at loopback receivers, compared with
// the reference's payloads field by field (reference/sinks.ts; the reference's PagerDuty events reach a
// loopback HTTPS proxy, reference/pagerduty.ts).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Report } from '../../source/report/types.js';
import {
  startDashboardReceiver,
  startPagerDutyReceiver,
  startSlackReceiver,
  type Receiver,
} from '../helpers/receivers.js';
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
import { makeCertificates, pagerDutyFigures, startPagerDutyProxy } from './reference/pagerduty.js';
import {
  dashboardFigures,
  dashboardPost,
  historyFigures,
  pushgatewayFigures,
  runHeadless,
  slackSlaFigures,
  slackThresholdFigures,
  startPushCapture,
  thresholdMessages,
} from './reference/sinks.js';
import {
  missedDates,
  pauseSlaDag,
  recordOverdueMiss,
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
/** The reference's pagerduty_service_key and airtop's routing key: the same 32 characters on both sides. */
const PAGERDUTY_KEY = 'airtope2epagerdutykey0123456789a';
/** airtop's own PagerDuty phase; AIRTOP_E2E_AIRTOP_PAGERDUTY=0 skips it (its receiver is loopback). */
const comparePagerDuty = process.env.AIRTOP_E2E_AIRTOP_PAGERDUTY !== '0';
const FIRST = ['capstone_monitoring', 'capstone_metrics_collector', 'capstone_quality_tracker'];
const REPORTER = 'capstone_api_reporter';

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

/** "sinks.slack 5/6, ..." — how many figures agree in each part (the path's first two segments). */
function byPart(figures: Figure[], verdict: Verdict): string {
  const part = (f: Figure) => f.path.split('.').slice(0, 2).join('.');
  const agree = new Set(verdict.agree);
  const counts = new Map<string, [number, number]>();
  for (const f of figures) {
    const [a, n] = counts.get(part(f)) ?? [0, 0];
    counts.set(part(f), [a + (agree.has(f) ? 1 : 0), n + 1]);
  }
  return [...counts].map(([p, [a, n]]) => `${p} ${a}/${n}`).join(', ');
}

describe.runIf(inject('airflow').major === 2)('the reference itself, on Airflow 2.11, against airtop', () => {
  const api = AirflowApi.as('admin');
  let slack: Receiver<Record<string, unknown>>;
  let dashboard: Receiver<Record<string, unknown>>;
  let pushgateway: Awaited<ReturnType<typeof startPushCapture>>;
  // airtop's own sinks' receivers (the same kinds as the reference's, its own instances).
  let ourSlack: Receiver<Record<string, unknown>>;
  let ourDashboard: Receiver<Record<string, unknown>>;
  let ourPushgateway: Awaited<ReturnType<typeof startPushCapture>>;
  let ourPagerDuty: Awaited<ReturnType<typeof startPagerDutyReceiver>>;
  // The reference's PagerDuty posts, through the HTTPS proxy its Airflow processes use (reference/pagerduty.ts).
  let pagerDutyProxy: Awaited<ReturnType<typeof startPagerDutyProxy>>;
  let overdue = '';
  const runs: Record<string, RunRef & { state: string }> = {};
  let report: Report;
  let verdict: Verdict;
  let figures: Figure[] = [];
  let slaHistory: HistoryEntry[] = [];
  let probed: string[] = [];
  let probeSeen = '';
  let headlessLog: string[] = [];
  let pageLog: string[] = [];
  let written: Record<string, unknown>[] = [];

  beforeAll(async () => {
    [slack, dashboard, pushgateway, ourSlack, ourDashboard, ourPushgateway] = await Promise.all([
      startSlackReceiver(),
      startDashboardReceiver(DASHBOARD_KEY),
      startPushCapture(),
      startSlackReceiver(),
      startDashboardReceiver(DASHBOARD_KEY),
      startPushCapture(),
    ]);
    ourPagerDuty = await startPagerDutyReceiver();
    const proxyPort = Number(harness().env.AIRTOP_E2E_HTTPS_PROXY_PORT);
    if (!proxyPort)
      throw new Error('the harness Airflow has no AIRTOP_E2E_HTTPS_PROXY_PORT: start it with this start.sh');
    pagerDutyProxy = await startPagerDutyProxy(proxyPort, makeCertificates(join(harness().home, 'https-proxy')));
    const variables: Record<string, string> = {
      slack_webhook_url: slack.url,
      dashboard_api_endpoint: dashboard.url,
      dashboard_api_key: DASHBOARD_KEY,
      prometheus_pushgateway_url: pushgateway.url,
      pagerduty_service_key: PAGERDUTY_KEY,
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

    // airtop as it runs in production, over the same window: --headless, its own Slack, dashboard and
    // Pushgateway sinks pointed at receivers of the same kinds; what it sent, field by field, against what the
    // reference sent. (Before anything below runs the reference again: the receivers hold its first posts.)
    const referenceSlack = slack.accepted.slice();
    // Each airtop run its own state dir (alert state, outbox): what one sent does not hold back the next.
    const freshEnv = () => ({
      ...cliEnv({ AIRFLOW_USERNAME: h.users.admin.username, AIRFLOW_PASSWORD: h.users.admin.password }),
      AIRTOP_E2E_SLACK_URL: ourSlack.url,
      AIRTOP_E2E_DASHBOARD_KEY: DASHBOARD_KEY,
    });
    const sinkEnv = freshEnv();
    const sinkConfig = {
      alerts: { group_wait: '1s' },
      sinks: {
        slack: { webhook_url_env: 'AIRTOP_E2E_SLACK_URL' },
        dashboard: { url: ourDashboard.url, api_key_env: 'AIRTOP_E2E_DASHBOARD_KEY' },
        pushgateway: { url: ourPushgateway.url },
        metrics: { enabled: false },
      },
    };
    const started = Date.now();
    const expectSlack = thresholdMessages(referenceSlack).length > 0;
    headlessLog = await runHeadless(['--url', h.url, '--config', writeConfig(sinkConfig)], sinkEnv, () => {
      if (ourDashboard.accepted.length === 0) return 'no dashboard POST yet';
      if (ourPushgateway.bodies.length === 0) return 'no Pushgateway push yet';
      // A Slack message follows group_wait (1 s) after the first poll; allow 30 s before calling it absent.
      if (expectSlack && thresholdMessages(ourSlack.accepted).length === 0 && Date.now() - started < 30_000)
        return 'no Slack threshold message yet';
      return null;
    });
    const find = <T extends { path: string }>(list: T[], path: string) => list.find((x) => x.path === path);
    figures.push(
      ...slackThresholdFigures(referenceSlack, ourSlack.accepted),
      ...dashboardFigures(
        dashboardPost(find(dashboard.requests, '/api/v1/pipeline-status')),
        dashboardPost(find(ourDashboard.requests, '/api/v1/pipeline-status')),
      ),
      ...pushgatewayFigures(
        pushgateway.bodies.find((b) => b.path.startsWith('/metrics/job/')),
        ourPushgateway.bodies[0],
      ),
    );

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
    overdue = await recordOverdueMiss(h.dbUrl);
    slaHistory = await runSlaScenario(api, slackBodies);
    const slaOnce = await onceJson<Report>(['--url', h.url, '--config', writeConfig(SLA_CONFIG)], env);
    figures.push(...slaFigures(slaHistory, slackSlaMisses(slackBodies()), slaOnce.report));
    const probe = (await onceJson<Report>(['--url', h.url, '--config', writeConfig(SLA_PROBE_CONFIG)], env)).report;
    probed = missedDates(probe);
    probeSeen = JSON.stringify({ dags: Object.keys(probe.pipeline.dags), sla: probe.pipeline.dags[SLA_DAG] });

    // airtop's write-back of sla_miss_history (the airflow_variables sink) beside the reference's: with the
    // probe's 0 s SLA on scan_sources, so airtop has misses for the same runs; then entry by entry, matched by
    // (dag, task, logical date). airtop's entries are the ones carrying run_id (the reference's have none).
    // Before pausing the SLA DAG: airtop leaves paused DAGs out.
    const historyBefore = ((await api.variable('sla_miss_history')) ?? []) as Record<string, unknown>[];
    const slackBefore = ourSlack.accepted.length;
    const ours = () => ourSlack.accepted.slice(slackBefore);
    const writeConfigFile = writeConfig({
      ...SLA_PROBE_CONFIG,
      alerts: { group_wait: '1s' },
      sinks: {
        slack: { webhook_url_env: 'AIRTOP_E2E_SLACK_URL' },
        airflow_variables: { enabled: true },
        metrics: { enabled: false },
      },
    });
    const airtopEntries = async () =>
      (((await api.variable('sla_miss_history')) ?? []) as Record<string, unknown>[]).filter(
        (e) => 'run_id' in e && e.dag_id === SLA_DAG,
      );
    headlessLog = await runHeadless(['--url', h.url, '--config', writeConfigFile], freshEnv(), async () => {
      if ((await airtopEntries()).length === 0) return 'airtop has written no sla_miss_history entry yet';
      if (ours().length === 0) return 'no Slack SLA message from airtop yet';
      return null;
    });
    const after = ((await api.variable('sla_miss_history')) ?? []) as Record<string, unknown>[];
    written = after.filter((e) => 'run_id' in e && e.dag_id === SLA_DAG);
    const referenceEntries = historyBefore.filter((e) => !('run_id' in e) && e.dag_id === SLA_DAG);
    const kept = new Set(after.map((e) => JSON.stringify(e)));
    figures.push(
      {
        path: 'sla.written.reference_entries_kept',
        reference: historyBefore.length,
        airtop: historyBefore.filter((e) => kept.has(JSON.stringify(e))).length,
      },
      ...historyFigures(referenceEntries, written),
      ...slackSlaFigures(slackBodies() as Record<string, unknown>[], ours(), SLA_DAG),
    );

    // PagerDuty: the reference paged for the overdue miss (level 3, through the proxy). airtop with the probe's
    // misses at level 3 (any lateness) and only its PagerDuty sink, at a loopback Events API v2.
    const pageConfig = writeConfig({
      ...SLA_PROBE_CONFIG,
      // Level 3 from any lateness: the probe task can finish within 1 s of its 0 s deadline on an idle machine.
      sla: { ...SLA_PROBE_CONFIG.sla, level2_after: 0, level3_after: 0 },
      alerts: { group_wait: '1s' },
      sinks: {
        pagerduty: { routing_key_env: 'AIRTOP_E2E_PAGERDUTY_KEY', url: ourPagerDuty.url },
        metrics: { enabled: false },
      },
    });
    const pageEnv = { ...freshEnv(), AIRTOP_E2E_PAGERDUTY_KEY: PAGERDUTY_KEY };
    if (comparePagerDuty) {
      pageLog = await runHeadless(['--url', h.url, '--config', pageConfig], pageEnv, () =>
        ourPagerDuty.accepted.length === 0 ? 'no PagerDuty event from airtop yet' : null,
      );
      figures.push(...pagerDutyFigures(pagerDutyProxy.captured, ourPagerDuty.requests));
    }
    await pauseSlaDag(api);
    verdict = judge(figures, loadDifferences());
  }, 1_500_000);

  afterAll(async () => {
    await pauseSlaDag(api);
    await api.request('DELETE', `${api.prefix}/variables/pagerduty_service_key`);
    await Promise.all(
      [slack, dashboard, pushgateway, ourSlack, ourDashboard, ourPushgateway, ourPagerDuty, pagerDutyProxy].map((r) =>
        r?.close(),
      ),
    );
  });

  it('ran the reference: its DAGs succeeded, stored their results, and posted to the receivers', () => {
    for (const run of Object.values(runs)) expect(run.state, `${run.dagId} ${run.runId}`).toBe('success');
    expect(dashboard.accepted.length).toBeGreaterThan(0);
    expect(pushgateway.bodies.some((b) => b.path === '/metrics/job/capstone_pipeline')).toBe(true);
    expect(report.airflow.api).toBe('v1');
    // airtop headless delivered to its own receivers, and wrote its SLA misses into sla_miss_history.
    const log = headlessLog.slice(-10).join('\n');
    expect(ourDashboard.accepted.length, log).toBeGreaterThan(0);
    expect(ourPushgateway.bodies.length, log).toBeGreaterThan(0);
    expect(written.length, log).toBeGreaterThan(0);
    // The reference's PagerDuty event for the overdue miss came through the proxy (TLS for events.pagerduty.com
    // under the throwaway CA), and nothing else tried to leave; airtop's came to its receiver.
    expect(pagerDutyProxy.refused).toEqual([]);
    expect(
      pagerDutyProxy.captured.map((c) => `${c.method} ${c.host}${c.path}`),
      `overdue miss at ${overdue}`,
    ).toContain('POST events.pagerduty.com/generic/2010-04-15/create_event.json');
    if (comparePagerDuty) expect(ourPagerDuty.accepted.length, pageLog.slice(-10).join('\n')).toBeGreaterThan(0);
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
    const caught = `slack ${slack.requests.length} (${slack.accepted.length} valid), dashboard ${dashboard.requests.length} (${dashboard.accepted.length} valid), pushgateway ${pushgateway.bodies.length}; airtop's: slack ${ourSlack.accepted.length}, dashboard ${ourDashboard.accepted.length}, pushgateway ${ourPushgateway.bodies.length}, sla_miss_history entries ${written.length}, pagerduty ${ourPagerDuty.requests.length}; the reference's pagerduty (through the proxy) ${pagerDutyProxy.captured.length}`;
    const lines = [
      `${verdict.agree.length} of ${figures.length} figures agree with the reference`,
      `  payloads the receivers caught: ${caught}`,
      `  agreeing, by part: ${byPart(figures, verdict)}`,
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
