// Runs the built airtop CLI as a user would: a child process with its own env, config file and state dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, scratchDir } from './context.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: no AIRFLOW_* from the calling shell, an empty config home and a fresh state dir. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('AIRFLOW') || key.startsWith('AIRTOP_')) continue;
    env[key] = value;
  }
  const scratch = scratchDir('cli');
  return { ...env, XDG_CONFIG_HOME: join(scratch, 'config'), XDG_STATE_HOME: join(scratch, 'state'), ...extra };
}

/** Writes a config file (JSON is YAML) and returns its path. */
export function writeConfig(config: unknown): string {
  const path = join(scratchDir('config'), 'config.yaml');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

export function runCli(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cliPath(), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`airtop ${args.join(' ')} did not exit within ${timeoutMs / 1000} s; stderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** `--once --json`: the parsed report and the exit code; fails with stderr when stdout is not JSON. */
export async function onceJson<T = unknown>(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; report: T; stderr: string }> {
  const result = await runCli(['--once', '--json', ...args], env);
  try {
    return { code: result.code, report: JSON.parse(result.stdout) as T, stderr: result.stderr };
  } catch {
    throw new Error(
      `airtop --once --json ${args.join(' ')} exited ${result.code} without a JSON report.\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}

/** A long-running airtop (headless): collects stderr lines; `waitForLine` waits for one that matches. */
export class RunningCli {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  private exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [cliPath(), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stderr!.on('data', (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts.filter((l) => l.trim() !== ''));
    });
    this.child.stdout!.resume();
    this.exited = new Promise((done) => this.child.on('close', (code) => done(code)));
  }

  /** JSON lines only (the headless log format), parsed. */
  jsonLines(): Record<string, unknown>[] {
    return this.lines.flatMap((line) => {
      try {
        const value: unknown = JSON.parse(line);
        return typeof value === 'object' && value !== null ? [value as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
