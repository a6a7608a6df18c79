import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { hubRequest, openHubStream, type HubStream } from '../../source/hub/client.js';
import { targetLine, type Target } from './table.js';

// The hub under load: a real `airtop --demo --headless` serving 50 attached change streams (and an ack or
// un-ack every half second, busier than any team), measured from outside: are its polls still on schedule, does
// every stream get every poll, and does its RSS stay under 200 MB. Env: BENCH_HUB_SECONDS (60), BENCH_HUB_CLIENTS (50).

const CLI = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));
const TOKEN = 'bench-hub-token-0123456789abcdef';
const INTERVAL_S = 2;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface HubBenchResult {
  clients: number;
  seconds: number;
  polls: number;
  intervalP50Ms: number;
  intervalMaxMs: number;
  maxRssMb: number;
  /** Poll updates the slowest stream received, of those the daemon made while all were attached. */
  slowestStreamPolls: number;
  lines: string[];
  targets: Target[];
}

export async function runHubBench(log: (line: string) => void): Promise<HubBenchResult> {
  const clients = Number(process.env.BENCH_HUB_CLIENTS ?? 50);
  const seconds = Number(process.env.BENCH_HUB_SECONDS ?? 60);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const stateHome = mkdtempSync(join(tmpdir(), 'airtop-hub-bench-'));
  const child = spawn(
    process.execPath,
    [CLI, '--demo', '--headless', '--interval', String(INTERVAL_S), '--metrics-listen', `127.0.0.1:${port}`],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AIRTOP_HUB_TOKEN: TOKEN,
        XDG_STATE_HOME: stateHome,
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let logText = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (logText = (logText + chunk).slice(-100_000)));
  const streams: HubStream[] = [];
  try {
    for (let i = 0; i < 100 && !logText.includes('hub API on /api/v1'); i++) await sleep(100);
    if (!logText.includes('hub API on /api/v1')) throw new Error(`the daemon did not start its hub:\n${logText}`);
    log(`bench: hub, ${clients} attached streams for ${seconds} s`);
    const pollsSeen = new Array<number>(clients).fill(0);
    const starts = new Set<string>();
    let connected = 0;
    for (let i = 0; i < clients; i++) {
      streams.push(
        openHubStream(
          { url, token: TOKEN },
          {
            onState: () => undefined,
            onUpdate: (u) => {
              if (u.report) pollsSeen[i]! += 1;
              if (i === 0 && u.report && !u.report.airflow.stale) starts.add(u.report.timestamp);
            },
            onConnection: (up) => {
              if (up) connected += 1;
            },
          },
        ),
      );
    }
    for (let i = 0; i < 100 && connected < clients; i++) await sleep(100);
    let maxRss = 0;
    const deadline = Date.now() + seconds * 1000;
    let toggle = false;
    while (Date.now() < deadline) {
      maxRss = Math.max(maxRss, rssMb(child.pid!) ?? 0);
      const alerts = (await hubRequest({ url, token: TOKEN }, 'GET', '/api/v1/alerts')).body as {
        alerts?: { fingerprint: string }[];
      };
      const fp = alerts.alerts?.[0]?.fingerprint;
      if (fp)
        await hubRequest({ url, token: TOKEN }, 'POST', `/api/v1/alerts/${fp}/${toggle ? 'unack' : 'ack'}`, {
          note: 'bench',
        });
      toggle = !toggle;
      await sleep(500);
    }
    const times = [...starts].map((s) => Date.parse(s)).sort((a, b) => a - b);
    // The first interval holds the demo's first, cold poll; the schedule is judged from the second on.
    const intervals = times
      .slice(2)
      .map((t, i) => t - times[i + 1]!)
      .sort((a, b) => a - b);
    const p50 = intervals[Math.floor(intervals.length / 2)] ?? NaN;
    const max = intervals[intervals.length - 1] ?? NaN;
    const slowest = Math.min(...pollsSeen);
    const lines = [
      `${clients} streams attached (${connected} connected), ${times.length} polls seen in ${seconds} s at a ${INTERVAL_S} s interval`,
      `interval between polls p50 ${p50} ms, max ${max} ms; slowest stream got ${slowest} poll updates, fastest ${Math.max(...pollsSeen)}`,
      `daemon peak RSS ${maxRss.toFixed(0)} MiB`,
    ];
    const targets: Target[] = [
      {
        name: `polls on schedule with ${clients} attached TUIs (max interval between polls ≤ ${INTERVAL_S} s + 500 ms)`,
        pass: max <= INTERVAL_S * 1000 + 500,
        detail: `max ${max} ms`,
      },
      {
        name: `daemon RSS < 200 MB with ${clients} attached TUIs`,
        pass: maxRss > 0 && maxRss < 200,
        detail: `${maxRss.toFixed(0)} MiB`,
      },
      {
        name: 'every attached TUI gets every poll',
        pass: slowest >= times.length - 2,
        detail: `slowest ${slowest} of ${times.length}`,
      },
    ];
    return {
      clients,
      seconds,
      polls: times.length,
      intervalP50Ms: p50,
      intervalMaxMs: max,
      maxRssMb: maxRss,
      slowestStreamPolls: slowest,
      lines,
      targets,
    };
  } finally {
    for (const s of streams) s.stop();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(stateHome, { recursive: true, force: true });
  }
}

export function printHubBench(result: HubBenchResult): void {
  console.log('\nhub bench (test/bench/hub-bench.ts)');
  for (const line of result.lines) console.log(`  ${line}`);
  for (const target of result.targets) console.log(targetLine(target));
}
