import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authorize, clientToken, loadHubTokens } from '../../../source/hub/auth.js';
import { createRateLimiter } from '../../../source/hub/limits.js';

const W = 'write-token-0123456789';
const R = 'read-token-0123456789';

describe('hub tokens', () => {
  it('are off without a write token, and refuse short or shared tokens with a reason', () => {
    expect(loadHubTokens({})).toBeNull();
    expect(() => loadHubTokens({ AIRTOP_HUB_TOKEN: 'short' })).toThrow(/at least 16 characters/);
    expect(() => loadHubTokens({ AIRTOP_HUB_TOKEN: W, AIRTOP_HUB_READONLY_TOKEN: W })).toThrow(/must differ/);
    expect(() => loadHubTokens({ AIRTOP_HUB_TOKEN_FILE: '/nonexistent/token' })).toThrow(
      /AIRTOP_HUB_TOKEN_FILE=\/nonexistent\/token cannot be read \(ENOENT\)/,
    );
  });

  it('read several viewer tokens from a file, one a line, comments skipped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airtop-tokens-'));
    try {
      writeFileSync(join(dir, 'viewers'), `# team viewers\n${R}\n\nviewer-two-0123456789\n`);
      const tokens = loadHubTokens({ AIRTOP_HUB_TOKEN: W, AIRTOP_HUB_READONLY_TOKEN_FILE: join(dir, 'viewers') })!;
      expect(tokens.entries.map((e) => e.role)).toEqual(['write', 'read', 'read']);
      expect(authorize(tokens, 'Bearer viewer-two-0123456789', 'read')).toEqual({ ok: true, role: 'read' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answer 401 for missing, malformed or unknown tokens and 403 for a viewer writing, each with why', () => {
    const tokens = loadHubTokens({ AIRTOP_HUB_TOKEN: W, AIRTOP_HUB_READONLY_TOKEN: R })!;
    expect(authorize(tokens, undefined, 'read')).toMatchObject({
      ok: false,
      status: 401,
      reason: expect.stringMatching(/missing credentials/),
    });
    expect(authorize(tokens, `Basic ${W}`, 'read')).toMatchObject({
      ok: false,
      status: 401,
      reason: expect.stringMatching(/malformed/),
    });
    expect(authorize(tokens, `Bearer ${W}x`, 'read')).toMatchObject({
      ok: false,
      status: 401,
      reason: expect.stringMatching(/not recognised/),
    });
    expect(authorize(tokens, `Bearer ${R}`, 'write')).toMatchObject({
      ok: false,
      status: 403,
      reason: expect.stringMatching(/read-only/),
    });
    expect(authorize(tokens, `Bearer ${R}`, 'read')).toEqual({ ok: true, role: 'read' });
    expect(authorize(tokens, `bearer  ${W}`, 'write')).toEqual({ ok: true, role: 'write' });
  });

  it('the attached TUI sends the write token when it has one, else a viewer token', () => {
    expect(clientToken({ AIRTOP_HUB_TOKEN: W, AIRTOP_HUB_READONLY_TOKEN: R })).toEqual({ token: W, role: 'write' });
    expect(clientToken({ AIRTOP_HUB_READONLY_TOKEN: R })).toEqual({ token: R, role: 'read' });
    expect(clientToken({})).toBeNull();
  });
});

describe('rate limiter', () => {
  it('allows a burst, then one request per refill, per address', () => {
    const limiter = createRateLimiter({ perSecond: 2, burst: 3 });
    const t = 1_000_000;
    expect([limiter.take('a', t), limiter.take('a', t), limiter.take('a', t)]).toEqual([0, 0, 0]);
    expect(limiter.take('a', t)).toBe(1);
    expect(limiter.take('b', t)).toBe(0);
    expect(limiter.take('a', t + 500)).toBe(0);
    expect(limiter.take('a', t + 500)).toBeGreaterThan(0);
  });
});
