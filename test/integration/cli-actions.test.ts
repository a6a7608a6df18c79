// `--once --json` carries the last 20 records of actions.log under `actions`, oldest first; a torn line from a
// crash mid-write is skipped, not fatal.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

describe('--once --json and actions.log', () => {
  it('shows the last 20 actions', async () => {
    const home = mkdtempSync(join(tmpdir(), 'airtop-cli-actions-'));
    const stateDir = join(home, 'state', 'airtop', 'demo');
    mkdirSync(stateDir, { recursive: true });
    const record = (i: number) =>
      JSON.stringify({
        at: `2025-06-01T12:00:${String(i).padStart(2, '0')}Z`,
        os_user: 'alice',
        airflow_user: 'op',
        airflow_url: 'http://x',
        action: 'clearTask',
        target: `t${i}`,
        request: {},
        dry_run: [],
        outcome: 'done',
        status: 200,
        answer: 'ok',
        acknowledged_alert: null,
      });
    const lines = Array.from({ length: 25 }, (_, i) => record(i));
    writeFileSync(join(stateDir, 'actions.log'), `${lines.join('\n')}\n{"at": "torn`);
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, '--demo', '--once', '--json'], {
        env: { PATH: process.env.PATH ?? '', HOME: home, XDG_STATE_HOME: join(home, 'state') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
    const report = JSON.parse(stdout) as { actions: { target: string }[] };
    expect(report.actions.map((a) => a.target)).toEqual(Array.from({ length: 20 }, (_, i) => `t${i + 5}`));
  });
});
