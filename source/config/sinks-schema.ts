import { z } from 'zod';
import { durationSeconds } from './duration.js';

// Each sink is optional. Secrets (webhook URLs, routing keys, passwords, API keys) come from an env
// variable (`*_env`) or a file (`*_file`) so the YAML can be committed; they are never printed.

const secret = {
  env: z.string().optional(),
  file: z.string().optional(),
};

export const sinksSchema = z.strictObject({
  slack: z
    .strictObject({
      /** The env variable holding the incoming-webhook URL (the URL is the secret). A *_file wins when both are set. */
      webhook_url_env: z.string().default('AIRTOP_SLACK_WEBHOOK_URL'),
      webhook_url_file: secret.file,
      enabled: z.boolean().default(true),
    })
    .optional(),
  email: z
    .strictObject({
      host: z.string(),
      port: z.number().int().min(1).max(65535).default(25),
      secure: z.boolean().default(false),
      ignore_tls: z.boolean().default(false),
      username: z.string().optional(),
      password_env: secret.env,
      password_file: secret.file,
      from: z.string().default('airtop@localhost'),
      /** The reference's sla_email_recipients. */
      to: z.array(z.string()).min(1).default(['team@example.com']),
      enabled: z.boolean().default(true),
    })
    .optional(),
  pagerduty: z
    .strictObject({
      /** The Events API v2 integration (routing) key, 32 characters. */
      routing_key_env: z.string().default('AIRTOP_PAGERDUTY_ROUTING_KEY'),
      routing_key_file: secret.file,
      url: z.string().default('https://events.pagerduty.com/v2/enqueue'),
      /** payload.source; default: the Airflow host. */
      source: z.string().optional(),
      enabled: z.boolean().default(true),
    })
    .optional(),
  pushgateway: z
    .strictObject({
      url: z.string(),
      job: z.string().default('capstone_pipeline'),
      grouping: z.record(z.string(), z.string()).default({}),
      enabled: z.boolean().default(true),
    })
    .optional(),
  dashboard: z
    .strictObject({
      url: z.string(),
      /** Optional: without a key the status is POSTed without Authorization, as the reference does. */
      api_key_env: secret.env,
      api_key_file: secret.file,
      pipeline_id: z.string().default('capstone-document-processor'),
      enabled: z.boolean().default(true),
    })
    .optional(),
  alertmanager: z
    .strictObject({
      url: z.string(),
      resolve_timeout: durationSeconds.default(900),
      enabled: z.boolean().default(true),
    })
    .optional(),
  airflow_variables: z.strictObject({ enabled: z.boolean().default(true) }).optional(),
  /** The headless daemon's Prometheus scrape endpoint (/metrics, /healthz). */
  metrics: z
    .strictObject({
      listen: z
        .string()
        .regex(/^[^\s:]*:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9464')
        .default('127.0.0.1:9464'),
      enabled: z.boolean().default(true),
    })
    .prefault({}),
  /** Outbox retry policy. */
  retry: z
    .strictObject({
      initial: durationSeconds.default(0.5),
      max: durationSeconds.default(60),
      factor: z.number().min(1).default(1.5),
    })
    .prefault({}),
});
