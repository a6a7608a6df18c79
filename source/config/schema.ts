import { z } from 'zod';
import { durationSeconds, timerDuration } from './duration.js';
import { alertRoutingKeys, unconfiguredReceivers } from './alerts-schema.js';
import { sinksSchema } from './sinks-schema.js';

// Every default below is the reference's value (shared/spec), so existing consumers of its
// Variables, payloads and metric names keep working.

const rate = z.number().min(0).max(1);

export const REFERENCE_DAG_IDS = [
  'capstone_ingestion_pipeline',
  'capstone_processing_pipeline',
  'capstone_vector_store_pipeline',
];

const slaDagSchema = z.strictObject({
  /** Bounds the whole DAG run, counted from its start. */
  default: durationSeconds.optional(),
  tasks: z.record(z.string(), durationSeconds).default({}),
});

const MINUTE = 60;
/** SLAHandler.SLA_DEFINITIONS, in seconds. */
export const REFERENCE_SLAS = {
  capstone_ingestion_pipeline: {
    default: 60 * MINUTE,
    tasks: { scan_sources: 5 * MINUTE, download_documents: 30 * MINUTE },
  },
  capstone_processing_pipeline: {
    default: 120 * MINUTE,
    tasks: { extract_text: 15 * MINUTE, generate_summary: 30 * MINUTE, classify_document: 10 * MINUTE },
  },
  capstone_vector_store_pipeline: {
    default: 30 * MINUTE,
    tasks: { generate_embeddings: 20 * MINUTE, upsert_vectors: 10 * MINUTE },
  },
};

const channel = z.enum(['slack', 'email', 'pagerduty']);

/** An instance's name: its `instance` label, its --context name, its row in the JSON report. */
export const INSTANCE_NAME = /^[A-Za-z0-9_.-]{1,40}$/;

/** Override sections are checked key by key once merged over the top level (fleet/resolve.ts). */
const overrides = z.record(z.string(), z.unknown());

/**
 * One entry of `instances:` (README "Fleet"). Credentials may be named by environment variable (`*_env`)
 * or file; the rest of the top level is every instance's default and thresholds/sla/costs/window are
 * deep-merged over it.
 */
