import { describe, expect, it } from 'vitest';
import { configFile, runAirtop } from '../helpers/cli.js';

// The hub's start-up errors, from the built binary: each exits 3 and says what to do.

/** The built binary, in a home of its own. */
const airtop = (args: string[], env: Record<string, string> = {}) => runAirtop(args, env, 'airtop-hub-cli-');

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
    const file = configFile('hub:\n  token: hunter2-hunter2-hunter2\n', 'airtop-hub-cfg-');
    const run = await airtop(['--once', '--demo', '--config', file]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('unknown key hub.token');
    expect(run.stderr).not.toContain('hunter2');
  });
});
