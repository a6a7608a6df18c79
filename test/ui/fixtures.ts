// A realistic Report + Snapshot for the reference pipeline, built by hand (no engines): three capstone DAGs in
// different health, pools near capacity, costs, quality, SLA misses, alerts in every state, sinks.
import type { DagRun, Snapshot, TaskInstance } from '../../source/airflow/types.js';
import type { AlertView, PipelineDagMetrics, Report } from '../../source/report/types.js';
import { type AirtopStore, createAirtopStore } from '../../source/state/store.js';
import type { DeadLetter, HistoryPoint, SinkStatus } from '../../source/state/types.js';

export const NOW = new Date('2025-03-14T12:00:00Z');
const iso = (msAgo: number) => new Date(NOW.getTime() - msAgo).toISOString();
const MIN = 60_000;

const metrics = (m: Partial<PipelineDagMetrics>): PipelineDagMetrics => ({
  runs_last_hour: 0,
  success_count: 0,
  failed_count: 0,
  running_count: 0,
  success_rate: 0,
  avg_duration_seconds: 0,
  p95_duration_seconds: 0,
  baseline_avg_duration_seconds: null,
  ...m,
});

export const DAGS = {
  ingestion: 'capstone_ingestion_pipeline',
  processing: 'capstone_processing_pipeline',
  vector: 'capstone_vector_store_pipeline',
  monitoring: 'capstone_monitoring',
};

