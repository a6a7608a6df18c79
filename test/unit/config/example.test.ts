import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../source/config/load.js';

const example = fileURLToPath(new URL('../../../fixtures/config.example.yaml', import.meta.url));

describe('fixtures/config.example.yaml', () => {
  it('is valid and states the same defaults the schema has', () => {
    const fromExample = loadConfig({ config: example }, { HOME: '/nonexistent-home' }).config;
    const defaults = loadConfig({}, { HOME: '/nonexistent-home' }).config;
    // The example sets a URL, a user and every sink; everything else must equal the built-in defaults.
    const { airflow, sinks, ...rest } = fromExample;
    const { airflow: defaultAirflow, sinks: defaultSinks, ...defaultRest } = defaults;
    expect(rest).toEqual(defaultRest);
    expect({ ...airflow, url: undefined, username: undefined }).toEqual({
      ...defaultAirflow,
      url: undefined,
      username: undefined,
    });
    expect(sinks.retry).toEqual(defaultSinks.retry);
    expect(sinks.metrics).toEqual(defaultSinks.metrics);
    expect(Object.keys(sinks).sort()).toEqual([
      'airflow_variables',
      'alertmanager',
      'dashboard',
      'email',
      'metrics',
      'pagerduty',
      'pushgateway',
      'retry',
      'slack',
    ]);
  });
});
