import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

// A real `airtop --demo --headless` child (the built CLI), for hub tests: started with its own env and
// config, its JSON log lines kept, stopped by its PID (SIGTERM, or SIGKILL to simulate a crash).

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface Daemon {
  child: ChildProcess;
  pid: number;
  lines: Record<string, unknown>[];
  /** Resolves with the first log line whose msg contains `text`. */
  waitForLog(text: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
  kill9(): Promise<void>;
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

/** `airtop --headless` with `args`; with `--demo` unless args name an Airflow (`--url`). */
export function startDaemon(args: string[], env: NodeJS.ProcessEnv): Daemon {
  const child = spawn(process.execPath, [CLI, ...(args.includes('--url') ? [] : ['--demo']), '--headless', ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { text: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  let buffer = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    buffer += chunk;
    let at: number;
    while ((at = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { msg: text };
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (String(line.msg).includes(w.text)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    pid: child.pid!,
    lines,
    waitForLog(text, timeoutMs = 20_000) {
      const found = lines.find((l) => String(l.msg).includes(text));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `daemon ${child.pid} never logged "${text}"; its log:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({ text, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
      await exited;
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
      await exited;
    },
  };
}

export async function until<T>(
  what: string,
  check: () => T | null | undefined | false,
  timeoutMs = 10_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
