import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoFleet, type DemoInstance } from '../../source/demo/index.js';
import { configFile, runAirtop, type CliRun } from '../helpers/cli.js';

// The built binary in fleet mode (npm test builds dist/ first): --once over several Airflows, one of them
// a loopback server that accepts connections and never answers.

/** The built binary, in a home of its own. */
const airtop = (args: string[]) => runAirtop(args, {}, 'airtop-fleet-cli-');

/** A config file in a dir of its own. */
const config = (yaml: string) => configFile(yaml, 'airtop-fleet-cfg-');

interface FleetJson {
  timestamp: string;
  instances: Record<string, { error?: string; summary: { overall: string; health_score: number | null } }>;
  summary: {
    overall: string;
    exit_code: number;
    worst: string;
    instances: Record<string, { url: string; overall: string; exit_code: number; error?: string; firing?: number }>;
  };
}

/** ok(0) < warning(1) < unknown(3) < critical(2). */
const RANK: Record<number, number> = { 0: 0, 1: 1, 3: 2, 2: 3 };

let demos: DemoInstance[] = [];
let silent: Server;
const sockets = new Set<Socket>();
let silentUrl = '';

beforeAll(async () => {
  // healthy, failing (the demo fleet's first two).
  demos = await startDemoFleet(2);
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await Promise.all(demos.map((d) => d.server.close()));
});

/** The instances a fleet config can name: the demo fleet's first two and the silent server. */
type Member = 'healthy' | 'failing' | 'silent';

function fleetYaml(names: Member[]): string {
  const entries = names.map((name) => {
    if (name === 'silent')
      return `  - name: silent\n    airflow: { url: ${silentUrl}, username: admin, password: admin }\n`;
    const demo = demos.find((d) => d.name === name)!;
    return `  - name: ${name}\n    airflow: { url: ${demo.server.url}, username: admin, password: admin }\n`;
  });
  // A short request timeout without retries: the silent one fails on its own, well inside the deadline.
  return `airflow: { timeout: 4, retries: 0 }\ndags: { patterns: ['*'] }\ninstances:\n${entries.join('')}`;
}

/** `airtop --once` with `flags` over a fleet config of these instances. */
function onceOver(names: Member[], ...flags: string[]): Promise<CliRun> {
  return airtop(['--once', ...flags, '--config', config(fleetYaml(names))]);
}

