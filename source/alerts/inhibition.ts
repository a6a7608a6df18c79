import type { InhibitRuleConfig } from '../config/alerts-schema.js';
import type { CompiledMatcher } from '../config/matchers.js';
import { matchesAll } from '../config/matchers.js';
import { compileMatchers } from './routing.js';

// Alertmanager's inhibition: while an alert matching a rule's source matchers fires, alerts matching its
// target matchers that have the same value for every label in `equal` are muted. Muted alerts stay visible
// and keep their state; they are never notified. Pure.

export interface InhibitRule {
  source: CompiledMatcher[];
  target: CompiledMatcher[];
  equal: string[];
}

export interface InhibitSubject {
  fingerprint: string;
  labels: Readonly<Record<string, string>>;
}

export function compileInhibitRules(rules: readonly InhibitRuleConfig[]): InhibitRule[] {
  return rules.map((rule, i) => ({
    source: compileMatchers(rule.source_matchers, `alerts.inhibit_rules.${i}.source_matchers`),
    target: compileMatchers(rule.target_matchers, `alerts.inhibit_rules.${i}.target_matchers`),
    equal: [...rule.equal],
  }));
}

/**
 * fingerprint → the fingerprint of the firing alert that inhibits it, for every inhibited alert.
 * `firing` are the unresolved alerts (silenced and acknowledged ones inhibit too, as in Alertmanager).
 * An alert never inhibits itself; the first source in the given order names the inhibitor.
 */
export function inhibitions(firing: readonly InhibitSubject[], rules: readonly InhibitRule[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const rule of rules) {
    const sources = firing.filter((a) => matchesAll(rule.source, a.labels));
    if (sources.length === 0) continue;
    // Index the sources by their `equal` values so a storm of thousands stays linear.
    const byEqual = new Map<string, string[]>();
    for (const s of sources) {
      const key = equalKey(s.labels, rule.equal);
      const list = byEqual.get(key);
      if (list) list.push(s.fingerprint);
      else byEqual.set(key, [s.fingerprint]);
    }
    for (const target of firing) {
      if (out.has(target.fingerprint) || !matchesAll(rule.target, target.labels)) continue;
      const candidates = byEqual.get(equalKey(target.labels, rule.equal)) ?? [];
      const source = candidates.find((fp) => fp !== target.fingerprint);
      if (source) out.set(target.fingerprint, source);
    }
  }
  return out;
}

function equalKey(labels: Readonly<Record<string, string>>, equal: readonly string[]): string {
  return JSON.stringify(equal.map((name) => labels[name] ?? ''));
}
