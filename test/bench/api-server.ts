// Only Airflow's api-server, on a bench database, for the REST source to poll. The e2e harness
// (test/e2e/airflow) starts a whole Airflow on a fresh database; here the scheduler must not run: it would
// fail the synthetic "running" tasks (no heartbeats) and compete for the 2 cores during measurements.
// What is shared with the harness: its cached venv (venv.sh), its users and its free-port helper.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, harnessDir, HARNESS_USERS } from '../e2e/airflow/harness.js';

export interface ApiServer {
  url: string;
  user: { username: string; password: string };
  stop(): Promise<void>;
}

export function airflowVenv(): string {
  const result = spawnSync('bash', [join(harnessDir(), 'venv.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const venv = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || venv === '') throw new Error(`test/e2e/airflow/venv.sh failed (exit ${result.status})`);
  return venv;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startApiServer(
  dbName: string,
  opts: { venv?: string; timeoutMs?: number } = {},
): Promise<ApiServer> {
  const venv = opts.venv ?? airflowVenv();
  const home = mkdtempSync(join(tmpdir(), 'airtop-bench-api-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const passwords = Object.fromEntries(Object.values(HARNESS_USERS).map((u) => [u.username, u.password]));
  writeFileSync(join(home, 'passwords.json'), JSON.stringify(passwords));
  const env: NodeJS.ProcessEnv = {
    PATH: `${venv}/bin:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME,
    AIRFLOW_HOME: home,
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `postgresql+psycopg2://postgres@127.0.0.1:5432/${dbName}`,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__DAGS_FOLDER: join(home, 'dags'),
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: 'admin:admin,op:op,viewer:viewer',
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE: join(home, 'passwords.json'),
    AIRFLOW__API__HOST: '127.0.0.1',
    AIRFLOW__API__PORT: String(port),
    AIRFLOW__API__BASE_URL: url,
    AIRFLOW__API__WORKERS: '1',
    AIRFLOW__API__SECRET_KEY: 'airtop-bench-api-secret',
    AIRFLOW__API_AUTH__JWT_SECRET: 'airtop-bench-jwt-secret-of-at-least-32-bytes',
    AIRFLOW__LOGGING__LOGGING_LEVEL: 'WARNING',
    NO_PROXY: '127.0.0.1,localhost',
  };
  const logPath = join(home, 'api-server.log');
  const log = openSync(logPath, 'a');
  const child = spawn(
    join(venv, 'bin', 'airflow'),
    ['api-server', '--host', '127.0.0.1', '--port', String(port), '--workers', '1'],
    {
      env,
      stdio: ['ignore', log, log],
      detached: true,
    },
  );
  const stop = async () => {
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        break;
      }
      if (await waitForExit(child, 10_000)) break;
    }
    rmSync(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}/api/v2/version`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return { url, user: { ...HARNESS_USERS.admin }, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const tail = readFileSync(logPath, 'utf8').split('\n').slice(-30).join('\n');
  await stop();
  throw new Error(`airflow api-server on ${dbName} did not answer ${url}/api/v2/version in time. Log tail:\n${tail}`);
}
