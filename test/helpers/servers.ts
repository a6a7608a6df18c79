import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryPath } from './binaries.js';

// The real Debian Prometheus Pushgateway and Alertmanager, on loopback, started and stopped by PID.
// Each test that starts one stops it in afterAll/afterEach; nothing listens beyond 127.0.0.1.

// The binaries are looked up on PATH when used (test/helpers/binaries.ts); tests that need them skip
// (or fail under CI=true) through missingBinaries before they get here.

export interface RunningServer {
  url: string;
  pid: number;
  /** What the process printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/** Polls `condition` until it is true or `timeoutMs` passes (then throws naming `what`). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch (error) {
      // Not ready yet (e.g. connection refused), unless the condition says it never will be.
      if ((error as { fatal?: boolean }).fatal) throw error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    process.kill(child.pid!, 'SIGTERM');
  });
}

async function startBinary(
  bin: string,
  args: (port: number) => string[],
  readyPath: string,
  cleanup: () => void,
): Promise<RunningServer> {
  // A free port can be taken between probe and bind; try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(bin, args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitFor(async () => {
        if (child.exitCode !== null) throw Object.assign(new Error(`${bin} exited: ${output}`), { fatal: true });
        return (await fetch(`${url}${readyPath}`)).ok;
      }, `${bin} ready at ${url}${readyPath}`);
      return {
        url,
        pid: child.pid!,
        output: () => output,
        async stop() {
          await stopChild(child);
          cleanup();
        },
      };
    } catch (error) {
      lastError = new Error(`${(error as Error).message}\n${output}`);
      await stopChild(child);
    }
  }
  cleanup();
  throw lastError;
}

export function startPushgateway(): Promise<RunningServer> {
  return startBinary(
    binaryPath('prometheus-pushgateway'),
    (port) => [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file='],
    '/-/ready',
    () => {},
  );
}

export function startAlertmanager(): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'airtop-am-'));
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(config, "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n");
  return startBinary(
    binaryPath('prometheus-alertmanager'),
    (port) => [
      '--cluster.listen-address=',
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.path=${join(dir, 'data')}`,
      `--config.file=${config}`,
    ],
    '/-/ready',
    () => rmSync(dir, { recursive: true, force: true }),
  );
}

/** `promtool check metrics` reading the text on stdin. */
export function promtoolCheckMetrics(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binaryPath('promtool'), ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? -1, output }));
    child.stdin.end(text);
  });
}
