import { describe, expect, it } from 'vitest';
import { compileInhibitRules, inhibitions } from '../../../source/alerts/inhibition.js';
import { step, type LifecyclePolicy } from '../../../source/alerts/lifecycle.js';
import { defaultInhibitRules } from '../../../source/alerts/routing.js';
import { fingerprint } from '../../../source/alerts/fingerprint.js';

// Fleet mode: an instance's poll only speaks for that instance; airflow_unreachable mutes only its own.

const policy: LifecyclePolicy = {
  repeatIntervalSeconds: 3600,
  defaultChannels: [],
  resolvedRetentionSeconds: 86400,
  notify: false,
};
const candidate = (alertname: string, instance?: string) => ({
  labels: { alertname, severity: 'critical', ...(instance ? { instance } : {}) },
  annotations: { summary: alertname },
  severity: 'critical' as const,
});
let n = 0;
const nextId = () => `id-${++n}`;
const T0 = new Date('2024-01-15T12:00:00Z');
const T1 = new Date('2024-01-15T12:05:00Z');
const isProd = (labels: Readonly<Record<string, string>>) => labels.instance === 'prod';

describe('alert resolution in a fleet', () => {
  it("a poll of prod that no longer sees an alert resolves prod's, never staging's", () => {
    const first = step({}, [], [candidate('slow_run', 'prod'), candidate('slow_run', 'staging')], T0, policy, nextId);
    expect(Object.keys(first.records)).toHaveLength(2);
    const second = step(first.records, [], [], T1, policy, nextId, isProd);
    const byInstance = Object.fromEntries(Object.values(second.records).map((r) => [r.labels.instance, r]));
    expect(byInstance.prod!.resolvedAt).toBe(T1.toISOString());
    expect(byInstance.staging!.resolvedAt).toBeNull();
    // Unscoped (a flat config), the same poll would resolve both.
    const flat = step(first.records, [], [], T1, policy, nextId);
    expect(Object.values(flat.records).every((r) => r.resolvedAt !== null)).toBe(true);
  });
});

describe('default inhibition in a fleet', () => {
  const rules = compileInhibitRules(defaultInhibitRules());
  const subject = (alertname: string, instance?: string) => {
    const labels = candidate(alertname, instance).labels;
    return { fingerprint: fingerprint(labels), labels };
  };

  it("prod unreachable mutes prod's other alerts, not staging's", () => {
    const down = subject('airflow_unreachable', 'prod');
    const prodSlow = subject('success_rate_critical', 'prod');
    const stagingSlow = subject('success_rate_critical', 'staging');
    const muted = inhibitions([down, prodSlow, stagingSlow], rules);
    expect(muted.get(prodSlow.fingerprint)).toBe(down.fingerprint);
    expect(muted.has(stagingSlow.fingerprint)).toBe(false);
    expect(muted.has(down.fingerprint)).toBe(false);
  });

  it('without the instance label (a flat config) unreachable still mutes every other alert', () => {
    const down = subject('airflow_unreachable');
    const other = subject('success_rate_critical');
    expect(inhibitions([down, other], rules).get(other.fingerprint)).toBe(down.fingerprint);
  });
});
