import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './daemon.js';

// The built binary run as a user runs it (npm test builds dist/ first), for the command-line tests: only PATH
// from this environment, and a fresh HOME and state dir each run, so no developer's config or state leaks in.

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `airtop …args` to its exit, `env` on top, in a new home dir named `homePrefix`…; its output kept. */
export function runAirtop(
  args: string[],
  env: Record<string, string> = {},
  homePrefix = 'airtop-cli-',
): Promise<CliRun> {
  const home = mkdtempSync(join(tmpdir(), homePrefix));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_STATE_HOME: join(home, 'state'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A config.yaml holding `yaml`, in a new dir named `dirPrefix`…; returns its path. */
export function configFile(yaml: string, dirPrefix = 'airtop-cfg-'): string {
  const file = join(mkdtempSync(join(tmpdir(), dirPrefix)), 'config.yaml');
  writeFileSync(file, yaml);
  return file;
}
