import { join } from 'node:path';
import { connectSource } from '../airflow/connect.js';
import { startDemoServer } from '../demo/index.js';
import { defaultConfigPath, defaultStateDir, loadConfig } from '../config/load.js';
import { EXIT_UNKNOWN, type MainFlags, type ModeContext } from './context.js';
import { runHeadless } from './headless.js';
import { runInteractive } from './interactive.js';
import { runOnce } from './once.js';
import { prepareStateDir } from '../persist/state-dir.js';
import { redactSecrets } from '../text/redact.js';
import { sanitizeText } from '../text/sanitize.js';

export async function runMain(flags: MainFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    let demoEnv = env;
    if (flags.demo) {
      const demo = await startDemoServer();
      cleanups.push(() => demo.close());
      demoEnv = {
        ...env,
        AIRFLOW_URL: demo.url,
        AIRFLOW_USERNAME: demo.credentials.username,
        AIRFLOW_PASSWORD: demo.credentials.password,
      };
      delete demoEnv.AIRFLOW_TOKEN;
    }
    const { config, file: configFile } = loadConfig(
      {
        ...(flags.config !== undefined ? { config: flags.config } : {}),
        ...(flags.url !== undefined && !flags.demo ? { url: flags.url } : {}),
        ...(flags.interval !== undefined ? { interval: flags.interval } : {}),
        ...(flags.deadline !== undefined ? { deadline: flags.deadline } : {}),
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
    const source = await connectSource(config, configFile ?? defaultConfigPath(env));
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
    // Checked up front, bounded: a state dir that cannot be created (e.g. under /proc) is a config error.
    prepareStateDir(context.stateDir);
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

export function describe(error: unknown): string {
  const message = safeMessage(error instanceof Error ? error.message : String(error));
  // "airtop needs an interactive terminal" already names the program: no "airtop: airtop ...".
  return /^airtop\b/.test(message) ? message : `airtop: ${message}`;
}

/** stderr is a terminal too: no escape sequence from Airflow and no echoed secret in what is printed there. */
function safeMessage(text: string): string {
  return redactSecrets(sanitizeText(text, { multiline: true, max: 4000 }));
}

/** `--once --json` still prints JSON when it cannot produce a report, so scripts can parse every outcome. */
function unknownReport(reason: string) {
  return {
    timestamp: new Date().toISOString(),
    error: reason,
    summary: { health_score: null, alerts: [reason], overall: 'unknown' },
  };
}
