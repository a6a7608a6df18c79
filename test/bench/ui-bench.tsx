// UI benchmark, run by `npm run bench` (test/bench/run.ts imports runUiBench). With 2,000 DAGs in the store:
// time from key press to frame written (↓ ×200, typing a filter, Enter/Esc into a DAG and back), and the
// CPU the idle screen burns while the header clock ticks. Targets: key p95 < 30 ms, idle < 1 % CPU. For scale it
// also reports what Ink itself spends on a blank frame of each size.
import { EventEmitter } from 'node:events';
import { availableParallelism, loadavg } from 'node:os';
import { PassThrough } from 'node:stream';
import chalk from 'chalk';
import { Box, render, Text } from 'ink';
import { useEffect, useState } from 'react';
import { createDrillController } from '../../source/collect/drill.js';
import type { AirtopStore } from '../../source/state/store.js';
import { App } from '../../source/ui/app.js';
import { formatAge, formatCountdown } from '../../source/ui/format.js';
import { FakeSource } from '../ui/fake-source.js';
import { buildStore } from '../ui/fixtures.js';

const DOWN = '\x1b[B';
const ENTER = '\r';
const ESC = '\x1b';
const TARGET_KEY_P95_MS = 30;
const TARGET_IDLE_CPU_PCT = 1;

class Terminal extends EventEmitter {
  isTTY = true;
  frames = 0;
  lastFrameAt = 0;
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write(chunk: string): boolean {
    if (chunk.length > 0) {
      this.frames++;
      this.lastFrameAt = performance.now();
    }
    return true;
  }
}

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await macrotask();
  }
  return true;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

interface Session {
  store: AirtopStore;
  terminal: Terminal;
  stdin: PassThrough;
  stop(): void;
}

/** The real App over fake streams, as runTui renders it, except that every commit is written at once (Ink's
 * debug mode): the figure is the work per key, not the 30 fps frame cap. */