export const instanceSchema = z.strictObject({
  name: z.string().regex(INSTANCE_NAME, 'must be 1-40 characters of A-Z a-z 0-9 _ . -'),
  airflow: z.strictObject({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://localhost:8080' }),
    username: z.string().optional(),
    username_env: z.string().min(1).optional(),
    password: z.string().optional(),
    password_env: z.string().min(1).optional(),
    password_file: z.string().optional(),
    token: z.string().optional(),
    token_env: z.string().min(1).optional(),
    timeout: z.union([z.string(), z.number()]).optional(),
    max_in_flight: z.number().optional(),
    retries: z.number().optional(),
  }),
  source: z.enum(['rest', 'sql']).optional(),
  db: z
    .strictObject({
      url: z.string().optional(),
      url_env: z.string().min(1).optional(),
      statement_timeout: z.union([z.string(), z.number()]).optional(),
    })
    .optional(),
  dags: z
    .strictObject({
      ids: z.array(z.string().min(1)).optional(),
      patterns: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  interval: z.union([z.string(), z.number()]).optional(),
  window: overrides.optional(),
  thresholds: overrides.optional(),
  sla: overrides.optional(),
  costs: overrides.optional(),
});

export type InstanceInput = z.output<typeof instanceSchema>;

export const configSchema = z
  .strictObject({
    airflow: z
      .strictObject({
        url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://localhost:8080' }).optional(),
        username: z.string().optional(),
        password: z.string().optional(),
        /** A file whose first line is the password; keeps it out of the YAML. */
        password_file: z.string().optional(),
        /** A static bearer token instead of username/password. */
        token: z.string().optional(),
        timeout: timerDuration('airflow.timeout').default(30),
        // Airflow's API server is easily overloaded by list calls: never more than 4 at once.
        max_in_flight: z.number().int().min(1).max(4).default(4),
        retries: z.number().int().min(0).max(10).default(3),
      })
      .prefault({}),
    source: z.enum(['rest', 'sql']).default('rest'),
    db: z
      .strictObject({
        url: z.string().optional(),
        statement_timeout: timerDuration('db.statement_timeout').default(10),
      })
      .prefault({}),
    interval: timerDuration('the poll interval').default(300),
    readonly: z.boolean().default(false),
    /** `--once` gives up (exit 3) after this long in total, whatever Airflow does. */
    once_deadline: timerDuration('once_deadline').default(20),
    dags: z
      .strictObject({
        ids: z.array(z.string().min(1)).default(REFERENCE_DAG_IDS),
        /** Globs (`*`, `?`) matched against every DAG id; e.g. capstone_* */
        patterns: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
    window: z
      .strictObject({
        recent: durationSeconds.default(3600),
        baseline: durationSeconds.default(7 * 86400),
        baseline_samples: z.number().int().min(1).max(1000).default(50),
      })
      .prefault({}),
    thresholds: z
      .strictObject({
        success_rate_critical: rate.default(0.9),
        success_rate_warning: rate.default(0.95),
        avg_duration_increase_pct: z.number().min(0).default(50),
        pool_utilization_warning: rate.default(0.8),
        pool_utilization_critical: rate.default(0.95),
        retry_rate_warning: z.number().min(0).default(0.1),
      })
      .prefault({}),
    costs: z
      .strictObject({
        /** USD per 1K tokens (COST_RATES). */
        rates: z
          .strictObject({
            embedding_input: z.number().min(0).default(0.0001),
            llm_input: z.number().min(0).default(0.003),
            llm_output: z.number().min(0).default(0.015),
          })
          .prefault({}),
        daily_budget_usd: z.number().min(0).default(100),
        cost_per_document_threshold_usd: z.number().min(0).default(0.1),
      })
      .prefault({}),
    quality: z
      .strictObject({
        expected_embedding_dimensions: z.number().int().min(1).default(1536),
        recent_samples: z.number().int().min(1).default(100),
      })
      .prefault({}),
    processing: z
      .strictObject({
        stage_error_threshold: z.number().min(0).default(10),
        low_confidence_threshold: rate.default(0.7),
      })
      .prefault({}),
    sla: z
      .strictObject({
        definitions: z.record(z.string(), slaDagSchema).default(REFERENCE_SLAS),
        /** Count a task's SLA from its own start instead of its run's start (Airflow 2 counted from the run). */
        from_task_start: z.boolean().default(false),
        /** Lateness above which the escalation level becomes 2 and 3. */
        level2_after: durationSeconds.default(30 * MINUTE),
        level3_after: durationSeconds.default(60 * MINUTE),
        channels: z
          .strictObject({
            1: z.array(channel).default(['slack']),
            2: z.array(channel).default(['slack', 'email']),
            3: z.array(channel).default(['slack', 'email', 'pagerduty']),
          })
          .prefault({}),
        history_size: z.number().int().min(1).default(100),
      })
      .prefault({}),
    anomalies: z
      .strictObject({
        min_samples: z.number().int().min(3).default(5),
        /** A duration is unusual above median + k × 1.4826 × MAD. */
        mad_factor: z.number().min(1).default(3.5),
        /** ... and at least this many times the median. */
        min_ratio: z.number().min(1).default(1.5),
      })
      .prefault({}),
    variables: z
      .strictObject({
        processing_metrics: z.string().default('capstone_processing_metrics'),
        cost_metrics: z.string().default('capstone_cost_metrics'),
        quality_metrics: z.string().default('capstone_quality_metrics'),
        embedding_log: z.string().default('embedding_generation_log'),
        extraction_log: z.string().default('extraction_log'),
        llm_log: z.string().default('llm_response_log'),
        latest_metrics: z.string().default('capstone_latest_metrics'),
        quality_report: z.string().default('capstone_quality_report'),
        sla_history: z.string().default('sla_miss_history'),
        /** Variables larger than this are refused rather than parsed. */
        max_bytes: z.number().int().min(1024).default(5_000_000),
      })
      .prefault({}),
    alerts: z
      .strictObject({
        repeat_interval: durationSeconds.default(4 * 3600),
        /** Where acks, silences, alert state and the outbox live; default $XDG_STATE_HOME/airtop. */
        state_dir: z.string().optional(),
        ...alertRoutingKeys,
      })
      .prefault({}),
    sinks: sinksSchema.prefault({}),
    /** Several Airflows watched at once (README "Fleet"); resolved into one Config each by fleet/resolve.ts. */
    instances: z
      .array(instanceSchema)
      .min(1, 'needs at least one instance (or drop instances: for one Airflow)')
      .optional(),
    /** The team hub (README "Hub"). Tokens are never here: AIRTOP_HUB_TOKEN / AIRTOP_HUB_READONLY_TOKEN (or *_FILE). */
    hub: z
      .strictObject({
        /** Attach the TUI to this hub (like --attach) instead of polling Airflow. */
        url: z.url({ protocol: /^https?$/, error: 'must be the hub URL, e.g. https://airtop-hub:9464' }).optional(),
        /** The daemon serves the metrics listener (and hub) over HTTPS with these PEM files. */
        tls_cert: z.string().optional(),
        tls_key: z.string().optional(),
        /** An attached TUI trusts this PEM CA (a hub with a private certificate). */
        ca: z.string().optional(),
        max_streams: z.number().int().min(1).max(10_000).default(100),
        /** HA: a daemon that has not renewed its lease on the state dir for this long is replaced by a standby. */
        lease_ttl: durationSeconds.pipe(z.number().min(3)).default(30),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    // A route naming a receiver with no sink would drop its alerts without a word: refuse it.
    const configured = new Set(
      Object.entries(config.sinks)
        .filter(([, s]) => s && typeof s === 'object' && 'enabled' in s && s.enabled)
        .map(([name]) => name),
    );
    for (const { path, receiver } of unconfiguredReceivers(config.alerts, configured)) {
      const have = ['slack', 'email', 'pagerduty'].filter((r) => configured.has(r));
      ctx.addIssue({
        code: 'custom',
        path,
        message: `receiver "${receiver}" has no sink configured (add sinks.${receiver}); configured receivers: ${have.join(', ') || 'none'}`,
      });
    }
  });

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type SlaChannel = z.infer<typeof channel>;
