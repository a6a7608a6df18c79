import { join } from 'node:path';
import { connectSource } from '../airflow/connect.js';
import { AirflowError } from '../airflow/errors.js';
import type { AirflowSource } from '../airflow/types.js';
import { startDemoServer } from '../airflow/demo/index.js';
import { ConfigError, defaultStateDir, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { runHeadless } from './headless.js';
import { runInteractive } from './interactive.js';
import { runOnce } from './once.js';

export interface MainFlags {
  url?: string;
  config?: string;
  demo: boolean;
  once: boolean;
  json: boolean;
  headless: boolean;
  metricsListen?: string;
  interval?: number;
  source?: string;
  db?: string;
  readonly: boolean;
  /** Attach the TUI to this hub instead of polling Airflow (README "Hub"). */
  attach?: string;
}

export interface ModeContext {
  config: Config;
  source: AirflowSource;
  stateDir: string;
  flags: MainFlags;
  clock: () => Date;
}

/** Exit codes follow the monitoring-plugin convention: 0 ok, 1 warning, 2 critical, 3 unknown. */
export const EXIT_UNKNOWN = 3;

export async function runMain(flags: MainFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    let demoEnv = env;
    if (flags.demo) {
      const demo = await startDemoServer();
      cleanups.push(() => demo.close());
      demoEnv = { ...env, AIRFLOW_URL: demo.url, AIRFLOW_USERNAME: demo.credentials.username, AIRFLOW_PASSWORD: demo.credentials.password };
      delete demoEnv.AIRFLOW_TOKEN;
    }
    const { config } = loadConfig(
      {
        ...(flags.config !== undefined ? { config: flags.config } : {}),
        ...(flags.url !== undefined && !flags.demo ? { url: flags.url } : {}),
        ...(flags.interval !== undefined ? { interval: flags.interval } : {}),
        ...(flags.source !== undefined ? { source: flags.source } : {}),
        ...(flags.db !== undefined ? { db: flags.db } : {}),
        readonly: flags.readonly,
      },
      demoEnv,
    );
    if (flags.demo) {
      // The demo polls often and watches every simulated DAG unless the config chose otherwise.
      if (flags.interval === undefined) config.interval = 10;
      if (config.dags.patterns.length === 0) config.dags.patterns = ['*'];
    }
    const attachTo = flags.attach ?? (flags.headless || flags.once || flags.demo ? undefined : config.hub.url);
    if (attachTo) {
      const { runAttach } = await import('./attach.js');
      const stateDir = config.alerts.state_dir ?? defaultStateDir(env);
      return await runAttach({ url: attachTo, config, env, stateDir });
    }
    const source = await connectSource(config);
    cleanups.push(() => source.close());
    const context: ModeContext = {
      config,
      source,
      // The demo keeps its own acks and alerts, apart from a real Airflow's.
      stateDir: config.alerts.state_dir ?? join(defaultStateDir(env), ...(flags.demo ? ['demo'] : [])),
      flags,
      clock: () => new Date(),
    };
    if (flags.once) return await runOnce(context);
    if (flags.headless) return await runHeadless(context);
    return await runInteractive(context);
  } catch (error) {
    process.stderr.write(`${describe(error)}\n`);
    if (flags.once && flags.json) process.stdout.write(`${JSON.stringify(unknownReport(describe(error)))}\n`);
    return EXIT_UNKNOWN;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

function describe(error: unknown): string {
  if (error instanceof ConfigError) return error.message.startsWith('airtop:') ? error.message : `airtop: ${error.message}`;
  if (error instanceof AirflowError) return `airtop: ${error.message}`;
  if (error instanceof Error) return `airtop: ${error.message}`;
  return `airtop: ${String(error)}`;
}

/** `--once --json` still prints JSON when it cannot produce a report, so scripts can parse every outcome. */
function unknownReport(reason: string) {
  return { timestamp: new Date().toISOString(), error: reason, summary: { health_score: null, alerts: [reason], overall: 'unknown' } };
}
