import { missingBinaries } from '../helpers/binaries.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { matcherText } from '../../source/config/matchers.js';
import { matchRoutes, type RouteNode } from '../../source/alerts/routing.js';
import { tree } from '../unit/alerts/routing-fixture.js';

// Alertmanager's own amtool as the oracle for routing: the same routes, written as an alertmanager.yml
// whose receivers are named after airtop's route ids, must send every generated label set to the same
// routes, in the same order (continue included).

// The skip reason when amtool is missing (npm test says what it skipped); under CI=true this throws instead.
const missing = missingBinaries(['amtool']);

const dir = mkdtempSync(join(tmpdir(), 'airtop-amtool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function toAlertmanager(root: RouteNode): unknown {
  const names: string[] = [];
  const route = (node: RouteNode): Record<string, unknown> => {
    names.push(node.id);
    const out: Record<string, unknown> = { receiver: node.id };
    if (node.matchers.length > 0) out.matchers = node.matchers.map(matcherText);
    if (node.continue) out.continue = true;
    if (node.routes.length > 0) out.routes = node.routes.map(route);
    return out;
  };
  const top = route(root);
  return {
    route: { ...top, group_by: root.groupBy === 'all' ? ['...'] : root.groupBy },
    receivers: names.map((name) => ({ name })),
  };
}

const labelSet = fc.record(
  {
    alertname: fc.constantFrom(
      'sla_miss',
      'success_rate_critical',
      'pool_utilization_critical',
      'slow_run',
      'running_long',
      'metric_alert',
    ),
    severity: fc.constantFrom('critical', 'warning', 'info'),
    escalation_level: fc.constantFrom('1', '2', '3', '4'),
    dag_id: fc.constantFrom('capstone_ingestion_pipeline', 'capstone_x', 'warehouse_compaction', 'ml', 'xcapstone_y'),
    team: fc.constantFrom('ml', 'data', 'ops'),
    pool: fc.constantFrom('default_pool', 'llm_pool', 'p'),
  },
  { requiredKeys: ['alertname'] },
);

const USER_TREE = tree([
  { matchers: ['team="ml"'], receivers: ['slack'], continue: true, routes: [] },
  {
    matchers: ['severity="critical"'],
    receivers: ['email'],
    continue: false,
    routes: [
      {
        matchers: ['dag_id=~"capstone_.*"', 'alertname!="sla_miss"'],
        receivers: ['pagerduty'],
        continue: true,
        routes: [],
      },
      { matchers: ['pool!~"llm_.*|p"'], receivers: ['slack'], continue: false, routes: [] },
    ],
  },
  { matchers: ['alertname=~"slow_.*|running_long"', 'team!="ops"'], receivers: ['slack'], continue: false, routes: [] },
  { matchers: ['escalation_level=~"[23]"'], receivers: ['email', 'pagerduty'], continue: false, routes: [] },
]);

describe.skipIf(missing !== false)(
  `amtool config routes test agrees with airtop's routing${missing === false ? '' : ` (skipped: ${missing})`}`,
  () => {
    it.each([
      ['the default (reference) routes', tree()],
      ['a tree with continue, nesting, regex and negation', USER_TREE],
    ])('%s', (_name, root) => {
      const file = join(dir, `${Math.random().toString(36).slice(2)}.yml`);
      writeFileSync(file, stringify(toAlertmanager(root)));
      execFileSync('amtool', ['check-config', file], { stdio: 'pipe' });
      const samples = fc.sample(labelSet, { numRuns: 150, seed: 11 });
      let compared = 0;
      for (const labels of samples) {
        const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
        const out = execFileSync('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...args], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const expected = out.trim().split(',');
        const ours = matchRoutes(root, labels as Record<string, string>).map((r) => r.id);
        expect({ labels, routes: ours }).toEqual({ labels, routes: expected });
        compared++;
      }
      expect(compared).toBe(150);
    });
  },
);
