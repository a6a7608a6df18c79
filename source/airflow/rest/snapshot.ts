import { aggregateWindow } from '../aggregate.js';
import { dagIdLikePattern, missingDagIds, selectDags, type DagSelection } from '../select.js';
import type { Health, Snapshot, SourceIssue, VariableRead } from '../types.js';
import type { Baseline } from './baseline.js';
import type { Reads } from './reads.js';
import type { WindowCache } from './window.js';

export interface SnapshotContext {
  reads: Reads;
  baseline: Baseline;
  window: WindowCache;
  url: string;
  version: string | null;
  dags: DagSelection;
  recentSeconds: number;
  variables: string[];
  maxVariableBytes: number;
}

/** Variables and health degrade the snapshot (an issue is recorded); they never sink it. */
async function readVariables(
  ctx: SnapshotContext,
): Promise<{ variables: Record<string, VariableRead>; issues: SourceIssue[] }> {
  const entries = await Promise.all(
    ctx.variables.map(async (key) => [key, await ctx.reads.variable(key, ctx.maxVariableBytes)] as const),
  );
  const variables = Object.fromEntries(entries);
  const issues: SourceIssue[] = [];
  const forbidden = entries.filter(([, read]) => read.status === 'forbidden').map(([key]) => key);
  if (forbidden.length === 1) {
    issues.push({ scope: 'variables', message: (variables[forbidden[0]!] as { reason: string }).reason });
  } else if (forbidden.length > 1) {
    issues.push({
      scope: 'variables',
      message: `403 reading Variables ${forbidden.join(', ')} from ${ctx.url}: the user needs the Op role (or higher) to read Variables`,
    });
  }
  for (const [, read] of entries)
    if (read.status === 'error') issues.push({ scope: 'variables', message: read.reason });
  return { variables, issues };
}

async function readHealth(ctx: SnapshotContext): Promise<{ health: Health | null; issues: SourceIssue[] }> {
  try {
    return { health: await ctx.reads.health(), issues: [] };
  } catch (error) {
    return {
      health: null,
      issues: [{ scope: 'health', message: error instanceof Error ? error.message : String(error) }],
    };
  }
}

export async function buildSnapshot(ctx: SnapshotContext, api: 'v2' | 'v1', now: Date): Promise<Snapshot> {
  const since = new Date(now.getTime() - ctx.recentSeconds * 1000).toISOString();
  const healthPromise = readHealth(ctx);
  const variablesPromise = readVariables(ctx);
  const poolsPromise = ctx.reads.pools();
  const dagsPromise = ctx.reads
    .dags(dagIdLikePattern(ctx.dags))
    .then((all) => ({ all, selected: selectDags(all, ctx.dags) }));
  const dataPromise = dagsPromise.then(async ({ selected }) => {
    const dagIds = selected.map((dag) => dag.dagId);
    const { runs, tis } = await ctx.window.read(now, dagIds, dagIdLikePattern(ctx.dags), since);
    const baseline = await ctx.baseline.update(now, dagIds, runs, tis);
    return { dagIds, runs, tis, baseline };
  });

  const [health, variables, pools, dags, data] = await Promise.all([
    healthPromise,
    variablesPromise,
    poolsPromise,
    dagsPromise,
    dataPromise,
  ]);
  const issues: SourceIssue[] = [...health.issues, ...variables.issues];
  const missing = missingDagIds(dags.all, ctx.dags);
  if (missing.length > 0) {
    issues.push({
      scope: 'dags',
      message: `Airflow at ${ctx.url} has no DAG ${missing.join(', ')} (configured in dags.ids): check the id or remove it`,
    });
  }
  return {
    takenAt: now.toISOString(),
    source: 'rest',
    airflow: { url: ctx.url, version: ctx.version, api },
    health: health.health,
    dags: dags.selected,
    window: { since, ...aggregateWindow(data.runs, data.tis, since, data.dagIds) },
    baseline: data.baseline,
    runs: data.runs,
    taskInstances: data.tis,
    pools,
    variables: variables.variables,
    issues,
  };
}
