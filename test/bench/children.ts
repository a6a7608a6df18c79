// Runs one measurement in a child process with a time budget: a forked bench worker (Node) or the
// reference's Python collector. Past the budget the child's process group is killed and what it reached is
// reported instead of a result.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CountingProxy } from './proxy.js';
import { repoRoot } from './schema.js';
import type { PollFigures, WorkerMessage, WorkerResult, WorkerTask } from './worker.js';

export type Outcome<T> =
  | { ok: true; value: T; seconds: number }
  /** `completed`: the polls a worker finished before it was stopped. */
  | {
      ok: false;
      reason: string;
      seconds: number;
      progress: string | null;
      completed?: PollFigures[];
      reached?: { poll: number; calls: number };
    };

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function runWorker(
  task: WorkerTask,
  opts: { proxy: CountingProxy | null; budgetSeconds: number; nodeFlags?: string[] },
): Promise<Outcome<WorkerResult>> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const child = fork(new URL('./worker.js', import.meta.url), [JSON.stringify(task)], {
    execArgv: ['--expose-gc', ...(opts.nodeFlags ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  let progress: string | null = null;
  const completed: PollFigures[] = [];
  let reached: { poll: number; calls: number } | undefined;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome<WorkerResult>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup(child.pid);
      resolve(outcome);
    };
    const timer = setTimeout(
      () =>
        settle({
          ok: false,
          reason: `stopped at the ${opts.budgetSeconds} s budget`,
          seconds: seconds(),
          progress,
          completed,
          ...(reached ? { reached } : {}),
        }),
      opts.budgetSeconds * 1000,
    );
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'counts?')
        child.send({
          type: 'counts',
          id: message.id,
          counts: opts.proxy?.counts() ?? { sent: 0, received: 0, connections: 0 },
        });
      else if (message.type === 'progress') {
        progress = `poll ${message.poll + 1}: ${message.calls} calls so far`;
        reached = { poll: message.poll, calls: message.calls };
      } else if (message.type === 'poll') completed.push(message.figures);
      else if (message.type === 'result') settle({ ok: true, value: message.result, seconds: seconds() });
      else if (message.type === 'error')
        settle({ ok: false, reason: message.message.split('\n')[0]!, seconds: seconds(), progress });
    });
    child.on('exit', (code, signal) =>
      settle({ ok: false, reason: `worker exited (${signal ?? code}) without a result`, seconds: seconds(), progress }),
    );
  });
}

export interface ReferenceFigures {
  import_ms: number;
  pipeline_ms: number;
  tasks_ms: number;
  resources_ms: number;
  total_ms: number;
  statements: number;
  rss_after_import_mb: number;
  max_rss_mb: number;
  dags: number;
  window_runs: number;
  task_keys: number;
  window_task_instances: number;
  success_runs: number;
  failed_runs: number;
  avg_duration_sum: number;
  task_success: number;
  task_failed: number;
  retries: number;
  task_avg_sum: number;
  task_max_sum: number;
  pools: number;
  bytes: number;
}

/** The reference's collect_* code (reference_collect.py) with the Airflow venv's python, through the proxy. */
export function runReference(opts: {
  venv: string;
  dbName: string;
  proxy: CountingProxy;
  now: Date;
  dagIds: string[];
  budgetSeconds: number;
}): Promise<Outcome<ReferenceFigures>> {
  const home = mkdtempSync(join(tmpdir(), 'airtop-bench-ref-'));
  const idsFile = join(home, 'dag_ids.txt');
  writeFileSync(idsFile, opts.dagIds.join('\n'));
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const before = opts.proxy.counts();
  const child = spawn(
    join(opts.venv, 'bin', 'python'),
    [
      join(repoRoot(), 'test', 'bench', 'reference_collect.py'),
      '--now',
      opts.now.toISOString(),
      '--dag-ids-file',
      idsFile,
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AIRFLOW_HOME: home,
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `postgresql+psycopg2://postgres@127.0.0.1:${opts.proxy.port}/${opts.dbName}`,
        AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
        AIRFLOW__LOGGING__LOGGING_LEVEL: 'WARNING',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome<ReferenceFigures>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup(child.pid);
      rmSync(home, { recursive: true, force: true });
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      const after = opts.proxy.counts();
      const bytes = after.sent - before.sent + after.received - before.received;
      settle({
        ok: false,
        reason: `stopped at the ${opts.budgetSeconds} s budget`,
        seconds: seconds(),
        progress: `${(bytes / 1048576).toFixed(1)} MiB read so far`,
      });
    }, opts.budgetSeconds * 1000);
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const figures = JSON.parse(line) as Omit<ReferenceFigures, 'bytes'>;
        const after = opts.proxy.counts();
        settle({
          ok: true,
          value: { ...figures, bytes: after.sent - before.sent + after.received - before.received },
          seconds: seconds(),
        });
      } catch {
        settle({
          ok: false,
          reason: `reference_collect.py exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
          seconds: seconds(),
          progress: null,
        });
      }
    });
  });
}
