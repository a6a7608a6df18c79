// A realistic Snapshot for the reference pipeline, and the Report the engines derive from it: three capstone DAGs
// in different health, pools near capacity, costs, quality, alerts in every state, sinks. The report comes from
// deriveReport (test/helpers/report.ts), so the screens are tested on the numbers airtop would show.
import { aggregateWindow } from '../../source/airflow/aggregate.js';
import type { DagRun, Snapshot, TaskInstance } from '../../source/airflow/types.js';
import type { AlertView, Report } from '../../source/report/types.js';
import { type AirtopStore, createAirtopStore } from '../../source/state/store.js';
import type { DeadLetter, HistoryPoint, SinkStatus } from '../../source/state/types.js';
import { deriveFixture, derivedReport } from '../helpers/report.js';
import { NOW, pool, variable } from '../helpers/snapshot.js';

export { NOW };
const iso = (msAgo: number) => new Date(NOW.getTime() - msAgo).toISOString();
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** NOW's hour as the processing Variable keys it, and NOW's day as the cost Variable does. */
const HOUR_KEY = `${NOW.toISOString().slice(0, 10)}-${NOW.toISOString().slice(11, 13)}`;
const dayKey = (daysAgo: number) => iso(daysAgo * DAY).slice(0, 10);

export const DAGS = {
  ingestion: 'capstone_ingestion_pipeline',
  processing: 'capstone_processing_pipeline',
  vector: 'capstone_vector_store_pipeline',
  monitoring: 'capstone_monitoring',
};

function run(dagId: string, n: number, state: string, startMinAgo: number, minutes: number | null): DagRun {
  return {
    dagId,
    runId: `scheduled__${iso(startMinAgo * MIN).slice(0, 19)}+00:00`,
    state,
    runType: 'scheduled',
    queuedAt: iso(startMinAgo * MIN + 1000),
    startDate: iso(startMinAgo * MIN),
    endDate: minutes === null ? null : iso((startMinAgo - minutes) * MIN),
    runAfter: iso(startMinAgo * MIN),
    logicalDate: iso(startMinAgo * MIN),
  };
}

export function ti(
  dagId: string,
  runId: string,
  taskId: string,
  state: string | null,
  startMinAgo: number | null,
  minutes: number | null,
  tryNumber = 1,
): TaskInstance {
  return {
    dagId,
    runId,
    taskId,
    mapIndex: -1,
    state,
    tryNumber,
    maxTries: 2,
    startDate: startMinAgo === null ? null : iso(startMinAgo * MIN),
    endDate: startMinAgo === null || minutes === null ? null : iso((startMinAgo - minutes) * MIN),
    durationSeconds: minutes === null ? null : minutes * 60,
    pool: 'default_pool',
    poolSlots: 1,
    queue: 'default',
    operator: 'PythonOperator',
    queuedWhen: null,
  };
}

/** The DAG runs as the drill-down fetches them (newest first). */
export function processingRuns(): DagRun[] {
  return [
    run(DAGS.processing, 0, 'running', 20, null),
    run(DAGS.processing, 1, 'failed', 40, 12),
    run(DAGS.processing, 2, 'success', 60, 15),
    run(DAGS.processing, 3, 'success', 80, 18),
    // Stuck for 100 minutes: its generate_summary (30 min SLA) is 70 minutes late, escalation level 3.
    run(DAGS.processing, 4, 'running', 100, null),
  ];
}

export function processingTaskInstances(runId: string): TaskInstance[] {
  return [
    ti(DAGS.processing, runId, 'extract_text', 'success', 40, 4),
    ti(DAGS.processing, runId, 'generate_summary', 'failed', 36, 6, 2),
    ti(DAGS.processing, runId, 'classify_document', 'upstream_failed', null, null, 0),
  ];
}

export interface FixtureOptions {
  /** Extra DAGs named dag_00000… with healthy metrics (for the benchmark). */
  extraDags?: number;
}

