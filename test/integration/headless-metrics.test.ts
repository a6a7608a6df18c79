import { afterEach, describe, expect, it } from 'vitest';
import { jsonLogger, startMetricsServer, statusFromStore, type MetricsServer } from '../../source/headless/index.js';
import type { Report } from '../../source/report/types.js';
import { createAirtopStore } from '../../source/state/store.js';
import { missingBinaries } from '../helpers/binaries.js';
import { pollSample, queueForSlack } from '../helpers/metrics-store.js';
import { promtoolCheckMetrics } from '../helpers/servers.js';
import { sampleReport } from '../unit/sinks/report-fixture.js';

// The headless daemon's /metrics and /healthz on loopback, scraped like Prometheus would and linted with
// promtool; and its JSON-lines log.

const noPromtool = missingBinaries(['promtool']);

let server: MetricsServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('metrics endpoint', () => {
  async function serve(getReport: () => Report | null): Promise<string> {
    server = await startMetricsServer({
      listen: '127.0.0.1:0',
      getReport,
      getStatus: () => ({
        up: true,
        lastPollAt: new Date('2024-06-01T12:00:00Z'),
        pollFailures: 2,
        queueDepth: { slack: 3, pagerduty: 0 },
      }),
    });
    return server.url;
  }

  it('serves the report families plus airtop_* in text format 0.0.4', async () => {
    let report: Report | null = sampleReport();
    const url = await serve(() => report);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('airtop_up 1');
    expect(text).toContain('airtop_last_poll_timestamp_seconds 1717243200');
    expect(text).toMatch(/^# TYPE airtop_poll_failures_total counter$/m);
    expect(text).toContain('airtop_poll_failures_total 2');
    expect(text).toContain('airtop_outbox_queue_depth{sink="slack"} 3');
    expect(text).toContain('capstone_health_score{pipeline="document-processor"} 95');

    report = null; // before the first poll
    const empty = await (await fetch(`${url}/metrics`)).text();
    expect(empty).not.toContain('capstone_');
  });

  it.skipIf(noPromtool)('serves text that passes promtool, with and without a report', async () => {
    let report: Report | null = sampleReport();
    const url = await serve(() => report);
    expect(await promtoolCheckMetrics(await (await fetch(`${url}/metrics`)).text())).toEqual({ code: 0, output: '' });
    report = null; // before the first poll
    expect(await promtoolCheckMetrics(await (await fetch(`${url}/metrics`)).text())).toEqual({ code: 0, output: '' });
  });

  it('reads poll state from the store, counting failures as they happen', async () => {
    const store = createAirtopStore();
    const at = new Date('2024-06-01T12:00:00.000Z');
    server = await startMetricsServer({
      listen: '127.0.0.1:0',
      getReport: () => null,
      getStore: () => store.getState(),
    });
    const scrape = async () => (await fetch(`${server!.url}/metrics`)).text();
    expect(await scrape()).toContain('airtop_up 0');
    store.getState().pollFailed({ error: 'connection refused', at });
    store.getState().pollFailed({ error: 'connection refused', at });
    expect(await scrape()).toContain('airtop_poll_failures_total 2');
    pollSample(store, at);
    queueForSlack(store, 4);
    const ok = await scrape();
    expect(ok).toContain('airtop_up 1');
    expect(ok).toContain('airtop_poll_failures_total 2');
    expect(ok).toContain('airtop_outbox_queue_depth{sink="slack"} 4');
    // A failure and a recovery between two scrapes still counts: the store counts where the failure happens.
    store.getState().pollFailed({ error: 'x', at });
    pollSample(store, at);
    expect(await scrape()).toContain('airtop_poll_failures_total 3');
    expect(statusFromStore(store.getState())).toMatchObject({ up: true, pollFailures: 3 });
  });

  it('answers /healthz, 404 elsewhere, and stops listening on close', async () => {
    server = await startMetricsServer({ listen: '127.0.0.1:0', getReport: () => null });
    const health = await fetch(`${server.url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    expect((await fetch(`${server.url}/other`)).status).toBe(404);
    const url = server.url;
    await server.close();
    server = null;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('says what to change when the port is taken or the address is malformed', async () => {
    server = await startMetricsServer({ listen: '127.0.0.1:0', getReport: () => null });
    const port = new URL(server.url).port;
    await expect(startMetricsServer({ listen: `127.0.0.1:${port}`, getReport: () => null })).rejects.toThrow(
      /EADDRINUSE.*set sinks\.metrics\.listen/,
    );
    await expect(startMetricsServer({ listen: 'localhost', getReport: () => null })).rejects.toThrow(/not host:port/);
  });
});

describe('json logger', () => {
  it('writes one JSON object per line with ts, level, msg first and secrets redacted', () => {
    const lines: string[] = [];
    const log = jsonLogger(
      { write: (chunk: string) => lines.push(chunk) },
      { clock: () => new Date('2024-06-01T12:00:00Z') },
    );
    log.info('poll', { overall: 'critical', health_score: 92.5 });
    log('warn', 'sink failed', {
      sink: 'slack',
      webhook_url: 'https://hooks.slack.com/services/T/B/SECRET',
      password: 'hunter2',
      nested: { apiKey: 'k' },
    });
    log.error('cannot reach http://admin:hunter2@airflow:8080/api/v2', { msg: 'not me', level: 'not me' });
    log.debug('hidden at info level');
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1)).toBe(true);
    const [a, b, c] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(a!).slice(0, 3)).toEqual(['ts', 'level', 'msg']);
    expect(a).toEqual({
      ts: '2024-06-01T12:00:00.000Z',
      level: 'info',
      msg: 'poll',
      overall: 'critical',
      health_score: 92.5,
    });
    expect(b).toMatchObject({
      level: 'warn',
      sink: 'slack',
      webhook_url: '[redacted]',
      password: '[redacted]',
      nested: { apiKey: '[redacted]' },
    });
    expect(c).toMatchObject({ level: 'error', msg: 'cannot reach http://[redacted]@airflow:8080/api/v2' });
    expect(lines.join('')).not.toMatch(/hunter2|SECRET/);
  });
});
