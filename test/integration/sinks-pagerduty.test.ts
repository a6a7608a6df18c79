import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPagerDutySink } from '../../source/sinks/pagerduty.js';
import { startPagerDutyReceiver } from '../helpers/receivers.js';
import { slaNotification, thresholdNotification } from '../unit/sinks/notification-fixture.js';

// A loopback PagerDuty Events API v2 that validates events as PagerDuty documents them.

const KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
let pd: Awaited<ReturnType<typeof startPagerDutyReceiver>>;

beforeEach(async () => {
  pd = await startPagerDutyReceiver();
});
afterEach(async () => {
  await pd.close();
});

describe('pagerduty sink', () => {
  it('triggers, acknowledges and resolves one incident by dedup_key', async () => {
    const sink = createPagerDutySink({ routingKey: KEY, url: pd.url, source: 'airflow.example' });
    expect(await sink.deliver(slaNotification(3))).toEqual({ ok: true });
    expect(pd.incidents.get('c2aa51ecbcc11cb2')).toBe('triggered');
    expect(await sink.deliver(slaNotification(3, 'acknowledged'))).toEqual({ ok: true });
    expect(pd.incidents.get('c2aa51ecbcc11cb2')).toBe('acknowledged');
    expect(await sink.deliver(slaNotification(3, 'resolved'))).toEqual({ ok: true });
    expect(pd.incidents.get('c2aa51ecbcc11cb2')).toBe('resolved');
    expect(pd.accepted.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ['trigger', 'c2aa51ecbcc11cb2'],
      ['acknowledge', 'c2aa51ecbcc11cb2'],
      ['resolve', 'c2aa51ecbcc11cb2'],
    ]);
  });

  it('an invalid routing key gets 400, which is permanent and names the problem', async () => {
    const sink = createPagerDutySink({ routingKey: 'short', url: pd.url, source: 's' });
    const result = await sink.deliver(thresholdNotification());
    expect(result).toMatchObject({
      ok: false,
      permanent: true,
      reason: expect.stringMatching(/^pagerduty: HTTP 400 .*routing_key/),
    });
    expect(JSON.stringify(result)).not.toContain('short"');
  });

  it('429 and 5xx are retried, honouring Retry-After', async () => {
    const sink = createPagerDutySink({ routingKey: KEY, url: pd.url, source: 's' });
    pd.failNext({
      status: 429,
      body: '{"status":"throttle event","message":"Requests for this service are arriving too quickly."}',
      headers: { 'retry-after': '2' },
    });
    expect(await sink.deliver(thresholdNotification())).toMatchObject({
      ok: false,
      permanent: false,
      retryAfterMs: 2000,
    });
    pd.failNext({ status: 503, body: 'unavailable' });
    expect(await sink.deliver(thresholdNotification())).toMatchObject({ ok: false, permanent: false });
    expect(await sink.deliver(thresholdNotification())).toEqual({ ok: true });
  });
});
