import type { Config } from '../config/schema.js';
import { compileInhibitRules, type InhibitRule } from './inhibition.js';
import { compileRoutes, defaultInhibitRules, type RouteNode } from './routing.js';

/** The receivers whose sinks the config enables (secrets are checked later, when the sinks are built). */
export function configuredReceivers(config: Config): Set<string> {
  const s = config.sinks;
  const on = (sink: { enabled: boolean } | undefined) => sink?.enabled === true;
  return new Set(
    [on(s.slack) && 'slack', on(s.email) && 'email', on(s.pagerduty) && 'pagerduty'].filter(
      (r): r is string => typeof r === 'string',
    ),
  );
}

/** config → the compiled routing tree and inhibit rules (defaults: the reference's routing). */
export function routingFromConfig(
  config: Config,
  configured: ReadonlySet<string> = configuredReceivers(config),
): { root: RouteNode; inhibitRules: InhibitRule[] } {
  const a = config.alerts;
  const root = compileRoutes(
    {
      group_by: a.group_by,
      group_wait: a.group_wait,
      group_interval: a.group_interval,
      repeat_interval: a.repeat_interval,
      receivers: a.receivers,
      routes: a.routes,
    },
    config.sla.channels,
    configured,
  );
  return { root, inhibitRules: compileInhibitRules(a.inhibit_rules ?? defaultInhibitRules()) };
}
