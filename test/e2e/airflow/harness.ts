// Starts and stops one real Apache Airflow 3, or 2.11 with major: 2 (the scripts next to this file do the work; up.sh/down.sh run
// the same scripts by hand). Used by the e2e suite's globalSetup and by the bench. Node built-ins only, so
// it compiles in both builds.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AirflowUser {
  username: string;
  password: string;
}

export type AirflowMajor = 2 | 3;

export interface AirflowHarness {
  /** 3: Airflow 3.3 (api-server, /api/v2, JWT); 2: Airflow 2.11 (webserver, /api/v1, HTTP Basic). */
  major: AirflowMajor;
  /** The api-server (Airflow 2: the webserver), e.g. http://127.0.0.1:41234 */
  url: string;
  /** postgres://postgres@127.0.0.1:5432/<db> */
  dbUrl: string;
  /** The harness home: AIRFLOW_HOME is home/airflow, daemon logs are home/logs/*.log. */
  home: string;
  users: { admin: AirflowUser; op: AirflowUser; viewer: AirflowUser };
  /** The Airflow processes' environment (AIRFLOW_HOME, AIRFLOW__*, PATH with the venv): runs the `airflow` CLI. */
  env: Record<string, string>;
  stopApiServer(): Promise<void>;
  /** Starts it again and resolves once the API answers and every component is healthy. */
  startApiServer(): Promise<void>;
  /** Stops every process it started, drops the database, removes home (kept when AIRTOP_E2E_KEEP=1). */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Default: AIRTOP_E2E_AIRFLOW, else 3. */
  major?: AirflowMajor;
  dbName?: string;
  dagsFolder?: string;
  log?: (line: string) => void;
  /** Whole start-up, venv creation included; default 20 minutes (a cold venv on 2 cores takes a few). */
  timeoutMs?: number;
}

/** Which Airflow AIRTOP_E2E_AIRFLOW asks for (2 or 3; 3 when unset); anything else is a mistake worth saying. */
export function majorFromEnv(value = process.env.AIRTOP_E2E_AIRFLOW): AirflowMajor {
  if (value === undefined || value === '' || value === '3') return 3;
  if (value === '2') return 2;
  throw new Error(`AIRTOP_E2E_AIRFLOW must be 2 or 3, got '${value}'`);
}

/** Pinned in start.sh (passwords.json); SimpleAuthManager roles admin, op, viewer (Airflow 2: FAB Admin, Op, Viewer). */
export const HARNESS_USERS = {
  admin: { username: 'admin', password: 'admin-pw' },
  op: { username: 'op', password: 'op-pw' },
  viewer: { username: 'viewer', password: 'viewer-pw' },
} as const satisfies AirflowHarness['users'];

