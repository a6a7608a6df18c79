import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HOSTILE, startFakeAirflow, TERMINAL_UNSAFE, type FakeAirflow } from '../helpers/fake-airflow.js';

// The built binary against a hostile fake Airflow on 127.0.0.1: each case is one finding of the hostile-input
// review, reproduced, and now what airtop does instead.

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function airtop(args: string[], env: Record<string, string> = {}, killAfterMs = 30_000): Promise<Run> {
  const home = mkdtempSync(join(tmpdir(), 'airtop-hostile-'));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_STATE_HOME: join(home, 'state'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killer = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), killAfterMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function configFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'airtop-hostile-cfg-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return file;
}

const now = Date.now();
const iso = (offsetMs: number) => new Date(now + offsetMs).toISOString();

let fake: FakeAirflow | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

describe('hostile Airflow data never reaches the terminal raw (finding 1)', () => {
  it('--once --json: escape sequences, bidi and zero-width characters in ids are removed or made visible; the JSON stays valid', async () => {
    fake = await startFakeAirflow({
      dags: [{ dag_id: HOSTILE, is_paused: false, tags: [{ name: HOSTILE }], owners: [HOSTILE] }],
      runs: [
        {
          dag_id: HOSTILE,
          dag_run_id: HOSTILE,
          state: 'failed',
          run_type: HOSTILE,
          run_after: iso(-600_000),
          start_date: iso(-600_000),
          end_date: iso(-500_000),
        },
      ],
      pools: [{ name: HOSTILE, slots: 4, running_slots: 1, queued_slots: 0, open_slots: 3 }],
    });
    const run = await airtop([
      '--once',
      '--json',
      '--url',
      fake.url,
      '--config',
      configFile('dags:\n  patterns: ["*"]\n'),
    ]);
    expect(run.stdout + run.stderr).not.toMatch(TERMINAL_UNSAFE);
    const report = JSON.parse(run.stdout) as {
      pipeline: { dags: Record<string, unknown> };
      resources: { pools: Record<string, unknown> };
    };
    const id = Object.keys(report.pipeline.dags)[0]!;
    // The text is still there, readable; only what a terminal would act on is gone or shown as \u{..}.
    expect(id).toContain('evil');
    expect(id).toContain('red');
    expect(id).toContain('\\u{202E}');
    expect(id).not.toContain('pwned');
    expect(Object.keys(report.resources.pools)[0]).toContain('txt.exe');
  });

  it("--once prints a 404's hostile detail on stderr without its escape sequences", async () => {
    fake = await startFakeAirflow({
      override: (_m, path) =>
        path === '/api/v2/dags'
          ? { status: 404, body: { detail: `gone\x1b]0;owned\x07\x1b[2J${HOSTILE}` } }
          : undefined,
    });
    const run = await airtop(['--once', '--url', fake.url]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('404 from GET');
    expect(run.stderr).toContain('gone');
    expect(run.stderr).not.toMatch(TERMINAL_UNSAFE);
    expect(run.stderr).not.toContain('owned');
  });
});

describe('server-controlled sizes are capped (finding 2)', () => {
  it('total_entries of 1e15 neither allocates nor floods: refused after the first page, with a message', async () => {
    const dags = Array.from({ length: 100 }, (_, i) => ({ dag_id: `dag_${i}`, is_paused: false }));
    fake = await startFakeAirflow({ dags, totalEntries: 1e15 });
    const run = await airtop(['--once', '--url', fake.url, '--config', configFile('dags:\n  patterns: ["*"]\n')]);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('claims 1000000000000000 entries; airtop reads at most 100000 per list');
    expect(fake.requests.filter((r) => r.path === '/api/v2/dags')).toHaveLength(1);
    expect(run.ms).toBeLessThan(15_000);
  });

  it('a total_entries that overstates a short list costs at most one batch of pages', async () => {
    const dags = Array.from({ length: 100 }, (_, i) => ({ dag_id: `dag_${i}`, is_paused: false }));
    // Full first page, then empty pages: the list ends whatever the total said.
    let served = 0;
    fake = await startFakeAirflow({
      override: (_m, path) =>
        path === '/api/v2/dags'
          ? { status: 200, body: { dags: served++ === 0 ? dags : [], total_entries: 90_000 } }
          : undefined,
    });
    const run = await airtop([
      '--once',
      '--json',
      '--url',
      fake.url,
      '--config',
      configFile('dags:\n  patterns: ["*"]\n'),
    ]);
    expect([0, 1, 2]).toContain(run.code);
    expect(Object.keys((JSON.parse(run.stdout) as { pipeline: { dags: object } }).pipeline.dags)).toHaveLength(100);
    expect(fake.requests.filter((r) => r.path === '/api/v2/dags').length).toBeLessThanOrEqual(17);
  });
});

describe('intervals and durations are bounded (findings 3 and 10)', () => {
  it('--interval 3000000 (35 days) is refused with the bound, before any request', async () => {
    fake = await startFakeAirflow();
    const run = await airtop(['--headless', '--url', fake.url, '--interval', '3000000']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('the poll interval must be at most 1 day');
    expect(fake.requests).toHaveLength(0);
  });

  it('interval: 25d in the YAML is refused naming the file and key', async () => {
    const file = configFile('interval: 25d\n');
    const run = await airtop(['--headless', '--url', 'http://127.0.0.1:1', '--config', file]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(file);
    expect(run.stderr).toMatch(/interval: the poll interval must be at most 1 day/);
    expect(run.stderr).not.toContain('TimeoutOverflowWarning');
  });

  it('--interval 5m is accepted as the YAML accepts it', async () => {
    fake = await startFakeAirflow();
    const run = await airtop(['--once', '--url', fake.url, '--interval', '5m']);
    expect(run.stderr).not.toContain('interval');
    expect([0, 1, 2]).toContain(run.code);
  });
});

describe('--once under a total deadline (finding 7)', () => {
  it('a hanging Airflow ends --once after --deadline with exit 3, saying so (JSON too)', async () => {
    fake = await startFakeAirflow({ hang: true });
    const run = await airtop(['--once', '--json', '--url', fake.url, '--deadline', '2s']);
    expect(run.code).toBe(3);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.stderr).toContain('--once gave up after 2 s');
    expect((JSON.parse(run.stdout) as { summary: { overall: string } }).summary.overall).toBe('unknown');
  });
});

describe('impossible records (finding 9)', () => {
  it('runs that end before they start raise an issue and give no negative duration', async () => {
    fake = await startFakeAirflow({
      dags: [{ dag_id: 'capstone_ingestion_pipeline', is_paused: false }],
      runs: [
        {
          dag_id: 'capstone_ingestion_pipeline',
          dag_run_id: 'r1',
          state: 'success',
          run_after: iso(-600_000),
          start_date: iso(-600_000),
          end_date: iso(-1_796_183_344_000),
        },
        {
          dag_id: 'capstone_ingestion_pipeline',
          dag_run_id: 'r2',
          state: 'success',
          run_after: iso(-300_000),
          start_date: iso(-300_000),
          end_date: iso(-240_000),
        },
      ],
    });
    const run = await airtop(['--once', '--json', '--url', fake.url]);
    const report = JSON.parse(run.stdout) as {
      issues: { message: string }[];
      pipeline: { dags: Record<string, { avg_duration_seconds: number }> };
    };
    expect(report.pipeline.dags.capstone_ingestion_pipeline!.avg_duration_seconds).toBe(60);
    expect(report.issues.map((i) => i.message).join('\n')).toMatch(
      /1 DAG run is impossible \(e\.g\. capstone_ingestion_pipeline run r1 ends .* before it starts/,
    );
  });
});

describe('flags (finding 10)', () => {
  it.each([
    [['--bogus'], 'unknown flag --bogus'],
    [['--once', '--interval'], '--interval needs a value'],
    [['--interval', '--once'], '--interval needs a value'],
    [['--demo', '--url', 'http://127.0.0.1:1'], '--demo and --url exclude each other'],
    [['--once', '--headless', '--demo'], '--once and --headless exclude each other'],
    [['stray'], 'unexpected argument "stray"'],
  ])('%j exits 3 saying %s', async (args, message) => {
    const run = await airtop(args);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(message);
  });

  it('the no-config message names $XDG_CONFIG_HOME when it is set', async () => {
    const run = await airtop(['--once'], { XDG_CONFIG_HOME: '/srv/cfg' });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('/srv/cfg/airtop/config.yaml');
    expect(run.stderr).not.toContain('~/.config');
  });

  it('without a terminal it says "airtop needs an interactive terminal" once, without "airtop: airtop"', async () => {
    fake = await startFakeAirflow();
    const run = await airtop(['--url', fake.url]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('airtop needs an interactive terminal');
    expect(run.stderr).not.toContain('airtop: airtop');
  });
});

describe('an unusable state dir (finding 6)', () => {
  it('under /proc: a clear error and exit 3 at once, not an endless mkdir loop', async () => {
    fake = await startFakeAirflow();
    const run = await airtop(
      ['--headless', '--url', fake.url, '--config', configFile('alerts:\n  state_dir: /proc/airtop/state\n')],
      {},
      15_000,
    );
    expect(run.signal).toBeNull();
    expect(run.code).toBe(3);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.stderr).toContain('the state dir /proc/airtop/state is not usable');
  });
});
