import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../source/alerts/dispatch.js';
import { inhibitions } from '../../../source/alerts/inhibition.js';
import { parseMatcher } from '../../../source/config/matchers.js';
import { groupOf, matchRoutes, routingLabels } from '../../../source/alerts/routing.js';
import type { AlertRecord, GroupState } from '../../../source/alerts/types.js';
import { byFp, defaultRules, rec, tree } from './routing-fixture.js';

describe('matchers (Alertmanager syntax, RE2, anchored)', () => {
  it.each([
    ['severity="critical"', 'critical', true],
    ['severity="critical"', 'warning', false],
    ['severity!="critical"', 'warning', true],
    ['severity!="critical"', '', true],
    ['dag_id=~"capstone_.*"', 'capstone_ingestion', true],
    ['dag_id=~"capstone_.*"', 'x_capstone_ingestion', false],
    ['dag_id=~"capstone"', 'capstone_ingestion', false],
    ['dag_id!~"capstone_.*"', 'other', true],
    ['dag_id!~"capstone_.*"', 'capstone_x', false],
    ['dag_id=~"a|b"', 'b', true],
    ['dag_id=~"a|b"', 'ab', false],
    ['dag_id=unquoted', 'unquoted', true],
    ['  dag_id = "spaced" ', 'spaced', true],
    ['pool=""', '', true],
    ['pool!=""', '', false],
  ])('%s on %j → %s', (text, value, expected) => {
    const m = parseMatcher(text);
    if (!m.ok) throw new Error(m.error);
    expect(m.value.test(value)).toBe(expected);
  });

  it.each([
    ['severity', /not a matcher/],
    ['9x="a"', /not a matcher/],
    ['a=="b"', /not a valid quoted string|holds a space, quote/],
    ['a="b', /no closing quote/],
    ['a=~"("', /does not compile \(RE2 syntax\)/],
    ['a=~"(?=x)"', /does not compile/],
    ['a=b c', /quote it/],
  ])('refuses %s', (text, message) => {
    const m = parseMatcher(text);
    expect(m.ok).toBe(false);
    if (!m.ok) expect(m.error).toMatch(message);
  });
});

describe('default routes reproduce the reference', () => {
  const root = tree();
  const receivers = (labels: Record<string, string>, severity = 'warning', level: number | null = null) => [
    ...new Set(
      matchRoutes(root, routingLabels({ labels, severity, escalationLevel: level })).flatMap((r) => r.receivers),
    ),
  ];
  it.each<[string, Record<string, string>, string, number | null, string[]]>([
    [
      'success rate critical → Slack',
      { alertname: 'success_rate_critical', severity: 'critical', dag_id: 'd' },
      'critical',
      null,
      ['slack'],
    ],
    [
      'pool critical → Slack',
      { alertname: 'pool_utilization_critical', severity: 'critical', pool: 'p' },
      'critical',
      null,
      ['slack'],
    ],
    ['SLA level 1 → Slack', { alertname: 'sla_miss', dag_id: 'd', task_id: 't', run_id: 'r' }, 'warning', 1, ['slack']],
    [
      'SLA level 2 → Slack, email',
      { alertname: 'sla_miss', dag_id: 'd', task_id: 't', run_id: 'r' },
      'critical',
      2,
      ['slack', 'email'],
    ],
    [
      'SLA level 3 → Slack, email, PagerDuty',
      { alertname: 'sla_miss', dag_id: 'd', task_id: 't', run_id: 'r' },
      'critical',
      3,
      ['slack', 'email', 'pagerduty'],
    ],
    [
      'success rate warning → nobody',
      { alertname: 'success_rate_warning', severity: 'warning', dag_id: 'd' },
      'warning',
      null,
      [],
    ],
    [
      'slow run → nobody',
      { alertname: 'slow_run', severity: 'warning', dag_id: 'd', run_id: 'r' },
      'warning',
      null,
      [],
    ],
    ['metric alert → nobody', { alertname: 'metric_alert', severity: 'warning', alert: 'x' }, 'warning', null, []],
    ['quality critical → nobody', { alertname: 'quality_critical', severity: 'critical' }, 'critical', null, []],
    [
      'scheduler unhealthy → nobody',
      { alertname: 'component_unhealthy', severity: 'critical', component: 'scheduler' },
      'critical',
      null,
      [],
    ],
  ])('%s', (_name, labels, severity, level, expected) => {
    expect(receivers(labels, severity, level)).toEqual(expected);
  });
});