describe('airtop --once in fleet mode', () => {
  it('one unreachable instance among healthy ones: its reason, the others reported, exit 3 (the worst)', async () => {
    const run = await onceOver(['healthy', 'silent'], '--json', '--deadline', '40s');
    const json = JSON.parse(run.stdout) as FleetJson;
    expect(Object.keys(json.instances)).toEqual(['healthy', 'silent']);
    expect(json.summary.instances.healthy).toMatchObject({ overall: 'healthy', exit_code: 0, stale: false, firing: 0 });
    expect(json.summary.instances.healthy!.url).toBe(demos[0]!.server.url);
    expect(json.instances.silent).toMatchObject({ summary: { overall: 'unknown', health_score: null } });
    expect(json.instances.silent!.error).toBeTruthy();
    expect(json.summary.instances.silent).toMatchObject({ url: silentUrl, overall: 'unknown', exit_code: 3 });
    expect(json.summary).toMatchObject({ overall: 'unknown', exit_code: 3, worst: 'silent' });
    expect((json.instances.healthy as unknown as { actions: unknown[] }).actions).toEqual([]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('silent:');
  }, 60_000);

  it('an instance refused at its port is named by its own setting, not by --url/AIRFLOW_URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const yaml =
      `airflow: { timeout: 4, retries: 0 }\ndags: { patterns: ['*'] }\ninstances:\n` +
      `  - name: healthy\n    airflow: { url: ${demos[0]!.server.url}, username: admin, password: admin }\n` +
      `  - name: refused\n    airflow: { url: http://127.0.0.1:${port}, username: admin, password: admin }\n`;
    const run = await airtop(['--once', '--json', '--deadline', '40s', '--config', config(yaml)]);
    const json = JSON.parse(run.stdout) as FleetJson;
    expect(json.instances.refused!.error).toContain('check the airflow.url of instance "refused"');
    expect(json.instances.refused!.error).not.toContain('AIRFLOW_URL');
    expect(json.summary.instances.healthy).toMatchObject({ exit_code: 0 });
  }, 60_000);

  it('critical beats unknown: with a failing instance too, exit 2 and worst names it', async () => {
    const run = await onceOver(['healthy', 'silent', 'failing'], '--json', '--deadline', '40s');
    const json = JSON.parse(run.stdout) as FleetJson;
    expect(json.summary.instances.failing).toMatchObject({ overall: 'critical', exit_code: 2 });
    expect(json.summary).toMatchObject({ overall: 'critical', exit_code: 2, worst: 'failing' });
    expect(run.code).toBe(2);
  }, 60_000);

  it('plain --once prints one line per instance, prefixed with its name', async () => {
    const run = await onceOver(['healthy', 'failing'], '--deadline', '40s');
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^healthy: airtop: HEALTHY health \d+\/100/);
    expect(lines[1]).toMatch(/^failing: airtop: CRITICAL health/);
    expect(run.code).toBe(2);
  }, 60_000);

  it('--context NAME prints that instance alone, as a single-instance report', async () => {
    const run = await onceOver(['healthy', 'silent'], '--json', '--context', 'healthy');
    const report = JSON.parse(run.stdout) as { summary: { overall: string }; instances?: unknown };
    expect(report.instances).toBeUndefined();
    expect(report.summary.overall).toBe('healthy');
    expect(run.code).toBe(0);
  }, 60_000);

  it('--demo --demo-instances 3 --once --json: 3 instances with distinct URLs, exit code of the worst', async () => {
    const run = await airtop(['--demo', '--demo-instances', '3', '--once', '--json']);
    const json = JSON.parse(run.stdout) as FleetJson;
    const summaries = Object.values(json.summary.instances);
    expect(Object.keys(json.summary.instances)).toEqual(['healthy', 'failing', 'flaky']);
    expect(new Set(summaries.map((s) => s.url)).size).toBe(3);
    for (const s of summaries) expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const worst = summaries.reduce((a, b) => (RANK[b.exit_code]! > RANK[a.exit_code]! ? b : a));
    expect(json.summary.exit_code).toBe(worst.exit_code);
    expect(run.code).toBe(worst.exit_code);
    expect(json.summary.instances.failing!.overall).toBe('critical');
    expect(run.code).toBe(2);
  }, 60_000);
});

describe('fleet input that is refused (exit 3)', () => {
  it.each([
    [['--demo-instances', '3'], /--demo-instances goes with --demo/],
    [['--demo', '--demo-instances', '0'], /whole number from 1 to 50/],
    [['--demo', '--demo-instances', '51'], /whole number from 1 to 50/],
    [['--demo', '--demo-instances', '2x'], /whole number from 1 to 50/],
    [['--demo', '--demo-instancez', '2'], /unknown flag --demo-instancez/],
    [['--context'], /--context needs a value/],
  ])('%j', async (args, message) => {
    const run = await airtop([...args, '--once']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(message);
  });

  it('duplicate names, --url with instances, an unknown --context', async () => {
    const dup = config(
      'instances:\n  - name: a\n    airflow: { url: http://127.0.0.1:1, token: t }\n  - name: a\n    airflow: { url: http://127.0.0.1:2, token: t }\n',
    );
    const dupRun = await airtop(['--once', '--config', dup]);
    expect(dupRun.code).toBe(3);
    expect(dupRun.stderr).toContain('instances[1].name: "a" is already the name of instances[0]');
    const one = config('instances:\n  - name: a\n    airflow: { url: http://127.0.0.1:1, token: t }\n');
    const urlRun = await airtop(['--once', '--config', one, '--url', 'http://127.0.0.1:3']);
    expect(urlRun.code).toBe(3);
    expect(urlRun.stderr).toMatch(/use --context NAME/);
    const ctxRun = await airtop(['--once', '--config', one, '--context', 'b']);
    expect(ctxRun.code).toBe(3);
    expect(ctxRun.stderr).toMatch(/--context b: no such instance; the config names a/);
  });
});
