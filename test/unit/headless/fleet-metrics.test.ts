import { describe, expect, it } from 'vitest';
import {
  fleetHealthText,
  fleetMetricsText,
  mergeExpositions,
  withInstance,
} from '../../../source/headless/fleet-metrics.js';
import { createAirtopStore } from '../../../source/state/store.js';
import { pollSample, queueForSlack } from '../../helpers/metrics-store.js';

/** Every sample line (not HELP/TYPE) of a text exposition. */
const samples = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

describe('fleet /metrics', () => {
  it('puts instance first among the labels, or adds it', () => {
    expect(withInstance('airtop_up 1', 'prod')).toBe('airtop_up{instance="prod"} 1');
    expect(withInstance('capstone_dag_runs{dag_id="a",state="failed"} 2', 'stg')).toBe(
      'capstone_dag_runs{instance="stg",dag_id="a",state="failed"} 2',
    );
    expect(withInstance('x{} 1', 'a"b')).toBe('x{instance="a\\"b"} 1');
  });

  it('merges expositions: HELP and TYPE once per family, samples kept together', () => {
    const one = '# HELP m help\n# TYPE m gauge\nm{a="1"} 1\n# HELP n other\n# TYPE n gauge\nn 5\n';
    const merged = mergeExpositions(
      [
        { instance: 'prod', text: one },
        { instance: 'staging', text: one },
      ],
      '# HELP q queue\n# TYPE q gauge\nq{sink="slack"} 2\n',
    );
    expect(merged).toBe(
      [
        '# HELP m help',
        '# TYPE m gauge',
        'm{instance="prod",a="1"} 1',
        'm{instance="staging",a="1"} 1',
        '# HELP n other',
        '# TYPE n gauge',
        'n{instance="prod"} 5',
        'n{instance="staging"} 5',
        '# HELP q queue',
        '# TYPE q gauge',
        'q{sink="slack"} 2',
        '',
      ].join('\n'),
    );
  });

  it('labels every poll and report series with its instance; staging down is airtop_up 0', async () => {
    const at = new Date('2024-06-01T12:00:00Z');
    const prod = createAirtopStore();
    pollSample(prod, at);
    queueForSlack(prod, 4);
    const staging = createAirtopStore();
    staging.getState().pollFailed({ error: 'connect ECONNREFUSED', at });
    const text = await fleetMetricsText(
      [
        { name: 'prod', report: prod.getState().report, data: prod.getState() },
        { name: 'staging', report: staging.getState().report, data: staging.getState() },
      ],
      prod.getState(),
    );
    expect(text).toContain('airtop_up{instance="prod"} 1');
    expect(text).toContain('airtop_up{instance="staging"} 0');
    expect(text).toContain('airtop_poll_failures_total{instance="staging"} 1');
    expect(text).toContain('capstone_health_score{instance="prod",pipeline="document-processor"}');
    // The outbox is the fleet's: its series carry the sink, not an instance.
    expect(text).toContain('airtop_outbox_queue_depth{sink="slack"} 4');
    for (const line of samples(text)) {
      if (/^airtop_(outbox|sink)_/.test(line)) expect(line).not.toContain('instance=');
      else expect(line, line).toMatch(/^[a-z_]+\{instance="(prod|staging)"/);
    }
    for (const name of ['airtop_up', 'capstone_health_score', 'airtop_outbox_queue_depth'])
      expect(text.split('\n').filter((l) => l.startsWith(`# TYPE ${name} `))).toHaveLength(1);
  });
});

describe('fleet /healthz', () => {
  it('lists each instance; one down makes it degraded, one not yet polled does not', () => {
    const up = { name: 'prod', url: 'http://a', up: true, lastSuccessAt: '2024-06-01T12:00:00Z', error: null };
    const starting = { name: 'qa', url: 'http://c', up: false, lastSuccessAt: null, error: null };
    expect(fleetHealthText([up, starting], [])).toEqual({
      degraded: false,
      text: 'ok\ninstance prod up (http://a), last poll 2024-06-01T12:00:00Z\ninstance qa starting (http://c): first poll not done yet\n',
    });
    const down = { name: 'staging', url: 'http://b', up: false, lastSuccessAt: null, error: 'timeout' };
    const health = fleetHealthText([up, down], []);
    expect(health.degraded).toBe(true);
    expect(health.text).toContain('instance staging down (http://b): timeout');
  });
});