describe('route tree semantics', () => {
  const root = tree([
    { matchers: ['team="ml"'], receivers: ['slack'], continue: true, routes: [] },
    {
      matchers: ['severity="critical"'],
      receivers: ['email'],
      continue: false,
      routes: [
        {
          matchers: ['dag_id=~"capstone_.*"'],
          receivers: ['pagerduty'],
          continue: false,
          group_by: ['alertname'],
          routes: [],
        },
      ],
    },
    { matchers: ['severity="critical"'], receivers: ['slack'], continue: false, routes: [] },
  ]);
  const ids = (labels: Record<string, string>) => matchRoutes(root, labels).map((r) => r.id);
  it.each<[Record<string, string>, string[]]>([
    [{ severity: 'warning' }, ['root']],
    [{ severity: 'critical', dag_id: 'x' }, ['root.1']],
    [{ severity: 'critical', dag_id: 'capstone_a' }, ['root.1.0']],
    [{ team: 'ml', severity: 'critical' }, ['root.0', 'root.1']],
    [{ team: 'ml' }, ['root.0']],
  ])('%j → %j', (labels, expected) => expect(ids(labels)).toEqual(expected));

  it('children inherit group_by and timing unless they set their own', () => {
    const leaf = root.routes[1]!.routes[0]!;
    expect(root.routes[1]!.groupBy).toEqual(['dag_id', 'pool', 'task', 'component']);
    expect(leaf.groupBy).toEqual(['alertname']);
    expect([leaf.groupWait, leaf.groupInterval, leaf.repeatInterval]).toEqual([30, 300, 4 * 3600]);
    expect(groupOf(leaf, { alertname: 'a', dag_id: 'capstone_x' })).toEqual({
      key: 'root.1.0:{alertname="a"}',
      labels: { alertname: 'a' },
    });
  });
});

describe('default inhibition', () => {
  const slowDag = rec({ alertname: 'avg_duration_increase', severity: 'warning', dag_id: 'd' });
  const slowRun = rec({ alertname: 'slow_run', severity: 'warning', dag_id: 'd', run_id: 'r1' });
  const slowTask = rec({ alertname: 'slow_task', severity: 'warning', dag_id: 'd', run_id: 'r1', task_id: 't' });
  const longRun = rec({ alertname: 'running_long', severity: 'warning', dag_id: 'd', run_id: 'r2' });
  const otherDagRun = rec({ alertname: 'slow_run', severity: 'warning', dag_id: 'e', run_id: 'r1' });
  const sla = rec({ alertname: 'sla_miss', dag_id: 'e', task_id: 't', run_id: 'r9' }, { level: 1 });
  const eLong = rec({ alertname: 'running_long', severity: 'warning', dag_id: 'e', run_id: 'r9' });
  const eLongOther = rec({ alertname: 'running_long', severity: 'warning', dag_id: 'e', run_id: 'r8' });
  const poolCrit = rec({ alertname: 'pool_utilization_critical', severity: 'critical', pool: 'p' });
  const poolWarn = rec({ alertname: 'pool_utilization_warning', severity: 'warning', pool: 'p' });
  const poolWarnOther = rec({ alertname: 'pool_utilization_warning', severity: 'warning', pool: 'q' });
  const all = [
    slowDag,
    slowRun,
    slowTask,
    longRun,
    otherDagRun,
    sla,
    eLong,
    eLongOther,
    poolCrit,
    poolWarn,
    poolWarnOther,
  ];
  const subjects = (list: AlertRecord[]) => list.map((r) => ({ fingerprint: r.fingerprint, labels: routingLabels(r) }));

  it('mutes what the rules name, with equal labels, and names the source', () => {
    const muted = inhibitions(subjects(all), defaultRules());
    expect(Object.fromEntries(muted)).toEqual({
      [slowRun.fingerprint]: slowDag.fingerprint,
      [slowTask.fingerprint]: slowDag.fingerprint,
      [longRun.fingerprint]: slowDag.fingerprint,
      [eLong.fingerprint]: sla.fingerprint,
      [poolWarn.fingerprint]: poolCrit.fingerprint,
    });
  });

  it('Airflow unreachable or the scheduler down mutes everything else', () => {
    const sched = rec({ alertname: 'component_unhealthy', severity: 'critical', component: 'scheduler' });
    const trig = rec({ alertname: 'component_unhealthy', severity: 'critical', component: 'triggerer' });
    const muted = inhibitions(subjects([...all, sched, trig]), defaultRules());
    for (const r of all) expect(muted.has(r.fingerprint)).toBe(true);
    expect(muted.has(sched.fingerprint)).toBe(false);
    expect(muted.get(trig.fingerprint)).toBe(sched.fingerprint);
    const down = rec({ alertname: 'airflow_unreachable', severity: 'critical' });
    const all2 = inhibitions(subjects([...all, sched, down]), defaultRules());
    expect(all2.get(sched.fingerprint)).toBe(down.fingerprint);
    expect(all2.has(down.fingerprint)).toBe(false);
  });
});

