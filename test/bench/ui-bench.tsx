// UI benchmark, run by `npm run bench` (test/bench/run.ts imports runUiBench). With 2,000 DAGs in the store:
// time from key press to frame written (↓ ×200, typing a filter, Enter/Esc into a DAG and back), and the
// CPU the idle screen burns while the header clock ticks. Targets: key p95 < 30 ms, idle < 1 % CPU. For scale it
// also reports what Ink itself spends on a blank frame of each size.
import { availableParallelism, loadavg } from 'node:os';
import chalk from 'chalk';
import { Box, render, Text } from 'ink';
import { useEffect, useState } from 'react';
import { createDrillController } from '../../source/collect/drill.js';
import { formatAge, formatCountdown } from '../../source/ui/format.js';
import { fakeStdin, fakeTtyRenderOptions } from '../helpers/fake-tty.js';
import {
  cpuPercentiles,
  FrameCountingTerminal,
  fmtMs,
  keysP95,
  latencyLine,
  missedKeys,
  openApp,
  percentile,
  pollsMidInterval,
  settle,
  tableKeyLatencies,
  until,
  type BenchSession,
} from '../helpers/ui-bench.js';
import { FakeSource } from '../ui/fake-source.js';
import { buildStore } from '../ui/fixtures.js';

const TARGET_KEY_P95_MS = 30;
const TARGET_IDLE_CPU_PCT = 1;

/** The real App with 2,000 DAGs, its polls mid-interval at `now()`, and a drill-down over a fake source. */
async function open(columns: number, rows: number, now: () => number): Promise<BenchSession> {
  const store = buildStore({ extraDags: 2000, columns, rows });
  pollsMidInterval(store, now());
  const source = new FakeSource();
  const drill = createDrillController({ store, source });
  return openApp(store, columns, rows, () => drill.stop());
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
async function headerFrameCpu(session: BenchSession): Promise<number> {
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
  const terminal = new FrameCountingTerminal(columns, rows);
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
  const instance = render(<Blank />, fakeTtyRenderOptions(terminal, fakeStdin()));
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
  let worstP95 = 0;
  for (const [columns, rows] of sizes) {
    const session = await open(columns, rows, Date.now);
    try {
      const samples = await tableKeyLatencies(session);
      const all = Object.values(samples).flat();
      const missed = missedKeys(all);
      for (const [name, values] of [...Object.entries(samples), ['all keys', all] as const])
        lines.push(latencyLine(`${columns}x${rows}`, name, values));
      const cpu = cpuPercentiles(session);
      lines.push(
        `  ${columns}x${rows} CPU per key     p50 ${fmtMs(cpu.p50)}  p95 ${fmtMs(cpu.p95)}  (this process alone)`,
      );
      lines.push(
        `  ${columns}x${rows} Ink's own floor: a blank frame of this size costs ${fmtMs(await blankFrameCpu(columns, rows))} CPU`,
      );
      if (missed) lines.push(`  ${columns}x${rows} ${missed} key(s) drew no frame within 2 s`);
      worstP95 = Math.max(worstP95, keysP95(all));
    } finally {
      session.stop();
    }
  }

  // Idle: the main screen between polls while the header checks the clock every second. Its text changes once a
  // minute and each second of the last ten before a poll; each change costs one full Ink frame. Measured: a real
  // window of idling, and the CPU of one header frame, scaled to the frames a 5-minute poll cycle draws.
  const [columns, rows] = sizes[0]!;
  const session = await open(columns, rows, Date.now);
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
  lines.push(`  target key p95 < ${TARGET_KEY_P95_MS} ms: ${keyOk ? 'OK' : 'MISSED'} (worst size ${fmtMs(worstP95)})`);
  lines.push(`  target idle CPU < ${TARGET_IDLE_CPU_PCT} %: ${idleOk ? 'OK' : 'MISSED'} (${idleCpuPct.toFixed(2)} %)`);
  return { p95KeyMs: worstP95, idleCpuPct, lines };
}
