import type { Config } from '../config/schema.js';
import { createAirflowVariablesSink, type VariableWriter, type VariablesPayload } from './airflow-variables.js';
import { createAlertmanagerSink } from './alertmanager.js';
import { createDashboardSink } from './dashboard.js';
import { createEmailSink } from './email.js';
import { createPagerDutySink } from './pagerduty.js';
import { createPushgatewaySink } from './pushgateway.js';
import { readSecret } from './secrets.js';
import { createSlackSink } from './slack.js';
import { fanoutSink } from './fanout.js';
import type { Sink } from './types.js';

// Config → sinks. A sink whose secret is missing is left out with a message saying what to set; the
// others still run. Nothing here prints a secret.

/** The sinks that receive alert notifications (the rest get the latest state each poll). */
export const ALERT_CHANNELS = ['slack', 'email', 'pagerduty'] as const;

export interface BuiltSinks {
  sinks: Sink[];
  problems: string[];
}

/** Fleet mode: each instance's name and how to write its own Airflow's Variables. */
export interface FleetSinkTarget {
  name: string;
  variableWriter: VariableWriter | null;
}

export function buildSinks(
  config: Config,
  deps: { variableWriter: VariableWriter | null; env?: NodeJS.ProcessEnv; instances?: readonly FleetSinkTarget[] },
): BuiltSinks {
  const fleet = deps.instances;
  const env = deps.env ?? process.env;
  const s = config.sinks;
  const sinks: Sink[] = [];
  const problems: string[] = [];

  // A secret in the environment does not switch a sink on (the config says what runs), but it shows the
  // intent: say why nothing will be sent rather than stay silent.
  for (const [variable, section] of [
    ['AIRTOP_SLACK_WEBHOOK_URL', 'slack'],
    ['AIRTOP_PAGERDUTY_ROUTING_KEY', 'pagerduty'],
  ] as const) {
    if (env[variable] && !s[section]) {
      problems.push(
        `${variable} is set but the config has no sinks.${section} section, so nothing is sent to ${section === 'slack' ? 'Slack' : 'PagerDuty'}; add "sinks: { ${section}: {} }" to the config file to turn it on`,
      );
    }
  }

  if (s.slack?.enabled) {
    const url = readSecret(
      { env: s.slack.webhook_url_env, file: s.slack.webhook_url_file },
      'sinks.slack webhook URL',
      env,
    );
    if (url.ok) sinks.push(createSlackSink({ webhookUrl: url.value }));
    else problems.push(`${url.error}; Slack notifications are off`);
  }

  if (s.email?.enabled) {
    let password: string | undefined;
    if (s.email.password_env || s.email.password_file) {
      const read = readSecret({ env: s.email.password_env, file: s.email.password_file }, 'sinks.email password', env);
      if (read.ok) password = read.value;
      else problems.push(`${read.error}; sending email without authentication`);
    }
    sinks.push(
      createEmailSink({
        host: s.email.host,
        port: s.email.port,
        secure: s.email.secure,
        ignoreTls: s.email.ignore_tls,
        username: s.email.username,
        password,
        from: s.email.from,
        to: s.email.to,
      }),
    );
  }

  if (s.pagerduty?.enabled) {
    const key = readSecret(
      { env: s.pagerduty.routing_key_env, file: s.pagerduty.routing_key_file },
      'sinks.pagerduty routing key',
      env,
    );
    if (key.ok)
      sinks.push(
        createPagerDutySink({
          routingKey: key.value,
          url: s.pagerduty.url,
          source: s.pagerduty.source ?? airflowHost(config),
        }),
      );
    else problems.push(`${key.error}; PagerDuty notifications are off`);
  }

  if (s.pushgateway?.enabled) {
    const { url, job, grouping } = s.pushgateway;
    // In a fleet each instance is its own group (grouping key `instance`), so one push never replaces another's.
    if (fleet)
      sinks.push(
        fanoutSink(
          'pushgateway',
          new Map(
            fleet.map((i) => [
              i.name,
              createPushgatewaySink({ url, job, grouping: { ...grouping, instance: i.name } }),
            ]),
          ),
        ),
      );
    else sinks.push(createPushgatewaySink({ url, job, grouping }));
  }

  if (s.dashboard?.enabled) {
    let apiKey: string | null = null;
    if (s.dashboard.api_key_env || s.dashboard.api_key_file) {
      const read = readSecret(
        { env: s.dashboard.api_key_env, file: s.dashboard.api_key_file },
        'sinks.dashboard API key',
        env,
      );
      if (read.ok) apiKey = read.value;
      else problems.push(`${read.error}; the dashboard status is sent without Authorization`);
    }
    const dashboard = createDashboardSink({ url: s.dashboard.url, apiKey });
    // In a fleet one status per instance, each naming its instance.
    sinks.push(fleet ? fanoutSink('dashboard', new Map(fleet.map((i) => [i.name, dashboard]))) : dashboard);
  }

  if (s.alertmanager?.enabled) sinks.push(createAlertmanagerSink({ url: s.alertmanager.url }));

  if (s.airflow_variables?.enabled && fleet && !config.readonly) {
    const appendLists = { [config.variables.sla_history]: config.sla.history_size };
    const targets = new Map<string, Sink<VariablesPayload>>();
    for (const i of fleet) {
      if (i.variableWriter) targets.set(i.name, createAirflowVariablesSink(i.variableWriter, { appendLists }));
      else
        problems.push(
          `sinks.airflow_variables: instance ${i.name} has no REST source (Variables are written through the API); not written there`,
        );
    }
    if (targets.size > 0) sinks.push(fanoutSink('airflow_variables', targets));
  } else if (s.airflow_variables?.enabled) {
    if (config.readonly)
      problems.push('sinks.airflow_variables is on but airtop runs --readonly; Variables are not written');
    else if (!deps.variableWriter)
      problems.push(
        'sinks.airflow_variables needs the REST source (Variables are written through the API); not written',
      );
    else
      sinks.push(
        createAirflowVariablesSink(deps.variableWriter, {
          appendLists: { [config.variables.sla_history]: config.sla.history_size },
        }),
      );
  }

  return { sinks, problems };
}

function airflowHost(config: Config): string {
  try {
    return config.airflow.url ? new URL(config.airflow.url).host : 'airtop';
  } catch {
    return 'airtop';
  }
}
