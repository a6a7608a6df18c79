import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../../../source/alerts/file-lock.js';

let dir: string;
let lock: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'airtop-lock-'));
  lock = join(dir, 'alerts.json.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('state file lock', () => {
  it('is held while the change runs and removed after', () => {
    const seen = withFileLock(lock, () => existsSync(lock));
    expect(seen).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a killed process, or left empty by one killed while creating it', () => {
    const problems: string[] = [];
    writeFileSync(lock, `${2 ** 22 + 1} 0 x`);
    expect(withFileLock(lock, () => 'ran', { onProblem: (m) => problems.push(m) })).toBe('ran');
    writeFileSync(lock, '');
    const old = new Date(Date.now() - 2000);
    utimesSync(lock, old, old);
    expect(withFileLock(lock, () => 'ran again', { onProblem: (m) => problems.push(m) })).toBe('ran again');
    expect(problems).toEqual([]);
  });

  it('waits for a live holder, then runs anyway and says so rather than stop alerting', () => {
    const problems: string[] = [];
    // The test runner's parent is alive and holds it.
    writeFileSync(lock, `${process.ppid} 0 x`);
    const started = Date.now();
    expect(withFileLock(lock, () => 'ran', { timeoutMs: 200, onProblem: (m) => problems.push(m) })).toBe('ran');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(problems).toEqual([`${lock} is held by another airtop process for over 200 ms; writing without it`]);
    // Not ours: left in place.
    expect(existsSync(lock)).toBe(true);
  });
});
