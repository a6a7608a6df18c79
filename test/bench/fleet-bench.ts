import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AirflowSource, DagRun, Snapshot, TaskInstance, TaskWindowStats } from '../../source/airflow/types.js';
import { configSchema } from '../../source/config/schema.js';
import { fleetMetricsText } from '../../source/headless/fleet-metrics.js';
import { startFleetLive } from '../../source/fleet/live.js';
import type { InstanceContext } from '../../source/fleet/types.js';
import { useLeanHeap } from '../../source/modes/heap.js';
import { ManualPollerClock } from '../helpers/manual-clock.js';
import { formatMs, targetLine, type Target } from './table.js';

// The fleet line of `npm run bench`: 20 simulated Airflows × 200 DAGs in one process, wired as
// `airtop --headless` wires a fleet (startFleetLive: a store, poll cycle and poller per instance, one notifier
// and outbox, /metrics rendered every poll round), for a simulated day at a 5-minute interval. The sources
// are in-process (a fresh synthetic snapshot per poll: 200 DAGs, 3 tasks each, ~4 runs an hour, a changing
// few failing) and the clock is simulated, so a day takes minutes.
//
// Poll lag: the real time from the moment a poll fell due until its report was in its store (so it counts
// the poll's own work and any wait behind the other instances' on the one event loop). Simulated time skips
// what is idle and runs as real time while polls run, so polls that overlap in the daemon overlap here. The
// instances all poll at start, then drift a few seconds apart (fleet/live.ts phaseOf). RSS after the day,
// after a GC, as the daemon would hold it.
//
// Env: BENCH_FLEET_INSTANCES (20), BENCH_FLEET_DAGS (200), BENCH_FLEET_HOURS (24).

const INTERVAL_S = 300;
const TASKS = ['extract', 'transform', 'load'];

