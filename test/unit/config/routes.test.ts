import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../source/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'airtop-routes-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(yaml: string) {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadConfig({ config: file }, { HOME: '/nonexistent-home' });
}

function error(yaml: string): string {
  try {
    load(yaml);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const SINKS = 'sinks:\n  slack: {}\n  email: { host: smtp.example.com }\n';

describe('alerts.routes and alerts.inhibit_rules in the config', () => {
  it('accepts a route tree and inhibit rules, with durations and inheritance', () => {
    const { config } = load(`${SINKS}alerts:
  group_wait: 10s
  routes:
    - matchers: ['severity="critical"', 'dag_id=~"capstone_.*"']
      receivers: [slack, email]
      group_by: [alertname]
      group_interval: 2m
      routes:
        - matchers: [team=ml]
          receivers: [email]
          continue: true
  inhibit_rules:
    - source_matchers: ['alertname="a"']
      target_matchers: ['alertname="b"']
      equal: [dag_id]
`);
    expect(config.alerts.group_wait).toBe(10);
    expect(config.alerts.routes![0]).toMatchObject({
      receivers: ['slack', 'email'],
      group_interval: 120,
      continue: false,
      routes: [{ continue: true }],
    });
    expect(config.alerts.inhibit_rules).toEqual([
      { source_matchers: ['alertname="a"'], target_matchers: ['alertname="b"'], equal: ['dag_id'] },
    ]);
  });

  it.each([
    [
      'a malformed matcher',
      `${SINKS}alerts:\n  routes:\n    - matchers: ['severity']\n      receivers: [slack]\n`,
      /alerts\.routes\.0\.matchers\.0: "severity" is not a matcher.*label="value", label!="value", label=~"regex" or label!~"regex"/,
    ],
    [
      'a regex that does not compile',
      `${SINKS}alerts:\n  routes:\n    - matchers: ['dag_id=~"capstone_("']\n`,
      /alerts\.routes\.0\.matchers\.0: regex "capstone_\(" does not compile \(RE2 syntax\)/,
    ],
    [
      'a Perl-only regex',
      `${SINKS}alerts:\n  inhibit_rules:\n    - source_matchers: ['a=~"(?!x)"']\n      target_matchers: ['b="c"']\n`,
      /alerts\.inhibit_rules\.0\.source_matchers\.0: regex .* does not compile/,
    ],
    [
      'a receiver with no sink',
      `${SINKS}alerts:\n  routes:\n    - routes:\n        - receivers: [pagerduty]\n`,
      /alerts\.routes\.0\.routes\.0\.receivers\.0: receiver "pagerduty" has no sink configured \(add sinks\.pagerduty\); configured receivers: slack, email/,
    ],
    [
      'an unknown receiver',
      `${SINKS}alerts:\n  routes:\n    - receivers: [teams]\n`,
      /alerts\.routes\.0\.receivers\.0: must be one of slack, email, pagerduty/,
    ],
    [
      'an unknown route key',
      `${SINKS}alerts:\n  routes:\n    - receiver: slack\n`,
      /unknown key alerts\.routes\.0\.receiver/,
    ],
    ['a bad group_by label', `alerts:\n  group_by: [dag-id]\n`, /alerts\.group_by\.0: must be a label name/],
  ])('refuses %s with the key path and what is allowed', (_name, yaml, message) => {
    expect(error(yaml)).toMatch(message);
  });
});
