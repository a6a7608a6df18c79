import type { Report } from '../../report/types.js';

// What makes the overall status what it is, for the header ("CRITICAL: 2 threshold violations"), read back from
// the report along the rules of engines/health.ts's summarize: the health score and the metric alerts (the
// reference's verdict), threshold findings, and SLA misses by escalation level. Pure.

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The findings behind a warning or critical status, worst first; null when healthy. */
export function statusDriver(report: Report): string | null {
  const { overall, health_score: health } = report.summary;
  if (overall === 'healthy') return null;
  const violations = report.thresholds.violations.length;
  const warnings = report.thresholds.warnings.length;
  // summary.alerts holds the metric alerts, then one line per threshold violation and warning.
  const metricAlerts = Math.max(0, report.summary.alerts.length - violations - warnings);
  const severeSla = report.sla.misses.filter((m) => m.escalation_level >= 2).length;
  const mildSla = report.sla.misses.length - severeSla;
  const critical = [
    violations > 0 ? plural(violations, 'threshold violation') : null,
    severeSla > 0 ? `${plural(severeSla, 'SLA miss', 'SLA misses')} at L2+` : null,
    metricAlerts > 3 ? plural(metricAlerts, 'metric alert') : null,
    health < 50 ? 'health below 50' : null,
  ];
  const warning = [
    warnings > 0 ? plural(warnings, 'threshold warning') : null,
    mildSla > 0 ? `${plural(mildSla, 'SLA miss', 'SLA misses')} at L1` : null,
    metricAlerts > 0 && metricAlerts <= 3 ? plural(metricAlerts, 'metric alert') : null,
    health >= 50 && health < 80 ? 'health below 80' : null,
  ];
  const reasons = (overall === 'critical' ? critical : [...critical, ...warning]).filter(
    (r): r is string => r !== null,
  );
  return reasons.length > 0 ? reasons.join(', ') : null;
}
