import { startDemoServer, type DemoServer } from './server.js';
import { createScenario, type DemoScenario } from './scenario.js';

// `--demo --demo-instances N`: N simulated Airflows that differ, each on its own port. The first is healthy
// (nothing fails, nothing is slow, pools have room), the second fails most runs, the third drops off the
// network now and then (connections reset for 20 s of every 2 minutes, after its first minute); any others
// are the usual demo with their own seeds.

export const MIN_DEMO_INSTANCES = 1;
export const MAX_DEMO_INSTANCES = 50;

export interface DemoInstance {
  name: string;
  server: DemoServer;
}

/** When the flaky instance is off the network: `downMs` of every `periodMs`, after `firstMs` online. */
export interface Outages {
  firstMs: number;
  periodMs: number;
  downMs: number;
}

export const FLAKY_OUTAGES: Outages = { firstMs: 60_000, periodMs: 120_000, downMs: 20_000 };

export function offlineAt(outages: Outages, sinceStartMs: number): boolean {
  if (sinceStartMs < outages.firstMs) return false;
  return (sinceStartMs - outages.firstMs) % outages.periodMs < outages.downMs;
}

function healthy(anchor: Date): DemoScenario {
  const scenario = createScenario({ seed: 7, anchor });
  return {
    ...scenario,
    dags: scenario.dags.map((dag) => {
      const { slow: _slow, queueDelaySeconds: _queued, ...rest } = dag;
      return { ...rest, failureRate: 0, tasks: dag.tasks.map((task) => ({ ...task, retryRate: 0 })) };
    }),
    pools: scenario.pools.map((pool) => ({ ...pool, background: { running: 0, queued: 0 } })),
  };
}

function failing(anchor: Date): DemoScenario {
  const scenario = createScenario({ seed: 11, anchor });
  return { ...scenario, dags: scenario.dags.map((dag) => ({ ...dag, failureRate: Math.max(dag.failureRate, 0.7) })) };
}

export const DEMO_INSTANCE_NAMES = ['healthy', 'failing', 'flaky'];

export function demoInstanceName(index: number): string {
  return DEMO_INSTANCE_NAMES[index] ?? `sim-${index + 1}`;
}

export async function startDemoFleet(
  count: number,
  options: { clock?: () => Date; outages?: Outages } = {},
): Promise<DemoInstance[]> {
  const clock = options.clock ?? (() => new Date());
  const anchor = clock();
  const started = anchor.getTime();
  const out: DemoInstance[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const scenario = i === 0 ? healthy(anchor) : i === 1 ? failing(anchor) : createScenario({ seed: 42 + i, anchor });
      const outages = options.outages ?? FLAKY_OUTAGES;
      const server = await startDemoServer({
        scenario,
        clock,
        ...(i === 2 ? { offline: () => offlineAt(outages, clock().getTime() - started) } : {}),
      });
      out.push({ name: demoInstanceName(i), server });
    }
  } catch (error) {
    await Promise.all(out.map((d) => d.server.close()));
    throw error;
  }
  return out;
}