describe('grouping on a timeline', () => {
  const T = Date.parse('2026-01-01T00:00:00.000Z');
  const at = (s: number) => new Date(T + s * 1000);
  let seq = 0;
  const nextId = (fp: string, kind: string) => `${fp}:${kind}:${++seq}`;
  const root = tree(undefined, { receivers: ['slack'] });

  function run(records: AlertRecord[], groups: Record<string, GroupState>, s: number) {
    return dispatch({
      records: byFp(records),
      silences: [],
      groups,
      root,
      inhibitRules: defaultRules(),
      now: at(s),
      nextId,
    });
  }

  it('one slow DAG is one group: first after group_wait, changes at most every group_interval, then repeat_interval', () => {
    const dag = rec({ alertname: 'avg_duration_increase', severity: 'warning', dag_id: 'd' });
    const run1 = rec({ alertname: 'slow_run', severity: 'warning', dag_id: 'd', run_id: 'r1' });
    const warn = rec({ alertname: 'success_rate_warning', severity: 'warning', dag_id: 'd' });
    let r = run([dag, run1], {}, 0);
    expect(r.notifications).toEqual([]);
    expect(Object.keys(r.groups)).toEqual(['root:{dag_id="d"}']);
    expect(r.nextDueAt).toEqual(at(30));
    expect(r.routing.get(run1.fingerprint)).toMatchObject({
      inhibitedBy: dag.fingerprint,
      groupKey: 'root:{dag_id="d"}',
      receivers: ['slack'],
    });

    r = run(Object.values(r.records), r.groups, 30);
    expect(r.notifications).toHaveLength(1);
    const first = r.notifications[0]!;
    expect(first.kind).toBe('firing');
    // The inhibited slow run is not in it.
    expect(first.group!.firing.map((m) => m.alert.labels.alertname)).toEqual(['avg_duration_increase']);

    // A new member 10 s later waits for group_interval (5 min after the first flush).
    r = run([...Object.values(r.records), warn], r.groups, 40);
    expect(r.notifications).toEqual([]);
    expect(r.nextDueAt).toEqual(at(330));
    r = run(Object.values(r.records), r.groups, 330);
    expect(r.notifications).toHaveLength(1);
    expect(r.notifications[0]!.group!.firing.map((m) => [m.alert.labels.alertname, m.isNew])).toEqual([
      ['success_rate_warning', true],
      ['avg_duration_increase', false],
    ]);

    // Nothing changes: nothing until repeat_interval.
    for (let s = 630; s < 330 + 4 * 3600; s += 300)
      expect(run(Object.values(r.records), r.groups, s).notifications).toEqual([]);
    const repeat = run(Object.values(r.records), r.groups, 330 + 4 * 3600);
    expect(repeat.notifications.map((n) => n.kind)).toEqual(['repeat']);

    // Resolution of a member is a change: announced at the next flush.
    const resolved = Object.values(repeat.records).map((x) =>
      x.fingerprint === warn.fingerprint ? { ...x, resolvedAt: at(330 + 4 * 3600 + 10).toISOString() } : x,
    );
    const after = run(resolved, repeat.groups, 330 + 4 * 3600 + 300);
    expect(after.notifications).toHaveLength(1);
    expect(after.notifications[0]!.group!.resolved.map((m) => m.alert.fingerprint)).toEqual([warn.fingerprint]);
  });

  it('an acknowledged or silenced alert alone does not create a group that notifies', () => {
    const acked = rec({ alertname: 'success_rate_critical', severity: 'critical', dag_id: 'd' }, { ack: true });
    const r = run([acked], {}, 0);
    const later = run(Object.values(r.records), r.groups, 60);
    expect(later.notifications).toEqual([]);
  });

  it('an SLA miss escalating moves to its level route: a new group, notified after its group_wait', () => {
    const l1 = rec({ alertname: 'sla_miss', dag_id: 'd', task_id: 't', run_id: 'r' }, { level: 1 });
    let r = run([l1], {}, 0);
    r = run(Object.values(r.records), r.groups, 30);
    expect(r.notifications.map((n) => [n.kind, n.channels])).toEqual([['firing', ['slack']]]);
    const l2 = { ...r.records[l1.fingerprint]!, escalationLevel: 2, severity: 'critical' as const };
    r = run([l2], r.groups, 40);
    expect(r.notifications).toEqual([]);
    r = run(Object.values(r.records), r.groups, 70);
    expect(r.notifications.map((n) => [n.kind, n.channels])).toEqual([['escalated', ['slack', 'email']]]);
    // The level-1 group let it go without announcing a resolution.
    expect(Object.keys(r.groups)).toEqual(['root.2:{alertname="sla_miss",dag_id="d"}']);
  });
});