function run(dagId: string, n: number, state: string, startMinAgo: number, minutes: number | null): DagRun {
  return {
    dagId,
    runId: `scheduled__2025-03-14T${String(11 - Math.floor(n / 12)).padStart(2, '0')}:${String((n * 5) % 60).padStart(2, '0')}:00+00:00`,
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
    run(DAGS.processing, 4, 'failed', 100, 9),
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
  return {
    takenAt: NOW.toISOString(),
    source: 'rest',
    airflow: { url: 'http://127.0.0.1:8080', version: '3.0.2', api: 'v2' },
    health: null,
    dags: ids.map((dagId) => ({
      dagId,
      isPaused: dagId === DAGS.monitoring,
      tags: ['capstone'],
      owners: ['platform-sre'],
    })),
    window: { since: iso(60 * MIN), dags: {}, tasks: {} },
    baseline: { since: iso(7 * 24 * 60 * MIN), dags: {}, tasks: {} },
    runs,
    taskInstances: processingTaskInstances(processingRuns()[1]!.runId),
    pools: [],
    variables: {},
    issues: [],
  };
}

export function buildAlerts(): AlertView[] {
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
      'capstone_processing_pipeline success rate 60.0% < 90%',
      { dag_id: DAGS.processing },
      35,
    ),
    {
      ...alert(
        'a1b2c3d4e5f60002',
        'PoolUtilizationWarning',
        'warning',
        'acknowledged',
        'llm_pool utilization 90.0% > 80%',
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
      'generate_summary missed its 30m SLA by 42m',
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

export function buildReport(options: FixtureOptions = {}): Report {
  const extra = Array.from({ length: options.extraDags ?? 0 }, (_, i) => `dag_${String(i).padStart(5, '0')}`);
  const ts = NOW.toISOString();
  return {
    timestamp: ts,
    airflow: {
      url: 'http://127.0.0.1:8080',
      version: '3.0.2',
      api: 'v2',
      health: {
        metadatabase: { status: 'healthy', latestHeartbeat: null },
        scheduler: { status: 'healthy', latestHeartbeat: ts },
        triggerer: { status: 'healthy', latestHeartbeat: ts },
        dagProcessor: { status: 'unhealthy', latestHeartbeat: iso(10 * MIN) },
      },
      stale: false,
      stale_reason: null,
      last_success: ts,
    },
    pipeline: {
      timestamp: ts,
      dags: {
        [DAGS.ingestion]: metrics({
          runs_last_hour: 4,
          success_count: 4,
          success_rate: 1,
          avg_duration_seconds: 330,
          p95_duration_seconds: 414,
        }),
        [DAGS.processing]: metrics({
          runs_last_hour: 5,
          success_count: 2,
          failed_count: 2,
          running_count: 1,
          success_rate: 0.5,
          avg_duration_seconds: 990,
          p95_duration_seconds: 1071,
        }),
        [DAGS.vector]: metrics({
          runs_last_hour: 2,
          success_count: 1,
          running_count: 1,
          success_rate: 1,
          avg_duration_seconds: 1320,
          p95_duration_seconds: 1320,
        }),
        [DAGS.monitoring]: metrics({}),
        ...Object.fromEntries(
          extra.map((id, i) => [
            id,
            metrics({
              runs_last_hour: 2,
              success_count: 2,
              success_rate: 1,
              avg_duration_seconds: 200 + (i % 50),
              p95_duration_seconds: 260 + (i % 70),
            }),
          ]),
        ),
      },
    },
    tasks: { timestamp: ts, task_stats: {} },
    resources: {
      timestamp: ts,
      pools: {
        default_pool: { total_slots: 128, open_slots: 120, used_slots: 8, queued_slots: 0, utilization: 8 / 128 },
        llm_pool: { total_slots: 10, open_slots: 1, used_slots: 9, queued_slots: 3, utilization: 0.9 },
        embedding_pool: { total_slots: 4, open_slots: 0, used_slots: 4, queued_slots: 6, utilization: 1 },
      },
    },
    processing: {
      timestamp: ts,
      hour_key: '2025-03-14-12',
      metrics: { documents_processed: 420, total_processing_time_ms: 840_000, by_type: {}, errors: {} },
      documents_per_hour: 420,
      avg_processing_time_ms: 2000,
      problems: [],
    },
    costs: {
      timestamp: ts,
      day_key: '2025-03-14',
      costs: {
        embedding_cost_usd: 0.42,
        llm_input_cost_usd: 12.6,
        llm_output_cost_usd: 31.5,
        total_cost_usd: 44.52,
        cost_per_document_usd: 0.106,
        documents_processed: 420,
      },
      tokens: { embedding: 4_200_000, llm_input: 4_200_000, llm_output: 2_100_000 },
      budget: { daily_budget_usd: 100, used_ratio: 0.4452, exceeded: false },
      by_day: [38.1, 41.7, 35.2, 52.9, 47.3, 39.8, 44.52].map((total, i) => ({
        day: `2025-03-${String(8 + i).padStart(2, '0')}`,
        total_cost_usd: total,
      })),
      problems: [],
    },
    quality: {
      timestamp: ts,
      overall_score: 72.5,
      status: 'degraded',
      components: {
        embedding: { quality_score: 50, samples_analyzed: 100 },
        extraction: { quality_score: 95, samples_analyzed: 100, success_rate: 0.97 },
        llm: { status: 'no_data' },
      },
      extraction_confidence: null,
      embedding_similarity: null,
      issues: ['Embedding quality below threshold'],
      recommendations: ['Review embedding model configuration', 'Check for input text preprocessing issues'],
      problems: [],
    },
    sla: {
      misses: [
        {
          type: 'sla_miss',
          scope: 'task',
          severity: 'critical',
          escalation_level: 3,
          channels: ['slack', 'email', 'pagerduty'],
          dag_id: DAGS.processing,
          task_id: 'generate_summary',
          run_id: processingRuns()[1]!.runId,
          execution_date: iso(40 * MIN),
          expected_end: iso(10 * MIN),
          lateness_seconds: 4200,
          lateness_human: '1h 10m',
          blocking_tasks: 'generate_summary',
          ongoing: false,
          timestamp: ts,
          message: 'SLA missed',
        },
      ],
    },
    anomalies: [],
    thresholds: {
      timestamp: ts,
      violations: [
        { type: 'success_rate_critical', severity: 'critical', value: 0.5, threshold: 0.9, dag_id: DAGS.processing },
        { type: 'pool_utilization_critical', severity: 'critical', value: 1, threshold: 0.95, pool: 'embedding_pool' },
      ],
      warnings: [
        { type: 'pool_utilization_warning', severity: 'warning', value: 0.9, threshold: 0.8, pool: 'llm_pool' },
      ],
      healthy: false,
    },
    summary: {
      health_score: 61.4,
      alerts: [],
      overall: 'critical',
      reference: { health_score: 21.4, alerts: ['Low extraction confidence'], overall: 'critical' },
    },
    alerts: buildAlerts(),
    issues: [],
  };
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
