import { z } from 'zod';
import { MATCHER_HELP, parseMatcher } from './matchers.js';
import { durationSeconds } from './duration.js';

// alerts.routes and alerts.inhibit_rules: Alertmanager's routing tree and inhibition, with its matcher
// syntax, so an on-call team reads them as they read their alertmanager.yml. Matchers are checked here,
// so a typo or a regex RE2 rejects exits 3 with its key path instead of failing at the first alert.

/** The receivers a route may name: the sinks that notify a person. The others get every alert's state. */
export const RECEIVERS = ['slack', 'email', 'pagerduty'] as const;
export type Receiver = (typeof RECEIVERS)[number];

const matcher = z.string().superRefine((text, ctx) => {
  const parsed = parseMatcher(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `${parsed.error} (${MATCHER_HELP})` });
});

const labelName = z.string().regex(/^([a-zA-Z_][a-zA-Z0-9_]*|\.\.\.)$/, 'must be a label name, or ... for every label');

const receiver = z.enum(RECEIVERS, { error: `must be one of ${RECEIVERS.join(', ')}` });

export interface RouteInput {
  matchers?: string[];
  receivers?: Receiver[];
  continue?: boolean;
  group_by?: string[];
  group_wait?: string | number;
  group_interval?: string | number;
  repeat_interval?: string | number;
  routes?: RouteInput[];
}

export interface RouteConfig {
  matchers: string[];
  receivers: Receiver[];
  continue: boolean;
  group_by?: string[];
  group_wait?: number;
  group_interval?: number;
  repeat_interval?: number;
  routes: RouteConfig[];
}

export const routeSchema: z.ZodType<RouteConfig, RouteInput> = z.lazy(() =>
  z.strictObject({
    matchers: z.array(matcher).default([]),
    receivers: z.array(receiver).default([]),
    continue: z.boolean().default(false),
    group_by: z.array(labelName).optional(),
    group_wait: durationSeconds.optional(),
    group_interval: durationSeconds.pipe(z.number().min(1, 'group_interval must be at least 1 second')).optional(),
    repeat_interval: durationSeconds.pipe(z.number().min(1, 'repeat_interval must be at least 1 second')).optional(),
    routes: z.array(routeSchema).default([]),
  }),
);

export const inhibitRuleSchema = z.strictObject({
  source_matchers: z.array(matcher).min(1, 'an inhibit rule needs at least one source matcher'),
  target_matchers: z.array(matcher).min(1, 'an inhibit rule needs at least one target matcher'),
  equal: z.array(labelName).default([]),
});

export type InhibitRuleConfig = z.output<typeof inhibitRuleSchema>;

/** The keys added to `alerts:`; schema.ts spreads them in. */
export const alertRoutingKeys = {
  /** Labels that make one group at the top route (routes may set their own). */
  group_by: z.array(labelName).default(['dag_id', 'pool', 'task', 'component']),
  group_wait: durationSeconds.default(30),
  group_interval: durationSeconds.pipe(z.number().min(1, 'group_interval must be at least 1 second')).default(300),
  /** Receivers of alerts no route matches (default: nobody; they stay in the TUI, /metrics and the latest-state sinks). */
  receivers: z.array(receiver).default([]),
  /** Omitted: the reference's routing (see defaultRoutes). */
  routes: z.array(routeSchema).optional(),
  /** Omitted: the built-in rules (see defaultInhibitRules). */
  inhibit_rules: z.array(inhibitRuleSchema).optional(),
};

/** Receivers named anywhere in alerts: that have no configured sink: [key path, receiver]. */
export function unconfiguredReceivers(
  alerts: { receivers: string[]; routes?: RouteConfig[] | undefined },
  configured: ReadonlySet<string>,
): { path: (string | number)[]; receiver: string }[] {
  const out: { path: (string | number)[]; receiver: string }[] = [];
  alerts.receivers.forEach((r, i) => {
    if (!configured.has(r)) out.push({ path: ['alerts', 'receivers', i], receiver: r });
  });
  const walk = (routes: RouteConfig[], at: (string | number)[]) =>
    routes.forEach((route, i) => {
      route.receivers.forEach((r, j) => {
        if (!configured.has(r)) out.push({ path: [...at, i, 'receivers', j], receiver: r });
      });
      walk(route.routes, [...at, i, 'routes']);
    });
  walk(alerts.routes ?? [], ['alerts', 'routes']);
  return out;
}
