import { join } from 'node:path';
import { connectSource } from '../airflow/connect.js';
import { MAX_DEMO_INSTANCES, MIN_DEMO_INSTANCES, startDemoFleet, startDemoServer } from '../demo/index.js';
import { openInstanceSource } from '../fleet/source.js';
import type { InstanceContext } from '../fleet/types.js';
import { ConfigError, defaultConfigPath, defaultStateDir, loadConfig } from '../config/load.js';
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
    /** --demo --demo-instances N: the simulated Airflows, as the config's instances (null: plain --demo). */
    let demoInstances: Record<string, unknown>[] | null | undefined;
    const demoCount = flags.demoInstances === undefined ? undefined : demoInstanceCount(flags.demoInstances);
    if (flags.demo && demoCount !== undefined) {
      const fleet = await startDemoFleet(demoCount);
      cleanups.push(() => Promise.all(fleet.map((d) => d.server.close())).then(() => undefined));
      demoInstances = fleet.map((d) => ({
        name: d.name,
        airflow: {
          url: d.server.url,
          username: d.server.credentials.username,
          password: d.server.credentials.password,
        },
      }));
    } else if (flags.demo) {
      demoInstances = null;
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
    const loaded = loadConfig(
      {
        ...(flags.config !== undefined ? { config: flags.config } : {}),
        ...(flags.url !== undefined && !flags.demo ? { url: flags.url } : {}),
        ...(flags.interval !== undefined ? { interval: flags.interval } : {}),
        ...(flags.deadline !== undefined ? { deadline: flags.deadline } : {}),
        ...(flags.source !== undefined ? { source: flags.source } : {}),
        ...(flags.db !== undefined ? { db: flags.db } : {}),
        ...(flags.context !== undefined ? { context: flags.context } : {}),
        ...(demoInstances !== undefined ? { instances: demoInstances } : {}),
        readonly: flags.readonly,
      },
      demoEnv,
    );
    if (flags.demo) {
      // The demo polls often and watches every simulated DAG unless the config chose otherwise.
      for (const { config: each } of loaded.instances) {
        if (flags.interval === undefined) each.interval = 10;
        if (each.dags.patterns.length === 0) each.dags.patterns = ['*'];
      }
    }
    const { config } = loaded;
    const configPath = loaded.file ?? defaultConfigPath(env);
    const attachTo = flags.attach ?? (flags.headless || flags.once || flags.demo ? undefined : config.hub.url);
    if (attachTo) {
      const { runAttach } = await import('./attach.js');
      const stateDir = config.alerts.state_dir ?? defaultStateDir(env);
      return await runAttach({
        url: attachTo,
        config,
        env,
        stateDir,
        ...(loaded.fleet ? { instances: loaded.instances, configPath } : {}),
      });
    }
    let instances: InstanceContext[];
    if (!loaded.fleet) {
      // One Airflow: a source that cannot open is a start-up error (exit 3), as it always was.
      const source = await connectSource(config, configPath);
      cleanups.push(() => source.close());
      instances = [{ ...loaded.instances[0]!, source }];
    } else {
      // A fleet: an instance that cannot open is UNKNOWN with its reason; the others run.
      instances = await Promise.all(
        loaded.instances.map(async (spec) => ({ ...spec, source: await openInstanceSource(spec, configPath) })),
      );
      for (const instance of instances) cleanups.push(() => instance.source.close());
    }
    const context: ModeContext = {
      config,
      source: instances[0]!.source,
      instances,
      fleet: loaded.fleet,
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

/** --demo-instances N: a whole number within the bounds (cli-args.ts checks it first; this is for callers that skip it). */
function demoInstanceCount(value: number | string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_DEMO_INSTANCES || n > MAX_DEMO_INSTANCES)
    throw new ConfigError(
      `--demo-instances must be a whole number from ${MIN_DEMO_INSTANCES} to ${MAX_DEMO_INSTANCES} (got "${String(value)}")`,
    );
  return n;
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
