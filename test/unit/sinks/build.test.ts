import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../source/config/schema.js';
import { buildSinks } from '../../../source/sinks/build.js';

const writer = { setVariable: async () => {} };

describe('sinks from config', () => {
  it('builds each configured sink; none when none is configured', () => {
    expect(buildSinks(configSchema.parse({}), { variableWriter: writer, env: {} })).toEqual({
      sinks: [],
      problems: [],
    });
    const config = configSchema.parse({
      sinks: {
        slack: {},
        email: { host: 'smtp.example' },
        pagerduty: { routing_key_file: '/nonexistent/key' },
        pushgateway: { url: 'http://127.0.0.1:9091' },
        dashboard: { url: 'http://127.0.0.1:8080/api/v1/pipeline-status', api_key_env: 'DASH_KEY' },
        alertmanager: { url: 'http://127.0.0.1:9093' },
        airflow_variables: {},
      },
    });
    const built = buildSinks(config, {
      variableWriter: writer,
      env: { AIRTOP_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/SECRET' },
    });
    expect(built.sinks.map((s) => s.name)).toEqual([
      'slack',
      'email',
      'pushgateway',
      'dashboard',
      'alertmanager',
      'airflow_variables',
    ]);
    expect(built.problems).toEqual([
      expect.stringMatching(
        /^sinks\.pagerduty routing key: cannot read \/nonexistent\/key .*PagerDuty notifications are off$/,
      ),
      expect.stringMatching(/^sinks\.dashboard API key: the environment variable DASH_KEY is not set/),
    ]);
    expect(built.problems.join(' ')).not.toContain('SECRET');
  });

  it('says why Variables are not written: --readonly, or no REST client', () => {
    const readonly = configSchema.parse({ readonly: true, sinks: { airflow_variables: {} } });
    expect(buildSinks(readonly, { variableWriter: writer, env: {} }).problems).toEqual([
      expect.stringMatching(/--readonly/),
    ]);
    const noWriter = configSchema.parse({ sinks: { airflow_variables: {} } });
    expect(buildSinks(noWriter, { variableWriter: null, env: {} }).problems).toEqual([
      expect.stringMatching(/needs the REST source/),
    ]);
  });

  it('a disabled sink is not built', () => {
    const config = configSchema.parse({ sinks: { pushgateway: { url: 'http://x', enabled: false } } });
    expect(buildSinks(config, { variableWriter: null, env: {} }).sinks).toEqual([]);
  });
});
