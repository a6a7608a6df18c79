// Fleet UI benchmark (issue #14, item 5), run by `npm run bench` after the UI bench, or alone:
//   npm run build && npx tsc -p tsconfig.bench.json && node --expose-gc dist-bench/test/bench/fleet-ui-bench.js
// The real App over fake streams, as runTui renders it, with 20 instances × 200 DAGs mirrored into the TUI's store
// (ui/fleet-sync.ts, as the interactive mode mirrors fleet/live.ts' member stores), in the "all" view: key press →
// frame written for ↓ ×200 across every instance's rows (each step may change the current instance, so the pools,
// costs and quality panes redraw too), typing a filter, Enter/Esc into a DAG of the row's instance, the instance
// picker, and ↓ in the alert pane. Target: p95 < 30 ms. Printed as the figure and its ratio to the target.
//
// React and Ink are imported when a session opens (test/helpers/ui-bench.ts), after runFleetUiBench sets
// NODE_ENV, so the figures are those of what ships (source/cli.tsx sets NODE_ENV before React loads) whichever
// process runs this.
import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { AirflowSource } from '../../source/airflow/types.js';
import { selectAlertPaneRows } from '../../source/ui/model/alert-rows.js';
import {
  cpuPercentiles,
  DOWN,
  ESC,
  fmtMs,
  keysP95,
  latencyLine,
  missedKeys,
  openApp,
  pollsMidInterval,
  press,
  tableKeyLatencies,
  type BenchSession,
} from '../helpers/ui-bench.js';
import { FakeSource } from '../ui/fake-source.js';
import { buildFleetStore, type InstanceFixture } from '../ui/fleet-fixtures.js';
import { buildStore } from '../ui/fixtures.js';
import { formatRatio, ratio } from './table.js';

export const FLEET_TARGET_P95_MS = 30;
const INSTANCES = 20;
/** 4 fixture DAGs + 196 generated = 200 per instance. */
const EXTRA_DAGS = 196;

/** `fleet`: 20 × 200 DAGs in the all view; `single`: one instance with the same 4,000 DAGs, for the ratio. */
async function open(kind: 'fleet' | 'single', columns: number, rows: number): Promise<BenchSession> {
  const { createDrillController } = await import('../../source/collect/drill.js');
  const fixtures: InstanceFixture[] = Array.from({ length: INSTANCES }, (_, i) => ({
    name: `airflow-${String(i + 1).padStart(2, '0')}`,
    version: i % 2 ? '2.11.0' : '3.0.2',
    extraDags: EXTRA_DAGS,
    ...(i % 7 === 6 ? { error: 'connect ECONNREFUSED' } : {}),
  }));
  const { store, stop: stopMirror } =
    kind === 'fleet'
      ? buildFleetStore(fixtures, { columns, rows })
      : { store: buildStore({ extraDags: INSTANCES * (EXTRA_DAGS + 4) - 4, columns, rows }), stop: () => undefined };
  pollsMidInterval(store, Date.now());
  const sources = new Map<string, AirflowSource>(fixtures.map((f) => [f.name, new FakeSource()]));
  const drill = createDrillController({
    store,
    source: new FakeSource(),
    sourceFor: (name) => sources.get(name),
  });
  return openApp(store, columns, rows, () => {
    drill.stop();
    stopMirror();
  });
}

async function keyLatencies(session: BenchSession, fleet: boolean): Promise<Record<string, number[]>> {
  const instancesCrossed = new Set<string>();
  const samples: Record<string, number[]> = {
    ...(await tableKeyLatencies(session, () => instancesCrossed.add(session.store.getState().ui.current ?? ''))),
    picker: [],
    alerts: [],
  };
  // A single instance has no picker (i is not a key there).
  for (let round = 0; fleet && round < 10; round++) {
    samples['picker']!.push(await press(session, 'i'));
    samples['picker']!.push(await press(session, ESC));
  }
  samples['alerts']!.push(await press(session, '5'));
  // Only moves that move: past the last row a key draws nothing (one instance has a handful of alerts).
  const alertRows = selectAlertPaneRows(session.store.getState()).length;
  for (let i = 0; i < Math.min(50, alertRows - 1); i++) samples['alerts']!.push(await press(session, DOWN));
  if (!fleet) delete samples['picker'];
  if (fleet && instancesCrossed.size < 2)
    throw new Error('the ↓ keys never left one instance: the bench measures nothing');
  return samples;
}

