import type { InhibitRuleConfig, RouteConfig } from '../config/alerts-schema.js';
import { type CompiledMatcher, matchesAll, parseMatcher } from '../config/matchers.js';

// The routing tree, Alertmanager's way: a route matches when all its matchers do; its children are tried
// in order and the first that matches wins, unless it says `continue`, in which case the next ones are
// tried too; when no child matches, the route itself takes the alert. Pure: labels in, routes out.

export interface RouteNode {
  /** Where the route sits in the tree ("root", "root.0", "root.0.1"): part of its groups' keys. */
  id: string;
  matchers: CompiledMatcher[];
  receivers: string[];
  continue: boolean;
  /** 'all' is Alertmanager's `...`: every label. */
  groupBy: string[] | 'all';
  groupWait: number;
  groupInterval: number;
  repeatInterval: number;
  routes: RouteNode[];
}

export interface RoutingSettings {
  group_by: string[];
  group_wait: number;
  group_interval: number;
  repeat_interval: number;
  receivers: string[];
  routes?: RouteConfig[] | undefined;
}

/** The reference's send_alerts: critical threshold violations, all in one Slack message. */
export const CRITICAL_THRESHOLD_ALERTS = ['success_rate_critical', 'pool_utilization_critical'];

/**
 * The reference's routing: critical threshold violations to Slack in one message (send_alerts), SLA
 * misses to their escalation level's channels (ESCALATION_LEVELS), everything else to no person.
 */
export function defaultRoutes(slaChannels: Record<1 | 2 | 3, readonly string[]>): RouteConfig[] {
  const sla = ([1, 2, 3] as const).map((level): RouteConfig => ({
    matchers: ['alertname="sla_miss"', `escalation_level="${level}"`],
    receivers: [...slaChannels[level]] as RouteConfig['receivers'],
    continue: false,
    group_by: ['alertname', 'dag_id'],
    routes: [],
  }));
  return [
    {
      matchers: [`alertname=~"${CRITICAL_THRESHOLD_ALERTS.join('|')}"`],
      receivers: ['slack'],
      continue: false,
      group_by: [],
      routes: [],
    },
    ...sla,
  ];
}

export function defaultInhibitRules(): InhibitRuleConfig[] {
  return [
    // One slow DAG is one cause: its slow runs, slow tasks and long runs say the same thing again.
    {
      source_matchers: ['alertname="avg_duration_increase"'],
      target_matchers: ['alertname=~"slow_run|slow_task|running_long"'],
      equal: ['dag_id'],
    },
    // A run that missed its SLA is already known to run long.
    {
      source_matchers: ['alertname="sla_miss"'],
      target_matchers: ['alertname="running_long"'],
      equal: ['dag_id', 'run_id'],
    },
    {
      source_matchers: ['alertname="pool_utilization_critical"'],
      target_matchers: ['alertname="pool_utilization_warning"'],
      equal: ['pool'],
    },
    // With Airflow unreachable or its scheduler down, every other finding is a consequence: of that Airflow
    // only (in a fleet, alerts carry `instance`; without the label both sides have none, which is equal).
    {
      source_matchers: ['alertname="airflow_unreachable"'],
      target_matchers: ['alertname!="airflow_unreachable"'],
      equal: ['instance'],
    },
    {
      source_matchers: ['alertname="component_unhealthy"', 'component="scheduler"'],
      target_matchers: ['alertname!="airflow_unreachable"'],
      equal: ['instance'],
    },
  ];
}

export function compileMatchers(texts: readonly string[], where: string): CompiledMatcher[] {
  return texts.map((text) => {
    const parsed = parseMatcher(text);
    // The config schema has checked every matcher; this is for callers that skip it.
    if (!parsed.ok) throw new Error(`${where}: ${parsed.error}`);
    return parsed.value;
  });
}

/**
 * settings → the tree. `configured`: receivers with a sink; the default routes drop the others quietly
 * (Slack not configured means the reference would not have sent there either), user routes were checked.
 */
export function compileRoutes(
  settings: RoutingSettings,
  slaChannels: Record<1 | 2 | 3, readonly string[]>,
  configured: ReadonlySet<string>,
): RouteNode {
  const routes = settings.routes ?? defaultRoutes(slaChannels);
  const build = (route: RouteConfig, id: string, parent: RouteNode): RouteNode => {
    const node: RouteNode = {
      id,
      matchers: compileMatchers(route.matchers, id),
      receivers: route.receivers.filter((r) => configured.has(r)),
      continue: route.continue,
      groupBy: route.group_by ? groupByOf(route.group_by) : parent.groupBy,
      groupWait: route.group_wait ?? parent.groupWait,
      groupInterval: route.group_interval ?? parent.groupInterval,
      repeatInterval: route.repeat_interval ?? parent.repeatInterval,
      routes: [],
    };
    node.routes = route.routes.map((child, i) => build(child, `${id}.${i}`, node));
    return node;
  };
  const root: RouteNode = {
    id: 'root',
    matchers: [],
    receivers: settings.receivers.filter((r) => configured.has(r)),
    continue: false,
    groupBy: groupByOf(settings.group_by),
    groupWait: settings.group_wait,
    groupInterval: settings.group_interval,
    repeatInterval: settings.repeat_interval,
    routes: [],
  };
  root.routes = routes.map((route, i) => build(route, `root.${i}`, root));
  return root;
}

function groupByOf(labels: readonly string[]): string[] | 'all' {
  return labels.includes('...') ? 'all' : [...labels];
}

/** Every route that takes these labels, in tree order (several only through `continue`). */
export function matchRoutes(node: RouteNode, labels: Readonly<Record<string, string>>): RouteNode[] {
  if (!matchesAll(node.matchers, labels)) return [];
  const taken: RouteNode[] = [];
  for (const child of node.routes) {
    const matched = matchRoutes(child, labels);
    taken.push(...matched);
    if (matched.length > 0 && !child.continue) break;
  }
  return taken.length > 0 ? taken : [node];
}

/**
 * What routes and inhibit rules see: the identity labels plus severity and, for SLA misses, the
 * escalation level. Those two change while an alert fires, so they are not part of its fingerprint.
 */
export function routingLabels(alert: {
  labels: Readonly<Record<string, string>>;
  severity: string;
  escalationLevel: number | null;
}): Record<string, string> {
  const out: Record<string, string> = { ...alert.labels };
  out.severity = alert.labels.severity ?? alert.severity;
  if (alert.escalationLevel !== null) out.escalation_level = String(alert.escalationLevel);
  return out;
}

/** The labels that make a group on this route, and the group's key (route id + those labels). */
export function groupOf(
  route: RouteNode,
  labels: Readonly<Record<string, string>>,
): { key: string; labels: Record<string, string> } {
  const names = route.groupBy === 'all' ? Object.keys(labels) : route.groupBy;
  const picked: Record<string, string> = {};
  for (const name of [...names].sort()) {
    // As in Alertmanager, a label the alert lacks is left out of the group's labels.
    const value = labels[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  const text = Object.entries(picked)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return { key: `${route.id}:{${text}}`, labels: picked };
}
