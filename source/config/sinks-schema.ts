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
    .strictObject({ webhook_url_env: secret.env, webhook_url_file: secret.file, enabled: z.boolean().default(true) })
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
      routing_key_env: secret.env,
      routing_key_file: secret.file,
      url: z.string().default('https://events.pagerduty.com/v2/enqueue'),
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
      api_key_env: secret.env,
      api_key_file: secret.file,
      pipeline_id: z.string().default('capstone-document-processor'),
      enabled: z.boolean().default(true),
    })
    .optional(),
  alertmanager: z
    .strictObject({ url: z.string(), resolve_timeout: durationSeconds.default(900), enabled: z.boolean().default(true) })
    .optional(),
  airflow_variables: z.strictObject({ enabled: z.boolean().default(true) }).optional(),
  /** Outbox retry policy. */
  retry: z
    .strictObject({
      initial: durationSeconds.default(0.5),
      max: durationSeconds.default(60),
      factor: z.number().min(1).default(1.5),
    })
    .prefault({}),
});