export interface FleetUiBenchResult {
  p95KeyMs: number;
  lines: string[];
}

export async function runFleetUiBench(options: { sizes?: [number, number][] } = {}): Promise<FleetUiBenchResult> {
  process.env.NODE_ENV ??= 'production';
  const sizes =
    options.sizes ??
    (process.env['BENCH_FLEET_UI_SIZES']?.split(',').map((s) => s.split('x').map(Number) as [number, number]) || [
      [120, 40],
      [250, 70],
    ]);
  const lines = [
    `fleet ui bench: ${INSTANCES} instances × ${EXTRA_DAGS + 4} DAGs, "all" view, Node ${process.version}, NODE_ENV=${process.env['NODE_ENV']}, load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`,
  ];
  // Colour as a terminal has it, wherever the bench's output goes (chalk would turn it off for a pipe).
  const { default: chalk } = await import('chalk');
  const colourLevel = chalk.level;
  chalk.level = Math.max(chalk.level, 2) as typeof chalk.level;
  let worst = 0;
  let worstSingle = 0;
  let worstCpu = 0;
  let worstSingleCpu = 0;
  for (const [columns, rows] of sizes) {
    for (const kind of ['fleet', 'single'] as const) {
      const session = await open(kind, columns, rows);
      try {
        const samples = await keyLatencies(session, kind === 'fleet');
        const all = Object.values(samples).flat();
        const missed = missedKeys(all);
        const label = `${columns}x${rows} ${kind === 'fleet' ? 'all view' : 'single  '}`;
        const entries =
          kind === 'fleet' ? [...Object.entries(samples), ['all keys', all] as const] : [['all keys', all] as const];
        for (const [name, values] of entries) lines.push(latencyLine(label, name, values));
        const cpu = cpuPercentiles(session);
        const cpu95 = cpu.p95;
        lines.push(`  ${label} CPU per key       p50 ${fmtMs(cpu.p50)}  p95 ${fmtMs(cpu95)}  (this process alone)`);
        if (missed) lines.push(`  ${label} ${missed} key(s) drew no frame within 2 s`);
        const p95 = keysP95(all);
        if (kind === 'fleet') {
          worst = Math.max(worst, p95);
          worstCpu = Math.max(worstCpu, cpu95);
        } else {
          worstSingle = Math.max(worstSingle, p95);
          worstSingleCpu = Math.max(worstSingleCpu, cpu95);
        }
      } finally {
        session.stop();
      }
    }
  }
  chalk.level = colourLevel;
  const pass = worst < FLEET_TARGET_P95_MS;
  lines.push(
    `  the all view against one instance with the same ${INSTANCES * (EXTRA_DAGS + 4)} DAGs (same keys, same load): ` +
      `p95 ${formatRatio(ratio(worst, worstSingle))} (wall), ${formatRatio(ratio(worstCpu, worstSingleCpu))} (CPU per key)`,
  );
  lines.push(
    `${pass ? 'PASS' : 'FAIL'}  fleet key→frame p95 in the all view < ${FLEET_TARGET_P95_MS} ms: ${worst.toFixed(1)} ms at the worst size ` +
      `(${(worst / FLEET_TARGET_P95_MS).toFixed(2)}× the target; CPU per key p95 ${worstCpu.toFixed(1)} ms, load average ${loadavg()[0]!.toFixed(2)})`,
  );
  return { p95KeyMs: worst, lines };
}

/** For bench/run.ts: the lines to print. */
export async function fleetUiBenchLines(): Promise<string[]> {
  return (await runFleetUiBench()).lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await fleetUiBenchLines()) console.log(line);
  process.exit(0);
}