function open(columns: number, rows: number, now: () => number): Session {
  const store = buildStore({ extraDags: 2000, columns, rows });
  // Polls as a live session has them: a few minutes apart, relative to the real clock.
  const poll = store.getState().poll;
  store.setState({
    poll: {
      ...poll,
      lastSuccessAt: new Date(now() - 150_000).toISOString(),
      nextPollAt: new Date(now() + 150_000).toISOString(),
    },
  });
  const source = new FakeSource();
  const drill = createDrillController({ store, source });
  const terminal = new Terminal(columns, rows);
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: () => undefined,
    ref: () => undefined,
    unref: () => undefined,
  });
  const noop = () => undefined;
  const instance = render(
    <App
      store={store}
      commands={{ refresh: noop, quit: noop, ack: noop, unack: noop, silence: noop }}
      readonly={false}
    />,
    {
      stdout: terminal as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  return {
    store,
    terminal,
    stdin,
    stop() {
      instance.unmount();
      drill.stop();
    },
  };
}

/** CPU ms this process spent per measured key (wall time suffers when other processes share the cores). */
const cpuPerKey: number[] = [];

/** Sends one key and returns the ms until the next frame was written (NaN if none came within 2 s). */
async function press(session: Session, key: string): Promise<number> {
  const before = session.terminal.frames;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  session.stdin.write(key);
  const drawn = await until(() => session.terminal.frames > before, 2000);
  const used = process.cpuUsage(cpu);
  cpuPerKey.push((used.user + used.system) / 1000);
  return drawn ? session.terminal.lastFrameAt - t0 : Number.NaN;
}

/** Lets follow-up frames (a drill-down's data arriving) land before the next measured key. */
async function settle(session: Session): Promise<void> {
  await until(() => !session.store.getState().drill.loading, 2000);
  let frames = -1;
  while (frames !== session.terminal.frames) {
    frames = session.terminal.frames;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function keyLatencies(session: Session): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = { down: [], filter: [], drill: [] };
  await settle(session);
  for (let i = 0; i < 200; i++) samples['down']!.push(await press(session, DOWN));
  await settle(session);
  for (let round = 0; round < 5; round++) {
    for (const key of ['/', ...'dag_01']) samples['filter']!.push(await press(session, key));
    samples['filter']!.push(await press(session, ESC)); // stops editing and clears the filter
    await settle(session);
  }
  for (let round = 0; round < 20; round++) {
    samples['drill']!.push(await press(session, ENTER));
    await settle(session);
    samples['drill']!.push(await press(session, ESC));
    await settle(session);
  }
  return samples;
}

/** CPU used by this process over `seconds` of idling, as a share of one core. */
async function idleCpu(seconds: number): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const used = process.cpuUsage(start);
  return ((used.user + used.system) / 1000 / (performance.now() - t0)) * 100;
}

/** Mean CPU ms of a frame that only the header asks for (the poll schedule moves by a minute). */
async function headerFrameCpu(session: Session): Promise<number> {
  const n = 20;
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const before = session.terminal.frames;
    const poll = session.store.getState().poll;
    session.store.setState({
      poll: { ...poll, nextPollAt: new Date(Date.parse(poll.nextPollAt!) + 60_000 * (i % 2 ? -1 : 1)).toISOString() },
    });
    await until(() => session.terminal.frames > before, 2000);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / n;
}

/**
 * Median CPU ms of a frame that changes one number on an otherwise blank screen of this size: what Ink 6 spends
 * on every frame whatever the app draws (it rebuilds and re-serialises a columns × rows cell grid each time).
 */
async function blankFrameCpu(columns: number, rows: number): Promise<number> {
  const terminal = new Terminal(columns, rows);
  let bump: () => void = () => undefined;
  function Blank() {
    const [n, setN] = useState(0);
    useEffect(() => {
      bump = () => setN((x) => x + 1);
    }, []);
    return (
      <Box width={columns} height={rows - 1}>
        <Text>{String(n)}</Text>
      </Box>
    );
  }
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: () => undefined,
    ref: () => undefined,
    unref: () => undefined,
  });
  const instance = render(<Blank />, {
    stdout: terminal as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  try {
    await until(() => terminal.frames > 0, 2000);
    const samples: number[] = [];
    for (let i = 0; i < 40; i++) {
      const before = terminal.frames;
      const cpu = process.cpuUsage();
      bump();
      await until(() => terminal.frames > before, 2000);
      const used = process.cpuUsage(cpu);
      samples.push((used.user + used.system) / 1000);
    }
    return percentile(
      samples.sort((a, b) => a - b),
      50,
    );
  } finally {
    instance.unmount();
  }
}

/** How many times the header's time text changes over one poll interval, second by second. */
function framesPerCycle(intervalSeconds: number): number {
  const t0 = Date.parse('2025-03-14T12:00:00Z');
  const last = new Date(t0).toISOString();
  const next = t0 + intervalSeconds * 1000;
  let changes = 0;
  let shown = '';
  for (let s = 0; s < intervalSeconds; s++) {
    const text = `${formatAge(last, t0 + s * 1000)}|${formatCountdown((next - t0 - s * 1000) / 1000)}`;
    if (text !== shown) changes++;
    shown = text;
  }
  return changes;
}

export async function runUiBench(
  options: { sizes?: [number, number][]; idleSeconds?: number } = {},
): Promise<{ p95KeyMs: number; idleCpuPct: number; lines: string[] }> {
  const sizes = options.sizes ?? [
    [120, 40],
    [250, 70],
  ];
  const idleSeconds = options.idleSeconds ?? 10;
  // Colour as a terminal has it, wherever the bench's own output goes (chalk would turn it off for a pipe).
  const colourLevel = chalk.level;
  chalk.level = Math.max(chalk.level, 2) as typeof chalk.level;
  const lines: string[] = [
    `ui bench: 2,000 DAGs, Node ${process.version}, NODE_ENV=${process.env['NODE_ENV'] ?? '(unset)'}, colour level ${chalk.level}, load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`,
  ];
  cpuPerKey.length = 0;
  let worstP95 = 0;
  for (const [columns, rows] of sizes) {
    const session = open(columns, rows, Date.now);
    try {
      const samples = await keyLatencies(session);
      const all = Object.values(samples).flat();
      const missed = all.filter((ms) => Number.isNaN(ms)).length;
      for (const [name, values] of [...Object.entries(samples), ['all keys', all] as const]) {
        const sorted = values.filter((ms) => !Number.isNaN(ms)).sort((a, b) => a - b);
        lines.push(
          `  ${columns}x${rows} ${name.padEnd(8)} n=${String(sorted.length).padStart(3)}  p50 ${fmt(percentile(sorted, 50))}  p95 ${fmt(percentile(sorted, 95))}  max ${fmt(sorted.at(-1) ?? Number.NaN)}`,
        );
      }
      const cpu = cpuPerKey.splice(0).sort((a, b) => a - b);
      lines.push(
        `  ${columns}x${rows} CPU per key     p50 ${fmt(percentile(cpu, 50))}  p95 ${fmt(percentile(cpu, 95))}  (this process alone)`,
      );
      lines.push(
        `  ${columns}x${rows} Ink's own floor: a blank frame of this size costs ${fmt(await blankFrameCpu(columns, rows))} CPU`,
      );
      const p95 = percentile(
        all.filter((ms) => !Number.isNaN(ms)).sort((a, b) => a - b),
        95,
      );
      if (missed) lines.push(`  ${columns}x${rows} ${missed} key(s) drew no frame within 2 s`);
      worstP95 = Math.max(worstP95, missed ? Number.POSITIVE_INFINITY : p95);
    } finally {
      session.stop();
    }
  }

  // Idle: the main screen between polls while the header checks the clock every second. Its text changes once a
  // minute and each second of the last ten before a poll; each change costs one full Ink frame. Measured: a real
  // window of idling, and the CPU of one header frame, scaled to the frames a 5-minute poll cycle draws.
  const [columns, rows] = sizes[0]!;
  const session = open(columns, rows, Date.now);
  let idleCpuPct: number;
  try {
    await settle(session);
    const framesBefore = session.terminal.frames;
    const window = await idleCpu(idleSeconds);
    const windowFrames = session.terminal.frames - framesBefore;
    const frameCpu = await headerFrameCpu(session);
    const cycleFrames = framesPerCycle(300);
    const cycle = (cycleFrames * frameCpu) / 300 / 10; // ms per 300 s → % of a core
    lines.push(
      `  ${columns}x${rows} idle CPU ${window.toFixed(2)} % over ${idleSeconds} s mid-interval (${windowFrames} frames)`,
    );
    lines.push(
      `  ${columns}x${rows} one header frame costs ${frameCpu.toFixed(1)} ms CPU; a 5-minute poll cycle draws ${cycleFrames} → ${cycle.toFixed(2)} % on average`,
    );
    idleCpuPct = Math.max(window, cycle);
  } finally {
    session.stop();
  }
  chalk.level = colourLevel;
  const keyOk = worstP95 < TARGET_KEY_P95_MS;
  const idleOk = idleCpuPct < TARGET_IDLE_CPU_PCT;
  lines.push(`  target key p95 < ${TARGET_KEY_P95_MS} ms: ${keyOk ? 'OK' : 'MISSED'} (worst size ${fmt(worstP95)})`);
  lines.push(`  target idle CPU < ${TARGET_IDLE_CPU_PCT} %: ${idleOk ? 'OK' : 'MISSED'} (${idleCpuPct.toFixed(2)} %)`);
  return { p95KeyMs: worstP95, idleCpuPct, lines };
}