export function buildSnapshot(options: FixtureOptions = {}): Snapshot {
  const extra = Array.from({ length: options.extraDags ?? 0 }, (_, i) => `dag_${String(i).padStart(5, '0')}`);
  const ids = [...Object.values(DAGS), ...extra];
  const runs: DagRun[] = [
    ...processingRuns(),
    run(DAGS.ingestion, 0, 'success', 10, 5),
    run(DAGS.ingestion, 1, 'success', 25, 6),
    run(DAGS.ingestion, 2, 'success', 40, 4),
    run(DAGS.ingestion, 3, 'success', 55, 7),
    run(DAGS.vector, 0, 'running', 8, null),
    run(DAGS.vector, 1, 'success', 30, 22),
    ...extra.flatMap((id, i) => [run(id, 0, 'success', 10 + (i % 30), 3 + (i % 5)), run(id, 1, 'success', 50, 4)]),
  ];
  const stuck = processingRuns()[4]!.runId;
  const taskInstances = [
    ...processingTaskInstances(processingRuns()[1]!.runId),
    ti(DAGS.processing, stuck, 'extract_text', 'success', 100, 4),
    ti(DAGS.processing, stuck, 'generate_summary', 'running', 96, null),
  ];
  const since = iso(60 * MIN);
  const ts = NOW.toISOString();
  return {
    takenAt: ts,
    source: 'rest',
    airflow: { url: 'http://127.0.0.1:8080', version: '3.0.2', api: 'v2' },
    health: {
      metadatabase: { status: 'healthy', latestHeartbeat: null },
      scheduler: { status: 'healthy', latestHeartbeat: ts },
      triggerer: { status: 'healthy', latestHeartbeat: ts },
      dagProcessor: { status: 'unhealthy', latestHeartbeat: iso(10 * MIN) },
    },
    dags: ids.map((dagId) => ({
      dagId,
      isPaused: dagId === DAGS.monitoring,
      tags: ['capstone'],
      owners: ['platform-sre'],
    })),
    // Aggregated by the REST source's own code, as a poll would.
    window: { since, ...aggregateWindow(runs, taskInstances, since, ids) },
    baseline: { since: iso(7 * DAY), dags: {}, tasks: {} },
    runs,
    taskInstances,
    pools: [
      pool('default_pool', 128, 8),
      pool('llm_pool', 10, 9, { queuedSlots: 3 }),
      pool('embedding_pool', 4, 4, { queuedSlots: 6 }),
    ],
    variables: {
      capstone_processing_metrics: variable({
        [HOUR_KEY]: { documents_processed: 420, total_processing_time_ms: 840_000, by_type: {}, errors: {} },
      }),
      // Today: 4.2M embedding and LLM input tokens, 2.1M output ($0.42 + $12.60 + $31.50); the week before in output tokens.
      capstone_cost_metrics: variable({
        ...Object.fromEntries(
          [38.1, 41.7, 35.2, 52.9, 47.3, 39.8].map((usd, i) => [
            dayKey(6 - i),
            { llm_output_tokens: Math.round((usd / 0.015) * 1000), documents_processed: 400 },
          ]),
        ),
        [dayKey(0)]: {
          embedding_tokens: 4_200_000,
          llm_input_tokens: 4_200_000,
          llm_output_tokens: 2_100_000,
          documents_processed: 420,
        },
      }),
      // Embeddings of two sizes (quality 50); 97 of 100 extractions succeeded.
      embedding_generation_log: variable(
        Array.from({ length: 100 }, (_, i) => ({ dimensions: i % 2 ? 1536 : 768, norm: 1 })),
      ),
      extraction_log: variable(
        Array.from({ length: 100 }, (_, i) => ({ status: i < 97 ? 'success' : 'failed', text_length: 1800 })),
      ),
    },
    issues: [],
  };
}

