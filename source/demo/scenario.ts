// The demo's simulated Airflow: the reference pipeline's three DAGs plus a few neighbours with their own
// troubles (one failing often, one retrying, one slow, one paused), pools with one saturated, and the
// reference's Variables. Everything is a pure function of the seed, the anchor time and the clock.

export interface DemoTaskSpec {
  taskId: string;
  meanSeconds: number;
  /** ± fraction around the mean. */
  spread: number;
  pool?: string;
  operator?: string;
  /** Chance the first try fails and the retry succeeds. */
  retryRate?: number;
  /** Relative chance this task is the one that fails a failing run. */
  failWeight?: number;
}

export interface DemoDagSpec {
  dagId: string;
  description: string;
  tags: string[];
  owners: string[];
  periodMinutes: number;
  offsetMinutes: number;
  tasks: DemoTaskSpec[];
  /** Chance a run fails (its failing task exhausts its retries). */
  failureRate: number;
  /** Airflow's `retries` (max_tries). */
  retries: number;
  retryDelaySeconds: number;
  /** Paused DAGs stopped running this many minutes before the anchor. */
  pausedMinutesBeforeAnchor?: number;
  /** Runs after (anchor - sinceMinutes) take `factor` times longer (only `tasks` when given). */
  slow?: { sinceMinutesBeforeAnchor: number; factor: number; tasks?: string[] };
  /** Extra seconds runs wait in the queue (a starved pool). */
  queueDelaySeconds?: number;
}

export interface DemoPoolSpec {
  name: string;
  slots: number;
  description: string;
  includeDeferred: boolean;
  /** Work from DAGs the demo does not show, so the pool looks busy. */
  background: { running: number; queued: number };
}

export interface DemoUser {
  username: string;
  password: string;
  /** 'op' can read Variables; 'viewer' gets 403 on them, as in Airflow's SimpleAuthManager. */
  role: 'admin' | 'op' | 'viewer';
}

export interface DemoScenario {
  seed: number;
  /** Epoch ms the scenario is told around: slow spells and pauses are relative to it. */
  anchorMs: number;
  /** How far back runs exist (the 7-day baseline needs a full week). */
  historyDays: number;
  version: string;
  dags: DemoDagSpec[];
  pools: DemoPoolSpec[];
  users: DemoUser[];
}

const capstone = (name: string) => ({ tags: ['capstone', name], owners: ['data-platform'] });

