import { EventEmitter } from 'node:events';
import type { AirtopStore } from '../../source/state/store.js';
import { fakeStdin, fakeTtyRenderOptions } from './fake-tty.js';

// The harness of the UI benches (test/bench/ui-bench.tsx, test/bench/fleet-ui-bench.ts): the real App over a
// fake terminal that counts frames, keys timed from press to the frame they draw, and the figures' lines.
// React, Ink and the App are imported when a session opens, so a bench that sets NODE_ENV first measures
// what ships.

export const DOWN = '\x1b[B';
export const ENTER = '\r';
export const ESC = '\x1b';

/** A terminal of a fixed size that counts the frames written to it and notes when the last one came. */
export class FrameCountingTerminal extends EventEmitter {
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

/** Checks `condition` once a macrotask: true once it holds, false after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await macrotask();
  }
  return true;
}

/** The p-th percentile of ascending `sorted` (NaN when it is empty). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A figure in ms, one decimal. */
export const fmtMs = (ms: number) => `${ms.toFixed(1)} ms`;

/** One rendered App the bench presses keys in. */
export interface BenchSession {
  store: AirtopStore;
  terminal: FrameCountingTerminal;
  stdin: ReturnType<typeof fakeStdin>;
  /** CPU ms this process spent per measured key: wall time suffers when other processes share the cores. */
  cpuPerKey: number[];
  stop(): void;
}

/** Polls as a live session has them: a few minutes apart, relative to the real clock at `now`. */
export function pollsMidInterval(store: AirtopStore, now: number): void {
  store.setState((s) => ({
    poll: {
      ...s.poll,
      lastSuccessAt: new Date(now - 150_000).toISOString(),
      nextPollAt: new Date(now + 150_000).toISOString(),
    },
  }));
}

/**
 * The real App over a fake `columns` × `rows` terminal, as runTui renders it, except that every commit is
 * written at once (Ink's debug mode): the figure is the work per key, not the 30 fps frame cap. `stop`
 * unmounts it, then calls `cleanup`.
 */
export async function openApp(
  store: AirtopStore,
  columns: number,
  rows: number,
  cleanup: () => void,
): Promise<BenchSession> {
  const [{ createElement }, { render }, { App }] = await Promise.all([
    import('react'),
    import('ink'),
    import('../../source/ui/app.js'),
  ]);
  const terminal = new FrameCountingTerminal(columns, rows);
  const stdin = fakeStdin();
  const noop = () => undefined;
  const instance = render(
    createElement(App, {
      store,
      commands: { refresh: noop, quit: noop, ack: noop, unack: noop, silence: noop },
      readonly: false,
    }),
    fakeTtyRenderOptions(terminal, stdin),
  );
  return {
    store,
    terminal,
    stdin,
    cpuPerKey: [],
    stop() {
      instance.unmount();
      cleanup();
    },
  };
}

/** Sends one key and returns the ms until the next frame was written (NaN if none came within 2 s). */
export async function press(session: BenchSession, key: string): Promise<number> {
  const before = session.terminal.frames;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  session.stdin.write(key);
  const drawn = await until(() => session.terminal.frames > before, 2000);
  const used = process.cpuUsage(cpu);
  session.cpuPerKey.push((used.user + used.system) / 1000);
  return drawn ? session.terminal.lastFrameAt - t0 : Number.NaN;
}

/** The p50 and p95 of the CPU ms per key the session measured. */
export function cpuPercentiles(session: BenchSession): { p50: number; p95: number } {
  const sorted = [...session.cpuPerKey].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

/** Lets follow-up frames (a drill-down's data arriving) land before the next measured key. */
export async function settle(session: BenchSession): Promise<void> {
  await until(() => !session.store.getState().drill.loading, 2000);
  let frames = -1;
  while (frames !== session.terminal.frames) {
    frames = session.terminal.frames;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The keys both UI benches time, in order: ↓ ×200 (`afterDown` runs after each), a filter typed and cleared ×5,
 * Enter/Esc into a DAG and back ×20.
 */
export async function tableKeyLatencies(
  session: BenchSession,
  afterDown: () => void = () => undefined,
): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = { down: [], filter: [], drill: [] };
  await settle(session);
  for (let i = 0; i < 200; i++) {
    samples['down']!.push(await press(session, DOWN));
    afterDown();
  }
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

/** The timings of the keys that drew a frame, ascending. */
const drawnOnly = (values: number[]) => values.filter((ms) => !Number.isNaN(ms)).sort((a, b) => a - b);

/** How many keys drew no frame within 2 s. */
export const missedKeys = (values: number[]) => values.filter((ms) => Number.isNaN(ms)).length;

/** The figures line of one key: how many drew a frame, and their p50, p95 and max. */
export function latencyLine(label: string, name: string, values: number[]): string {
  const sorted = drawnOnly(values);
  return `  ${label} ${name.padEnd(8)} n=${String(sorted.length).padStart(3)}  p50 ${fmtMs(percentile(sorted, 50))}  p95 ${fmtMs(percentile(sorted, 95))}  max ${fmtMs(sorted.at(-1) ?? Number.NaN)}`;
}

/** The p95 of every key, or Infinity when any drew no frame (a key that draws nothing misses the target). */
export function keysP95(values: number[]): number {
  return missedKeys(values) ? Number.POSITIVE_INFINITY : percentile(drawnOnly(values), 95);
}