export function buildAlerts(): AlertView[] {
  // The summaries the engines give buildSnapshot's findings, so an alert never quotes a figure the panes contradict.
  // (The SLA one is written short, without the DAG id, as the alert pane's narrow columns need.)
  const { candidates, report } = deriveFixture(buildSnapshot());
  const late = report.sla.misses[0]!;
  const said = (alertname: string) => candidates.find((c) => c.labels.alertname === alertname)!.annotations.summary;
  const alert = (
    fingerprint: string,
    name: string,
    severity: AlertView['severity'],
    state: AlertView['state'],
    summary: string,
    labels: Record<string, string>,
    minutesAgo: number,
  ): AlertView => ({
    fingerprint,
    labels: { alertname: name, severity, ...labels },
    annotations: { summary },
    severity,
    state,
    since: iso(minutesAgo * MIN),
    escalation_level: null,
    ack: null,
  });
  return [
    alert(
      'a1b2c3d4e5f60001',
      'SuccessRateCritical',
      'critical',
      'firing',
      said('success_rate_critical'),
      { dag_id: DAGS.processing },
      35,
    ),
    {
      ...alert(
        'a1b2c3d4e5f60002',
        'PoolUtilizationWarning',
        'warning',
        'acknowledged',
        said('pool_utilization_warning'),
        { pool: 'llm_pool' },
        50,
      ),
      ack: { by: 'alice', at: iso(20 * MIN), note: 'scaling workers' },
    },
    alert(
      'a1b2c3d4e5f60003',
      'SlaMiss',
      'critical',
      'silenced',
      `generate_summary missed its 30m SLA by ${late.lateness_human}`,
      { dag_id: DAGS.processing, task_id: 'generate_summary' },
      45,
    ),
    alert(
      'a1b2c3d4e5f60004',
      'SlowRun',
      'warning',
      'resolved',
      'capstone_vector_store_pipeline run took 2.1× its median',
      { dag_id: DAGS.vector },
      120,
    ),
  ];
}

/** The report deriveReport makes of buildSnapshot, with the alert lifecycle's view of buildAlerts. */
export function buildReport(options: FixtureOptions = {}): Report {
  return derivedReport(buildSnapshot(options), { alerts: buildAlerts() });
}

export function buildHistory(points = 12): HistoryPoint[] {
  return Array.from({ length: points }, (_, i) => ({
    at: iso((points - i) * 5 * MIN),
    healthScore: 60 + (i % 5),
    totalCostUsd: 30 + i * 1.3,
    costPerDocumentUsd: 0.1,
    qualityScore: 72.5,
    dagDurations: { [DAGS.ingestion]: 300 + i * 3 },
  }));
}

export const SINKS: SinkStatus[] = [
  { name: 'slack', lastSuccessAt: iso(5 * MIN), lastError: null, lastErrorAt: null, queueDepth: 0, deadLetters: 0 },
  {
    name: 'pagerduty',
    lastSuccessAt: iso(60 * MIN),
    lastError: '400 from https://events.pagerduty.com/v2/enqueue: invalid routing_key',
    lastErrorAt: iso(5 * MIN),
    queueDepth: 2,
    deadLetters: 1,
  },
];

export const DEAD_LETTERS: DeadLetter[] = [
  {
    id: 'dl-1',
    sink: 'pagerduty',
    reason: '400 invalid routing_key',
    at: iso(5 * MIN),
    summary: 'SuccessRateCritical capstone_processing_pipeline',
  },
];

/** A store as it is after one successful poll of the fixture Airflow. */
export function buildStore(options: FixtureOptions & { columns?: number; rows?: number } = {}): AirtopStore {
  const store = createAirtopStore({
    snapshot: buildSnapshot(options),
    report: buildReport(options),
    history: buildHistory(),
    sinks: Object.fromEntries(SINKS.map((s) => [s.name, s])),
    deadLetters: DEAD_LETTERS,
    poll: {
      state: 'ok',
      lastAttemptAt: NOW.toISOString(),
      lastSuccessAt: NOW.toISOString(),
      nextPollAt: new Date(NOW.getTime() + 5 * MIN).toISOString(),
      error: null,
      consecutiveFailures: 0,
      failuresTotal: 0,
    },
  });
  store.getState().setSize(options.columns ?? 120, options.rows ?? 40);
  return store;
}