export const DEMO_DAGS: DemoDagSpec[] = [
  {
    dagId: 'capstone_ingestion_pipeline',
    description: 'Scan document sources and download new documents',
    ...capstone('ingestion'),
    periodMinutes: 5,
    offsetMinutes: 0,
    tasks: [
      { taskId: 'scan_sources', meanSeconds: 15, spread: 0.4 },
      { taskId: 'download_documents', meanSeconds: 75, spread: 0.3, failWeight: 1 },
    ],
    failureRate: 0.05,
    retries: 1,
    retryDelaySeconds: 60,
  },
  {
    dagId: 'capstone_processing_pipeline',
    description: 'Extract text, summarise and classify documents with an LLM',
    ...capstone('processing'),
    periodMinutes: 10,
    offsetMinutes: 1,
    tasks: [
      { taskId: 'extract_text', meanSeconds: 100, spread: 0.3, failWeight: 1 },
      { taskId: 'generate_summary', meanSeconds: 150, spread: 0.35, pool: 'llm_pool', retryRate: 0.3, failWeight: 2 },
      { taskId: 'classify_document', meanSeconds: 30, spread: 0.3, pool: 'llm_pool' },
    ],
    failureRate: 0.04,
    retries: 1,
    retryDelaySeconds: 60,
  },
  {
    dagId: 'capstone_vector_store_pipeline',
    description: 'Embed processed documents and upsert them into the vector store',
    ...capstone('vector-store'),
    periodMinutes: 15,
    offsetMinutes: 2,
    tasks: [
      { taskId: 'generate_embeddings', meanSeconds: 280, spread: 0.2, pool: 'embedding_pool', failWeight: 1 },
      { taskId: 'upsert_vectors', meanSeconds: 50, spread: 0.3 },
    ],
    failureRate: 0.02,
    retries: 1,
    retryDelaySeconds: 60,
    // The embedding pool is saturated: runs queue and the embedding step crawls past its 20-minute SLA.
    slow: { sinceMinutesBeforeAnchor: 75, factor: 4.8, tasks: ['generate_embeddings'] },
    queueDelaySeconds: 40,
  },
  {
    dagId: 'etl_daily_sales',
    description: 'Load sales into the warehouse',
    tags: ['etl', 'sales'],
    owners: ['analytics'],
    periodMinutes: 30,
    offsetMinutes: 3,
    tasks: [
      { taskId: 'extract', meanSeconds: 60, spread: 0.2 },
      { taskId: 'transform', meanSeconds: 120, spread: 0.2 },
      { taskId: 'load', meanSeconds: 45, spread: 0.2 },
    ],
    failureRate: 0,
    retries: 2,
    retryDelaySeconds: 30,
  },
  {
    dagId: 'reports_hourly_kpis',
    description: 'Publish the hourly KPI report',
    tags: ['reporting'],
    owners: ['analytics'],
    periodMinutes: 60,
    offsetMinutes: 7,
    tasks: [
      { taskId: 'build_report', meanSeconds: 90, spread: 0.2 },
      { taskId: 'publish', meanSeconds: 10, spread: 0.3 },
    ],
    failureRate: 0,
    retries: 1,
    retryDelaySeconds: 60,
  },
  {
    dagId: 'ml_feature_refresh',
    description: 'Recompute ML features (an upstream table is flaky)',
    tags: ['ml'],
    owners: ['ml-platform'],
    periodMinutes: 10,
    offsetMinutes: 4,
    tasks: [
      { taskId: 'fetch_features', meanSeconds: 30, spread: 0.3 },
      { taskId: 'compute_features', meanSeconds: 120, spread: 0.3, failWeight: 1 },
    ],
    failureRate: 0.35,
    retries: 1,
    retryDelaySeconds: 30,
  },
  {
    dagId: 'partner_sftp_sync',
    description: 'Pull partner files over SFTP (the partner server drops connections)',
    tags: ['integration'],
    owners: ['integrations'],
    periodMinutes: 15,
    offsetMinutes: 6,
    tasks: [
      { taskId: 'poll_sftp', meanSeconds: 20, spread: 0.4, retryRate: 0.5, operator: 'SFTPSensor' },
      { taskId: 'load_files', meanSeconds: 40, spread: 0.3, failWeight: 1 },
    ],
    failureRate: 0.02,
    retries: 2,
    retryDelaySeconds: 30,
  },
  {
    dagId: 'warehouse_compaction',
    description: 'Compact warehouse tables (slower since the last schema change)',
    tags: ['warehouse'],
    owners: ['data-platform'],
    periodMinutes: 20,
    offsetMinutes: 8,
    tasks: [
      { taskId: 'compact_tables', meanSeconds: 240, spread: 0.15, failWeight: 1 },
      { taskId: 'vacuum', meanSeconds: 60, spread: 0.2 },
    ],
    failureRate: 0,
    retries: 1,
    retryDelaySeconds: 60,
    slow: { sinceMinutesBeforeAnchor: 120, factor: 3 },
  },
  {
    dagId: 'legacy_cleanup',
    description: 'Old cleanup job, paused',
    tags: ['legacy'],
    owners: ['data-platform'],
    periodMinutes: 60,
    offsetMinutes: 9,
    tasks: [{ taskId: 'cleanup', meanSeconds: 30, spread: 0.2 }],
    failureRate: 0,
    retries: 0,
    retryDelaySeconds: 60,
    pausedMinutesBeforeAnchor: 3 * 24 * 60,
  },
];

export const DEMO_POOLS: DemoPoolSpec[] = [
  {
    name: 'default_pool',
    slots: 128,
    description: 'Default pool',
    includeDeferred: false,
    background: { running: 0, queued: 0 },
  },
  {
    name: 'llm_pool',
    slots: 8,
    description: 'LLM API calls (rate-limited upstream)',
    includeDeferred: false,
    background: { running: 6, queued: 1 },
  },
  {
    name: 'embedding_pool',
    slots: 4,
    description: 'Embedding API calls',
    includeDeferred: false,
    background: { running: 3, queued: 2 },
  },
];

export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', password: 'admin', role: 'admin' },
  { username: 'viewer', password: 'viewer', role: 'viewer' },
];

export function createScenario(options: { seed?: number; anchor: Date }): DemoScenario {
  return {
    seed: options.seed ?? 42,
    anchorMs: options.anchor.getTime(),
    historyDays: 8,
    version: '3.3.2',
    // Copies: pausing from airtop changes a scenario's DAG, never the shared table (nor another server's).
    dags: DEMO_DAGS.map((dag) => ({ ...dag })),
    pools: DEMO_POOLS,
    users: DEMO_USERS,
  };
}