export interface FleetBenchResult {
  instances: number;
  dags: number;
  simulatedHours: number;
  polls: number;
  pollsPerInstanceMin: number;
  lagP50Ms: number;
  lagP95Ms: number;
  lagMaxMs: number;
  /** The worst instance's own p95. */
  worstInstanceLagP95Ms: number;
  rssStartMb: number;
  rssEndMb: number;
  maxRssMb: number;
  heapUsedMb: number;
  metricsBytes: number;
  realMs: number;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** A deterministic hash of small integers → [0, 1). */
function noise(...parts: number[]): number {
  let h = 2166136261;
  for (const p of parts) {
    h ^= p;
    h = Math.imul(h, 16777619) >>> 0;
    h ^= h >>> 13;
  }
  return (h % 10_000) / 10_000;
}

/** The instances share one clock, so their timestamps repeat: format each once (the bench's cost, not airtop's). */
const isoCache = new Map<number, string>();
function isoCached(ms: number): string {
  let text = isoCache.get(ms);
  if (text === undefined) {
    if (isoCache.size > 100_000) isoCache.clear();
    text = new Date(ms).toISOString();
    isoCache.set(ms, text);
  }
  return text;
}

/** One simulated Airflow: every snapshot is built afresh, as a real source allocates one per poll. */
function syntheticSource(index: number, dags: number): AirflowSource {
  const ids = Array.from({ length: dags }, (_, i) => `dag_${String(i).padStart(3, '0')}`);
  const iso = isoCached;
  return {
    url: `http://sim-${index + 1}.invalid:8080`,
    async snapshot(now: Date): Promise<Snapshot> {
      // A real source waits on the network: let the other instances run meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
      const t = now.getTime();
      const runs: DagRun[] = [];
      const tis: TaskInstance[] = [];
      const windowDags: Snapshot['window']['dags'] = {};
      const windowTasks: Record<string, TaskWindowStats> = {};
      const baselineDags: Record<string, number[]> = {};
      const baselineTasks: Record<string, number[]> = {};
      ids.forEach((dagId, d) => {
        // Instance 2 fails often; elsewhere a few DAGs fail now and then, so alerts fire and resolve.
        const failRate = index === 1 ? 0.5 : 0.04;
        let success = 0;
        let failed = 0;
        const durations: number[] = [];
        // Runs every 15 minutes, as a scheduler makes them: a run keeps its id (and its outcome) from poll to poll.
        const latest = Math.floor(t / 900_000) * 900_000;
        for (let r = 0; r < 4; r++) {
          const start = latest - r * 900_000;
          const slot = start / 900_000;
          const fails = noise(index, d, slot) < failRate;
          const seconds = 60 + Math.round(noise(d, slot) * 120);
          const runId = `scheduled__${iso(start)}`;
          runs.push({
            dagId,
            runId,
            state: fails ? 'failed' : 'success',
            runType: 'scheduled',
            queuedAt: iso(start - 1000),
            startDate: iso(start),
            endDate: iso(start + seconds * 1000),
            runAfter: iso(start),
            logicalDate: iso(start),
          });
          if (fails) failed += 1;
          else {
            success += 1;
            durations.push(seconds);
          }
          TASKS.forEach((taskId, k) => {
            const taskSeconds = Math.round(seconds / 3);
            tis.push({
              dagId,
              runId,
              taskId,
              mapIndex: -1,
              state: fails && k === 2 ? 'failed' : 'success',
              tryNumber: 1,
              maxTries: 2,
              startDate: iso(start + k * taskSeconds * 1000),
              endDate: iso(start + (k + 1) * taskSeconds * 1000),
              durationSeconds: taskSeconds,
              pool: 'default_pool',
              poolSlots: 1,
              queue: 'default',
              operator: 'PythonOperator',
              queuedWhen: null,
            });
          });
        }
        const avg = durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : 0;
        windowDags[dagId] = {
          dagId,
          runs: 4,
          success,
          failed,
          running: 0,
          queued: 0,
          avgSuccessDurationSeconds: avg,
          p95SuccessDurationSeconds: durations.length ? Math.max(...durations) : 0,
        };
        baselineDags[dagId] = Array.from({ length: 50 }, (_, i) => 60 + Math.round(noise(d, i) * 120));
        for (const taskId of TASKS) {
          const key = `${dagId}.${taskId}`;
          windowTasks[key] = {
            dagId,
            taskId,
            total: 4,
            success: taskId === 'load' ? success : 4,
            failed: taskId === 'load' ? failed : 0,
            retries: 0,
            avgDurationSeconds: avg / 3,
            maxDurationSeconds: avg / 2,
          };
          baselineTasks[key] = Array.from({ length: 50 }, (_, i) => 20 + Math.round(noise(d, i, 7) * 40));
        }
      });
      return {
        takenAt: now.toISOString(),
        source: 'rest',
        airflow: { url: this.url, version: '3.1.0', api: 'v2' },
        health: null,
        dags: ids.map((dagId) => ({ dagId, isPaused: false, tags: [], owners: ['data'] })),
        window: { since: iso(t - 3600_000), dags: windowDags, tasks: windowTasks },
        baseline: { since: iso(t - 7 * 86400_000), dags: baselineDags, tasks: baselineTasks },
        runs,
        taskInstances: tis,
        pools: [
          {
            name: 'default_pool',
            slots: 128,
            occupiedSlots: 10,
            runningSlots: 10,
            queuedSlots: 0,
            scheduledSlots: 0,
            deferredSlots: 0,
            openSlots: 118,
          },
        ],
        variables: {},
        issues: [],
      };
    },
    dagRuns: () => Promise.resolve([]),
    taskInstances: () => Promise.resolve([]),
    taskLog: () => Promise.resolve({ lines: [], continuationToken: null }),
    close: () => Promise.resolve(),
  };
}

/** Runs in the child process (so its RSS is the fleet's alone). */
export async function measureFleet(options: {
  instances: number;
  dags: number;
  hours: number;
}): Promise<FleetBenchResult> {
  useLeanHeap();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssStart = process.memoryUsage().rss;
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'airtop-fleet-bench-'));
  // Poller timers fired by the bench as simulated time passes.
  const clock = new ManualPollerClock(Date.parse('2026-01-01T00:00:00Z'));
  const config = configSchema.parse({ interval: INTERVAL_S, dags: { patterns: ['*'] } });
  const instances: InstanceContext[] = Array.from({ length: options.instances }, (_, i) => ({
    name: `sim-${i + 1}`,
    config,
    source: syntheticSource(i, options.dags),
  }));
  /** Real time each member's current poll fell due (the tick that fired it). */
  const dueAt = new Map<string, number>();
  const lags = new Map<string, number[]>(instances.map((i) => [i.name, []]));
  let pending = 0;
  let settle: (() => void) | null = null;
  const done = (name: string) => {
    const due = dueAt.get(name);
    if (due === undefined) return;
    lags.get(name)!.push(performance.now() - due);
    dueAt.delete(name);
    pending -= 1;
    if (pending === 0) {
      settle?.();
      settle = null;
    }
  };
  const live = await startFleetLive(
    { config, stateDir: dir, instances, fleet: true, clock: clock.now },
    {
      log: () => undefined,
      role: 'headless',
      pollerClock: clock,
      notifier: { timers: false },
      start: false,
      onReport: (member) => done(member.name),
      onPollError: (member) => done(member.name),
    },
  );
  let maxRss = process.memoryUsage().rss;
  let metricsBytes = 0;
  let lastScrape = -Infinity;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const idle = () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => (settle = resolve)));
  /** Fires what is due at simulated `at`; the polls it starts fell due now, in real time. */
  const fire = (at: number) => {
    const before = new Set(live.members.filter((m) => m.poller.inFlight).map((m) => m.name));
    clock.fireAt(at);
    const tick = performance.now();
    for (const m of live.members) {
      if (m.poller.inFlight && !before.has(m.name)) {
        dueAt.set(m.name, tick);
        pending += 1;
      }
    }
  };
  /** Prometheus scrapes about once a simulated minute. */
  const scrape = async () => {
    if (clock.t - lastScrape < 60_000) return;
    lastScrape = clock.t;
    const text = await fleetMetricsText(
      live.members.map((m) => ({ name: m.name, report: m.store.getState().report, data: m.store.getState() })),
      live.members[0]!.store.getState(),
    );
    metricsBytes = text.length;
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
  };
  let nextReport = clock.t + 3600_000;
  const startedSim = clock.t;
  const progress = () => {
    if (clock.t < nextReport) return;
    nextReport += 3600_000;
    const all = [...lags.values()].flat();
    process.stderr.write(
      `fleet bench: ${((clock.t - startedSim) / 3600_000).toFixed(0)} h simulated, ${all.length} polls, lag p50 ${percentile(all, 0.5).toFixed(0)} ms p95 ${percentile(all, 0.95).toFixed(0)} ms, RSS ${mb(process.memoryUsage().rss)} MiB, ${((Date.now() - started) / 1000).toFixed(0)} s real\n`,
    );
  };
  try {
    // Start: every instance polls at once (as the daemon does), then they drift apart (fleet/live.ts phaseOf).
    const tick = performance.now();
    for (const m of live.members) dueAt.set(m.name, tick);
    pending = live.members.length;
    live.members.forEach((m) => m.poller.start());
    const end = clock.t + options.hours * 3600_000;
    for (;;) {
      await scrape();
      progress();
      const at = clock.nextAt();
      if (at === null || at > end) {
        // Polls still running schedule their next one when they end.
        if (pending === 0) break;
        await idle();
        continue;
      }
      if (pending === 0) {
        // Nothing running: skip the idle simulated time.
        fire(at);
        continue;
      }
      // Polls are running: simulated time passes as real time does until the next one falls due.
      const from = performance.now();
      await Promise.race([idle(), sleep(Math.max(0, at - clock.t))]);
      clock.t = Math.min(at, clock.t + (performance.now() - from));
      if (clock.t >= at) fire(at);
    }
    await idle();
    gc?.();
    const memory = process.memoryUsage();
    const all = [...lags.values()].flat();
    const perInstance = [...lags.values()].map((l) => percentile(l, 0.95));
    return {
      instances: options.instances,
      dags: options.dags,
      simulatedHours: options.hours,
      polls: all.length,
      pollsPerInstanceMin: Math.min(...[...lags.values()].map((l) => l.length)),
      lagP50Ms: percentile(all, 0.5),
      lagP95Ms: percentile(all, 0.95),
      lagMaxMs: Math.max(...all),
      worstInstanceLagP95Ms: Math.max(...perInstance),
      rssStartMb: mb(rssStart),
      rssEndMb: mb(memory.rss),
      maxRssMb: mb(Math.max(maxRss, memory.rss)),
      heapUsedMb: mb(memory.heapUsed),
      metricsBytes,
      realMs: Date.now() - started,
    };
  } finally {
    await live.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Spawns the child, reads its one JSON line. */
export async function runFleetBench(log: (line: string) => void): Promise<FleetBenchResult> {
  const instances = Number(process.env.BENCH_FLEET_INSTANCES ?? 20);
  const dags = Number(process.env.BENCH_FLEET_DAGS ?? 200);
  const hours = Number(process.env.BENCH_FLEET_HOURS ?? 24);
  log(`bench: fleet, ${instances} instances × ${dags} DAGs for a simulated ${hours} h in one process`);
  const script = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    ['--expose-gc', script, 'child', String(instances), String(dags), String(hours)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`fleet bench child exited ${code}: ${out.slice(-500)}`);
  return JSON.parse(line) as FleetBenchResult;
}

const RSS_TARGET_MB = 400;
const LAG_TARGET_MS = 2000;

export function fleetTargets(r: FleetBenchResult): Target[] {
  // 400 MB = 381.5 MiB
  const rssMb = (r.rssEndMb * 1048576) / 1e6;
  return [
    {
      name: `fleet: RSS < ${RSS_TARGET_MB} MB after a simulated day (${r.instances} instances × ${r.dags} DAGs, one process${r.simulatedHours < 24 ? `; this run: ${r.simulatedHours} h only` : ''})`,
      pass: rssMb < RSS_TARGET_MB,
      detail: `${rssMb.toFixed(0)} MB (${r.rssEndMb} MiB; peak ${r.maxRssMb} MiB, live heap ${r.heapUsedMb} MiB) = ${(rssMb / RSS_TARGET_MB).toFixed(2)} of the target`,
    },
    {
      name: `fleet: per-instance poll lag p95 < ${LAG_TARGET_MS / 1000} s`,
      pass: r.lagP95Ms < LAG_TARGET_MS,
      detail: `p95 ${formatMs(r.lagP95Ms)} = ${(r.lagP95Ms / LAG_TARGET_MS).toFixed(2)} of the target (p50 ${formatMs(r.lagP50Ms)}, max ${formatMs(r.lagMaxMs)}, worst instance's p95 ${formatMs(r.worstInstanceLagP95Ms)}) over ${r.polls} polls, every instance polled ${r.pollsPerInstanceMin}+ times`,
    },
  ];
}

export function printFleetBench(r: FleetBenchResult): void {
  console.log(
    `\nfleet: ${r.instances} simulated Airflows × ${r.dags} DAGs in one headless process (test/bench/fleet-bench.ts; in-process sources, simulated clock, 5-min interval, ${r.simulatedHours} h)`,
  );
  console.log(
    `  ${r.polls} polls in ${formatMs(r.realMs)} real time; RSS start ${r.rssStartMb} MiB, end ${r.rssEndMb} MiB; /metrics ${Math.round(r.metricsBytes / 1024)} KiB`,
  );
  for (const target of fleetTargets(r)) console.log(targetLine(target));
}

if (process.argv[2] === 'child') {
  const [instances, dags, hours] = process.argv.slice(3).map(Number);
  const result = await measureFleet({ instances: instances!, dags: dags!, hours: hours! });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
