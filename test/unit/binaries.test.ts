import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath, missingBinaries } from '../helpers/binaries.js';

// The test helper that decides whether the Debian-tool tests run, skip or fail the run.

const root = mkdtempSync(join(tmpdir(), 'airtop-bins-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function dir(name: string, files: Record<string, number>): string {
  const path = join(root, name);
  mkdirSync(path, { recursive: true });
  for (const [file, mode] of Object.entries(files)) {
    writeFileSync(join(path, file), '#!/bin/sh\n');
    chmodSync(join(path, file), mode);
  }
  return path;
}

describe('findOnPath', () => {
  it('takes the first executable file along PATH, passing over a non-executable one and a directory', () => {
    const plain = dir('plain', { promtool: 0o644 });
    const folder = dir('folder', {});
    mkdirSync(join(folder, 'promtool'));
    const exec = dir('exec', { promtool: 0o755 });
    expect(findOnPath('promtool', [plain, folder, '', exec].join(delimiter))).toBe(join(exec, 'promtool'));
    expect(findOnPath('promtool', [plain, folder].join(delimiter))).toBeUndefined();
    expect(findOnPath('promtool', '')).toBeUndefined();
  });
});

describe('missingBinaries', () => {
  const exec = dir('both', { 'prometheus-alertmanager': 0o755, amtool: 0o755 });

  it('is false when every tool is there', () => {
    expect(missingBinaries(['prometheus-alertmanager', 'amtool'], { PATH: exec })).toBe(false);
  });

  it('names what is missing and the apt-get line that installs it', () => {
    expect(missingBinaries(['prometheus-alertmanager', 'promtool', 'prometheus-pushgateway'], { PATH: exec })).toBe(
      'promtool, prometheus-pushgateway not found on PATH as executable; install with: apt-get install prometheus prometheus-pushgateway',
    );
  });

  it('fails under CI=true instead of skipping', () => {
    expect(() => missingBinaries(['promtool'], { PATH: exec, CI: 'true' })).toThrow(
      /^CI=true and promtool not found on PATH/,
    );
    expect(missingBinaries(['promtool'], { PATH: exec, CI: 'false' })).toMatch(/^promtool not found/);
  });
});
