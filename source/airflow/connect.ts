import type { Config } from '../config/schema.js';
import { ConfigError } from '../config/load.js';
import { createRestSource, type RestSourceOptions } from './rest/index.js';
import { createSqlSource } from './sql/index.js';
import type { AirflowSource } from './types.js';

/** What to say when nothing names an Airflow; `configPath` is where the config would be read ($XDG_CONFIG_HOME honoured). */
export const noAirflowMessage = (configPath = '~/.config/airtop/config.yaml'): string =>
  [
    'airtop: no Airflow to watch.',
    `  Point it at one:   airtop --url http://localhost:8080   (or AIRFLOW_URL, or airflow.url in ${configPath})`,
    '  with credentials:  AIRFLOW_USERNAME / AIRFLOW_PASSWORD, or AIRFLOW_TOKEN',
    '  or read its metadata DB: airtop --source sql --db postgres://user@host:5432/airflow',
    '  or try the demo:   airtop --demo',
  ].join('\n');
export const NO_AIRFLOW_MESSAGE = noAirflowMessage();

function variableNames(config: Config): string[] {
  const { max_bytes: _maxBytes, ...names } = config.variables;
  return Object.values(names);
}

export function restOptions(config: Config, url: string): RestSourceOptions {
  const { airflow } = config;
  const auth: RestSourceOptions['auth'] = airflow.token
    ? { kind: 'token', token: airflow.token }
    : airflow.username
      ? { kind: 'password', username: airflow.username, password: airflow.password ?? '' }
      : { kind: 'none' };
  return {
    url,
    auth,
    timeoutSeconds: airflow.timeout,
    maxInFlight: airflow.max_in_flight,
    retries: airflow.retries,
    dags: config.dags,
    window: {
      recentSeconds: config.window.recent,
      baselineSeconds: config.window.baseline,
      baselineSamples: config.window.baseline_samples,
    },
    variables: variableNames(config),
    maxVariableBytes: config.variables.max_bytes,
  };
}

/** The source the configuration asks for. REST needs a URL; SQL needs a DB URL and uses REST, when given, for Variables and logs. */
/** `urlSetting` names where the URL is set when Airflow cannot be reached (a fleet instance's airflow.url). */
export async function connectSource(config: Config, configPath?: string, urlSetting?: string): Promise<AirflowSource> {
  const url = config.airflow.url;
  const rest = (at: string) => createRestSource({ ...restOptions(config, at), ...(urlSetting ? { urlSetting } : {}) });
  if (config.source === 'sql') {
    if (!config.db.url)
      throw new ConfigError('--source sql needs --db postgres://user@host:5432/airflow (or db.url in the config file)');
    const variablesRest = url ? await rest(url) : null;
    return createSqlSource({
      dbUrl: config.db.url,
      statementTimeoutSeconds: config.db.statement_timeout,
      dags: config.dags,
      window: {
        recentSeconds: config.window.recent,
        baselineSeconds: config.window.baseline,
        baselineSamples: config.window.baseline_samples,
      },
      variables: { source: variablesRest, names: variableNames(config) },
      ...(url ? { url } : {}),
    });
  }
  if (!url) throw new ConfigError(noAirflowMessage(configPath));
  return rest(url);
}
