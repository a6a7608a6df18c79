import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupPath, writeJsonAtomic } from '../../../source/persist/json-file.js';

const dirs: string[] = [];
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'airtop-json-file-'));
  dirs.push(dir);
  return join(dir, 'state.json');
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as unknown;

describe('writeJsonAtomic with backup', () => {
  it('keeps the version it replaces as the backup, and the backup stays that version after the next write', () => {
    const path = fresh();
    writeJsonAtomic(path, { v: 1 }, { backup: true });
    writeJsonAtomic(path, { v: 2 }, { backup: true, trusted: true });
    expect(read(path)).toEqual({ v: 2 });
    expect(read(backupPath(path))).toEqual({ v: 1 });
    // The backup is the replaced file itself, not a copy, and never changes with the live one.
    expect(statSync(backupPath(path)).ino).not.toBe(statSync(path).ino);
    writeJsonAtomic(path, { v: 3 }, { backup: true, trusted: true });
    expect(read(backupPath(path))).toEqual({ v: 2 });
    expect(read(path)).toEqual({ v: 3 });
  });

  it('an untrusted damaged file is not kept: the last good backup stays', () => {
    const path = fresh();
    writeJsonAtomic(path, { v: 1 }, { backup: true });
    writeJsonAtomic(path, { v: 2 }, { backup: true });
    writeFileSync(path, '{"v": 3, trunc');
    writeJsonAtomic(path, { v: 4 }, { backup: true });
    expect(read(backupPath(path))).toEqual({ v: 1 });
    expect(read(path)).toEqual({ v: 4 });
  });
});
