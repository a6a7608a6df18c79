import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlertManager } from '../../../source/alerts/manager.js';
import { ensureDir, prepareStateDir } from '../../../source/persist/state-dir.js';
import { createOutbox } from '../../../source/sinks/outbox.js';
import { OUTBOX_VERSION } from '../../../source/sinks/outbox-state.js';
import { clearSecrets, redactSecrets, registerSecret } from '../../../source/text/redact.js';
import { successRateCandidate, T0 } from '../sinks/report-fixture.js';

afterEach(() => clearSecrets());

describe('redactSecrets', () => {
  it('cuts registered secrets in every form an echo takes: whole URL, path, last segment, escaped', () => {
    registerSecret('https://hooks.example.com/services/T000/B000/abcdefghijklmnop');
    registerSecret('R0UT1NGKEYabcdef0123456789abcdef');
    const echoed = [
      'POST https://hooks.example.com/services/T000/B000/abcdefghijklmnop',
      'path=/services/T000/B000/abcdefghijklmnop',
      'token abcdefghijklmnop rejected',
      '{"url":"https:\\/\\/hooks.example.com\\/services\\/T000\\/B000\\/abcdefghijklmnop"}',
      'key=R0UT1NGKEYabcdef0123456789abcdef',
      'https%3A%2F%2Fhooks.example.com%2Fservices%2FT000%2FB000%2Fabcdefghijklmnop',
    ].map(redactSecrets);
    for (const line of echoed) {
      expect(line).not.toContain('abcdefghijklmnop');
      expect(line).not.toContain('R0UT1NGKEY');
      expect(line).toContain('[redacted]');
    }
  });

  it('cuts credentials it never saw by their shape', () => {
    const out = redactSecrets(
      'Authorization: Bearer eyJhbGciOi.secret.sig {"routing_key":"abcd1234abcd1234"} api_key=zzzz9999 https://user:pw@host/x https://hooks.slack.com/services/TA/BB/CCCC xoxb-123456-abcdef',
    );
    for (const leaked of ['eyJhbGciOi', 'abcd1234abcd1234', 'zzzz9999', 'user:pw', 'TA/BB/CCCC', 'xoxb-123456'])
      expect(out).not.toContain(leaked);
    expect(redactSecrets('connection refused (is the receiver running?)')).toBe(
      'connection refused (is the receiver running?)',
    );
  });
});

describe('dead letters already on disk', () => {
  it('are scrubbed of secrets as the outbox loads them, and the file is rewritten', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airtop-letters-'));
    const leaked = 'slack: HTTP 400 echo POST /services/T1/B2/sekretSekret123456';
    writeFileSync(
      join(dir, 'outbox.json'),
      JSON.stringify({
        version: OUTBOX_VERSION,
        items: [],
        latest: {},
        recentIds: [],
        deadLetters: [
          {
            id: 'a>slack',
            sink: 'slack',
            payload: 'p',
            enqueuedAt: T0.toISOString(),
            reason: leaked,
            at: T0.toISOString(),
            summary: 'x',
          },
        ],
      }),
    );
    registerSecret('https://hooks.slack.com/services/T1/B2/sekretSekret123456');
    const outbox = createOutbox({ stateDir: dir, sinks: [] });
    expect(outbox.deadLetters()[0]!.reason).toBe('slack: HTTP 400 echo POST [redacted]');
    expect(readFileSync(join(dir, 'outbox.json'), 'utf8')).not.toContain('sekretSekret123456');
  });
});

describe('alerts.json keeps a last good copy', () => {
  it('a damaged alerts.json is quarantined and the acks in alerts.json.bak come back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airtop-bak-'));
    const problems: string[] = [];
    const make = () =>
      createAlertManager({
        stateDir: dir,
        repeatIntervalSeconds: 3600,
        clock: () => T0,
        defaultChannels: ['slack'],
        onProblem: (m) => problems.push(m),
      });
    const first = make();
    await first.load();
    const fired = first.update([successRateCandidate], T0);
    const fingerprint = fired.alerts[0]!.fingerprint;
    expect(first.ack(fingerprint, 'ann', 'on it').ok).toBe(true);
    // One more write, so the backup holds the acknowledged state.
    first.update([successRateCandidate], T0);
    expect(existsSync(join(dir, 'alerts.json.bak'))).toBe(true);
    writeFileSync(join(dir, 'alerts.json'), '{"version": 1, "alerts": tru');
    const second = make();
    await second.load();
    expect(second.alerts().find((a) => a.fingerprint === fingerprint)?.ack?.by).toBe('ann');
    expect(problems.join('\n')).toMatch(
      /moved it to .*alerts\.json\.corrupt-.*; restored the last good copy .*alerts\.json\.bak/,
    );
    expect(readdirSync(dir).some((name) => name.startsWith('alerts.json.corrupt-'))).toBe(true);
  });
});

describe('the state dir', () => {
  it('under /proc is refused at once with the level that failed', () => {
    const started = Date.now();
    expect(() => prepareStateDir('/proc/airtop/state')).toThrow(
      /the state dir \/proc\/airtop\/state is not usable: cannot create \/proc\/airtop \(ENOENT\)/,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a file in the way is named; a fresh nested dir is created', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airtop-dir-'));
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => prepareStateDir(join(dir, 'file', 'state'))).toThrow(/exists and is not a directory/);
    ensureDir(join(dir, 'a', 'b', 'c'));
    expect(existsSync(join(dir, 'a', 'b', 'c'))).toBe(true);
  });
});
