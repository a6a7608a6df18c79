import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispatch, routesById } from '../../../source/alerts/dispatch.js';
import type { RouteConfig } from '../../../source/config/alerts-schema.js';
import type { AlertRecord, GroupState, Notification } from '../../../source/alerts/types.js';
import { byFp, defaultRules, rec, tree } from './routing-fixture.js';

// Properties over random alert sets and random polls against the default routes and a random tree:
// an inhibited alert never notifies; every firing, uninhibited alert is in exactly one shown group; no
// notification reaches a receiver its route did not name.

const T = Date.parse('2026-01-01T00:00:00.000Z');
const NAMES = [
  'success_rate_critical',
  'pool_utilization_critical',
  'avg_duration_increase',
  'slow_run',
  'slow_task',
  'running_long',
  'sla_miss',
  'pool_utilization_warning',
  'high_retry_rate',
];

const alertArb = fc.record({
  alertname: fc.constantFrom(...NAMES),
  dag: fc.constantFrom('a', 'b', 'capstone_x'),
  run: fc.constantFrom('r1', 'r2'),
  pool: fc.constantFrom('p', 'q'),
  level: fc.constantFrom(1, 2, 3),
  acked: fc.boolean(),
});

function toRecord(a: fc.RecordValue<typeof alertArb> extends infer X ? X : never): AlertRecord {
  const x = a as { alertname: string; dag: string; run: string; pool: string; level: number; acked: boolean };
  if (x.alertname.startsWith('pool_'))
    return rec(
      { alertname: x.alertname, severity: x.alertname.endsWith('critical') ? 'critical' : 'warning', pool: x.pool },
      { ack: x.acked },
    );
  if (x.alertname === 'sla_miss')
    return rec(
      { alertname: 'sla_miss', dag_id: x.dag, task_id: 't', run_id: x.run },
      { level: x.level, severity: x.level === 1 ? 'warning' : 'critical', ack: x.acked },
    );
  const severity = x.alertname.endsWith('critical') ? 'critical' : 'warning';
  return rec({ alertname: x.alertname, severity, dag_id: x.dag, run_id: x.run }, { ack: x.acked });
}

const RECEIVERS = ['slack', 'email', 'pagerduty'] as const;
const routeArb: fc.Arbitrary<RouteConfig> = fc.record({
  matchers: fc.array(
    fc.constantFrom(
      'severity="critical"',
      'dag_id=~"capstone_.*"',
      'alertname!="slow_run"',
      'alertname=~"sla_.*|slow_.*"',
      'pool!~"p"',
    ),
    { maxLength: 2 },
  ),
  receivers: fc.subarray([...RECEIVERS]),
  continue: fc.boolean(),
  group_by: fc.option(fc.subarray(['alertname', 'dag_id', 'run_id', 'pool']), { nil: undefined }),
  routes: fc.constant([]),
});

describe('routing, grouping and inhibition properties', () => {
  it('hold over random alert sets, polls and route trees', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(alertArb, { maxLength: 12 }), { minLength: 1, maxLength: 6 }),
        fc.option(fc.array(routeArb, { maxLength: 4 }), { nil: undefined }),
        fc.array(fc.integer({ min: 0, max: 900 }), { minLength: 6, maxLength: 6 }),
        (polls, routes, gaps) => {
          const root = tree(routes, { receivers: ['slack'] });
          const byId = routesById(root);
          let groups: Record<string, GroupState> = {};
          let records: Record<string, AlertRecord> = {};
          let t = T;
          polls.forEach((alerts, i) => {
            t += gaps[i]! * 1000;
            const now = new Date(t);
            const current = byFp(alerts.map(toRecord));
            // Carry notified state over; alerts gone are resolved.
            const merged: Record<string, AlertRecord> = {};
            for (const [fp, r] of Object.entries(current))
              merged[fp] =
                records[fp] && !records[fp]!.resolvedAt
                  ? { ...records[fp]!, escalationLevel: r.escalationLevel, ack: r.ack }
                  : r;
            for (const [fp, r] of Object.entries(records))
              if (!current[fp] && !r.resolvedAt) merged[fp] = { ...r, resolvedAt: now.toISOString() };
            const result = dispatch({
              records: merged,
              silences: [],
              groups,
              root,
              inhibitRules: defaultRules(),
              now,
              nextId: (fp, k) => `${fp}:${k}:${i}`,
            });

            // 1. An inhibited (or acknowledged) alert never notifies as firing.
            for (const n of result.notifications) {
              for (const m of n.group!.firing) {
                expect(result.routing.get(m.alert.fingerprint)?.inhibitedBy ?? null).toBeNull();
                expect(merged[m.alert.fingerprint]!.ack).toBeNull();
              }
            }
            // 2. Every firing, uninhibited alert is shown in exactly one group.
            const shown = new Map<string, number>();
            for (const [fp, r] of result.routing) shown.set(fp, (shown.get(fp) ?? 0) + (r.groupKey ? 1 : 0));
            for (const r of Object.values(merged)) if (!r.resolvedAt) expect(shown.get(r.fingerprint)).toBe(1);
            // 3. No notification reaches a receiver its route did not name.
            for (const n of result.notifications as Notification[]) {
              const routeId = n.group!.key.slice(0, n.group!.key.indexOf(':'));
              const route = byId.get(routeId)!;
              for (const c of n.channels) expect(route.receivers).toContain(c);
              for (const m of n.group!.firing) {
                expect(result.routing.get(m.alert.fingerprint)!.receivers).toEqual(expect.arrayContaining(n.channels));
              }
            }
            groups = result.groups;
            records = result.records;
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