/** test/e2e/airflow in the repo, whether this runs from source (vitest) or compiled (dist-bench/...). */
export function harnessDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'test', 'e2e', 'airflow');
    if (existsSync(join(candidate, 'start.sh'))) return candidate;
    if (existsSync(join(dir, 'start.sh')) && existsSync(join(dir, 'requirements.lock'))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`cannot find test/e2e/airflow/start.sh above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

interface ScriptResult {
  code: number | null;
  output: string[];
}

/** Runs one harness script; every output line goes to `log`; kills its process group after timeoutMs. */
function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  timeoutMs: number,
) {
  return new Promise<ScriptResult>((done) => {
    const child = spawn('bash', [join(harnessDir(), script), ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const output: string[] = [];
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        output.push(line);
        log(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      log(
        `airflow harness: ${script} ${args.join(' ')} took longer than ${Math.round(timeoutMs / 1000)} s; killing it`,
      );
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

function scriptEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AIRTOP_E2E_HOME: home, ...extra };
  // Never inherit another harness's marker or Airflow settings from the calling shell.
  for (const key of Object.keys(env)) {
    if (key.startsWith('AIRFLOW__') || key === 'AIRFLOW_HOME' || key === 'AIRTOP_E2E_DAEMON_OF') delete env[key];
  }
  return env;
}

/** Airflow 2's HTTPS goes through reference.test.ts's PagerDuty capture (common.sh); loopback stays direct. */
const PROXY_ENV = new Set(['NO_PROXY', 'no_proxy', 'HTTPS_PROXY', 'https_proxy', 'REQUESTS_CA_BUNDLE']);

/** The environment the Airflow processes run with, as airflow.env defines it. */
function airflowEnv(home: string): Record<string, string> {
  const result = spawnSync('bash', ['-c', `source "${home}/airflow.env" && env -0`], {
    encoding: 'utf8',
    env: scriptEnv(home),
  });
  const env: Record<string, string> = {};
  for (const entry of result.stdout.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    if (key.startsWith('AIRFLOW') || key.startsWith('AIRTOP_E2E_') || PROXY_ENV.has(key) || key === 'PATH') {
      env[key] = entry.slice(eq + 1);
    }
  }
  return env;
}

/** The last lines of every daemon log, for a failure message (start.sh prints them itself unless it was killed). */
function logTails(home: string, lines = 40): string[] {
  const dir = join(home, 'logs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .flatMap((name) => [
      `----- last ${lines} lines of ${join(dir, name)}`,
      ...readFileSync(join(dir, name), 'utf8').trimEnd().split('\n').slice(-lines),
    ]);
}

export async function startAirflow(opts: StartOptions = {}): Promise<AirflowHarness> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const home = mkdtempSync(join(tmpdir(), 'airtop-e2e-'));
  const port = await freePort();
  const major = opts.major ?? majorFromEnv();
  const db =
    opts.dbName ?? `airtop_e2e${major === 2 ? '2' : ''}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const extra: Record<string, string> = {
    AIRTOP_E2E_DB: db,
    AIRTOP_E2E_PORT: String(port),
    AIRTOP_E2E_AIRFLOW: String(major),
  };
  if (opts.dagsFolder) extra.AIRTOP_E2E_DAGS = resolve(opts.dagsFolder);
  const env = scriptEnv(home, extra);

  let stopped = false;
  const stopSync = () => {
    // Last resort when the Node process exits without calling stop(): never leave daemons behind.
    if (!stopped) spawnSync('bash', [join(harnessDir(), 'stop.sh')], { env, stdio: 'ignore' });
  };
  process.once('exit', stopSync);

  const stop = async () => {
    if (stopped) return;
    const result = await runScript('stop.sh', [], env, log, 120_000);
    stopped = true;
    process.removeListener('exit', stopSync);
    if (result.code !== 0)
      throw new Error(`stopping the harness Airflow failed (exit ${result.code}); see ${home}/logs`);
    if (process.env.AIRTOP_E2E_KEEP !== '1') rmSync(home, { recursive: true, force: true });
  };

  const started = await runScript('start.sh', [], env, log, opts.timeoutMs ?? 20 * 60_000);
  if (started.code !== 0) {
    if (!started.output.some((line) => line.includes('log tails follow'))) logTails(home).forEach((line) => log(line));
    // start.sh stops what it started on its own failures; this also covers it being killed on timeout.
    await runScript('stop.sh', [], env, log, 120_000);
    stopped = true;
    process.removeListener('exit', stopSync);
    const tail = started.output.slice(-15).join('\n');
    throw new Error(
      `the harness Airflow did not start (exit ${started.code}); logs in ${home}/logs. Last lines:\n${tail}`,
    );
  }

  const daemon = async (action: 'start' | 'stop') => {
    const result = await runScript('daemon.sh', [action, 'api'], env, log, 300_000);
    if (result.code !== 0)
      throw new Error(
        `daemon.sh ${action} api failed (exit ${result.code}); see ${home}/logs/${major === 2 ? 'webserver' : 'api-server'}.log`,
      );
  };

  return {
    major,
    url: `http://127.0.0.1:${port}`,
    dbUrl: `postgres://postgres@127.0.0.1:5432/${db}`,
    home,
    users: {
      admin: { ...HARNESS_USERS.admin },
      op: { ...HARNESS_USERS.op },
      viewer: { ...HARNESS_USERS.viewer },
    },
    env: airflowEnv(home),
    stopApiServer: () => daemon('stop'),
    startApiServer: () => daemon('start'),
    stop,
  };
}

/**
 * Uses an Airflow that up.sh (or start.sh) already started in `home`, e.g. to rerun e2e tests quickly by hand:
 * `AIRTOP_E2E_ATTACH=.airtop-e2e/airflow npm run test:e2e`. Its stop() leaves that Airflow running (down.sh stops it).
 */
export function attachAirflow(home: string): AirflowHarness {
  const file = join(home, 'harness.env');
  if (!existsSync(file))
    throw new Error(`${file} is missing: start an Airflow there with test/e2e/airflow/up.sh first`);
  const values = Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const env = scriptEnv(home);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const daemon = async (action: 'start' | 'stop') => {
    const result = await runScript('daemon.sh', [action, 'api'], env, log, 300_000);
    if (result.code !== 0) throw new Error(`daemon.sh ${action} api failed (exit ${result.code}); see ${home}/logs`);
  };
  return {
    major: majorFromEnv(values.AIRTOP_E2E_AIRFLOW ?? '3'),
    url: `http://127.0.0.1:${values.AIRTOP_E2E_PORT}`,
    dbUrl: `postgres://postgres@127.0.0.1:5432/${values.AIRTOP_E2E_DB}`,
    home,
    users: { admin: { ...HARNESS_USERS.admin }, op: { ...HARNESS_USERS.op }, viewer: { ...HARNESS_USERS.viewer } },
    env: airflowEnv(home),
    stopApiServer: () => daemon('stop'),
    startApiServer: () => daemon('start'),
    stop: async () => undefined,
  };
}
