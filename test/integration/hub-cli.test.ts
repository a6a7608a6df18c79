import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/daemon.js';

// The hub's start-up errors, from the built binary: each exits 3 and says what to do.

function airtop(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'airtop-hub-cli-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_STATE_HOME: join(home, 'state'), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('hub on the command line', () => {
  it('--attach without a token says which variable to set', async () => {
    const run = await airtop(['--attach', 'http://127.0.0.1:1']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('--attach needs AIRTOP_HUB_TOKEN (or AIRTOP_HUB_READONLY_TOKEN for a read-only view)');
  });

  it('--attach with something that is not a URL says so', async () => {
    const run = await airtop(['--attach', 'monitor:9464'], { AIRTOP_HUB_TOKEN: 'write-token-0123456789' });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('--attach monitor:9464 is not a hub URL');
  });

  it('--headless refuses a short hub token before polling', async () => {
    const run = await airtop(['--headless', '--demo', '--metrics-listen', '127.0.0.1:0'], {
      AIRTOP_HUB_TOKEN: 'short',
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('AIRTOP_HUB_TOKEN: a hub token must be at least 16 characters');
  });

  it('a token in the YAML is refused: tokens come from the environment or a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airtop-hub-cfg-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'hub:\n  token: hunter2-hunter2-hunter2\n');
    const run = await airtop(['--once', '--demo', '--config', file]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('unknown key hub.token');
    expect(run.stderr).not.toContain('hunter2');
  });
});
