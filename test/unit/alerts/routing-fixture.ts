import type { RouteConfig } from '../../../source/config/alerts-schema.js';
import { fingerprint } from '../../../source/alerts/fingerprint.js';
import { compileInhibitRules } from '../../../source/alerts/inhibition.js';
import { compileRoutes, defaultInhibitRules, type RouteNode } from '../../../source/alerts/routing.js';
import type { AlertRecord } from '../../../source/alerts/types.js';
import type { Severity } from '../../../source/report/types.js';

export const SLA_CHANNELS = { 1: ['slack'], 2: ['slack', 'email'], 3: ['slack', 'email', 'pagerduty'] } as const;
export const ALL_RECEIVERS = new Set(['slack', 'email', 'pagerduty']);

export function tree(
  routes?: RouteConfig[],
  overrides: Partial<{
    group_by: string[];
    group_wait: number;
    group_interval: number;
    repeat_interval: number;
    receivers: string[];
  }> = {},
): RouteNode {
  return compileRoutes(
    {
      group_by: ['dag_id', 'pool', 'task', 'component'],
      group_wait: 30,
      group_interval: 300,
      repeat_interval: 4 * 3600,
      receivers: [],
      routes,
      ...overrides,
    },
    SLA_CHANNELS,
    ALL_RECEIVERS,
  );
}

export const defaultRules = () => compileInhibitRules(defaultInhibitRules());

export function rec(
  labels: Record<string, string>,
  opts: Partial<{ severity: Severity; level: number | null; at: string; resolvedAt: string | null; ack: boolean }> = {},
): AlertRecord {
  const at = opts.at ?? '2026-01-01T00:00:00.000Z';
  return {
    fingerprint: fingerprint(labels),
    labels,
    annotations: { summary: `${labels.alertname} ${labels.dag_id ?? labels.pool ?? ''}` },
    severity: opts.severity ?? (labels.severity as Severity | undefined) ?? 'warning',
    startsAt: at,
    lastSeenAt: at,
    resolvedAt: opts.resolvedAt ?? null,
    escalationLevel: opts.level ?? null,
    notifiedLevel: null,
    channels: [],
    notifiedChannels: [],
    lastNotifiedAt: null,
    ack: opts.ack ? { by: 'ann', at, note: '' } : null,
  };
}

export const byFp = (records: AlertRecord[]) => Object.fromEntries(records.map((r) => [r.fingerprint, r]));
