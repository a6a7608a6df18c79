import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportMetricsText } from '../../source/sinks/metrics-registry.js';
import { createPushgatewaySink, pushgatewayUrl } from '../../source/sinks/pushgateway.js';
import { missingBinaries } from '../helpers/binaries.js';
import { promtoolCheckMetrics, startPushgateway, type RunningServer } from '../helpers/servers.js';
import { sampleReport } from '../unit/sinks/report-fixture.js';

// Against the real Debian Pushgateway 1.5.1: what airtop pushes is stored, reads back with the reference's
// names, and passes promtool's lint.

const missing = missingBinaries(['prometheus-pushgateway', 'promtool']);

let pg: RunningServer;

async function gatewayMetrics(): Promise<string> {
  return (await fetch(`${pg.url}/metrics`)).text();
}

describe.skipIf(missing)('pushgateway sink', () => {
  beforeAll(async () => {
    pg = await startPushgateway();
  }, 20_000);
  afterAll(async () => {
    await pg?.stop();
  });

  it('pushes the report, which reads back with the reference families and passes promtool', async () => {
    const text = await reportMetricsText(sampleReport());
    expect(await promtoolCheckMetrics(text)).toEqual({ code: 0, output: '' });

    const sink = createPushgatewaySink({ url: pg.url, job: 'capstone_pipeline' });
    expect(await sink.deliver(text)).toEqual({ ok: true });

    const stored = await gatewayMetrics();
    expect(stored).toContain(
      'capstone_health_score{instance="",job="capstone_pipeline",pipeline="document-processor"} 95',
    );
    expect(stored).toContain('capstone_cost_usd{instance="",job="capstone_pipeline",type="total"} 1.06');
    expect(stored).toContain('capstone_cost_per_doc_usd{instance="",job="capstone_pipeline"} 0.0265');
    expect(stored).toContain('capstone_extraction_confidence{instance="",job="capstone_pipeline"} 0.82');
    // The gateway's whole exposition, ours plus its own families, passes the lint.
    expect(await promtoolCheckMetrics(stored)).toEqual({ code: 0, output: '' });
  });

  it('PUT replaces the group: a family gone from the report is gone from the gateway', async () => {
    const sink = createPushgatewaySink({ url: pg.url, job: 'replace_test' });
    await sink.deliver(await reportMetricsText(sampleReport()));
    expect(await gatewayMetrics()).toMatch(/capstone_pool_utilization\{[^}]*job="replace_test"/);
    const without = sampleReport();
    without.resources = { ...without.resources, pools: {} };
    expect(await sink.deliver(await reportMetricsText(without))).toEqual({ ok: true });
    expect(await gatewayMetrics()).not.toMatch(/capstone_pool_utilization\{[^}]*job="replace_test"/);
  });

  it("with no confidence samples stores capstone_extraction_confidence 0 and the reference's health score, as the reference pushes", async () => {
    const sink = createPushgatewaySink({ url: pg.url, job: 'no_samples' });
    const report = sampleReport();
    report.quality = { ...report.quality, extraction_confidence: null };
    report.summary = {
      ...report.summary,
      health_score: 85,
      reference: { health_score: 45, alerts: ['Low extraction confidence'], overall: 'critical' },
    };
    const text = await reportMetricsText(report);
    expect(await promtoolCheckMetrics(text)).toEqual({ code: 0, output: '' });
    expect(await sink.deliver(text)).toEqual({ ok: true });
    const stored = (await gatewayMetrics()).split('\n');
    expect(stored).toContain('capstone_extraction_confidence{instance="",job="no_samples"} 0');
    expect(stored).toContain('capstone_extraction_confidence_samples{instance="",job="no_samples"} 0');
    expect(stored).toContain('capstone_health_score{instance="",job="no_samples",pipeline="document-processor"} 45');
    expect(stored).toContain('airtop_health_score{instance="",job="no_samples",pipeline="document-processor"} 85');
  });

  it('stores grouping values containing "/" through the @base64 form', async () => {
    const sink = createPushgatewaySink({
      url: pg.url,
      job: 'capstone/pipeline',
      grouping: { instance: 'airflow.example:8080/prod' },
    });
    expect(await sink.deliver(await reportMetricsText(sampleReport()))).toEqual({ ok: true });
    expect(await gatewayMetrics()).toContain(
      'capstone_health_score{instance="airflow.example:8080/prod",job="capstone/pipeline",pipeline="document-processor"} 95',
    );
  });

  it('a refused push is a failure with a reason, not a success', async () => {
    const sink = createPushgatewaySink({ url: pg.url, job: 'bad' });
    const result = await sink.deliver(
      '# TYPE capstone_health_score gauge\ncapstone_health_score{pipeline="x"} not-a-number\n',
    );
    expect(result).toMatchObject({
      ok: false,
      permanent: true,
      reason: expect.stringMatching(/^pushgateway: HTTP 400/),
    });
    // A percent-encoded slash is not a valid path for the gateway; the @base64 form above is the one that works.
    const encoded = await fetch(`${pg.url}/metrics/job/a%2Fb`, { method: 'PUT', body: 'x 1\n' });
    expect(encoded.status === 200 || encoded.status === 202).toBe(false);
    expect(pushgatewayUrl(pg.url, 'a/b')).toBe(`${pg.url}/metrics/job@base64/YS9i`);
  });

  it('a stopped gateway is a transient failure (retried)', async () => {
    const sink = createPushgatewaySink({ url: 'http://127.0.0.1:1', job: 'x' });
    expect(await sink.deliver('x 1\n')).toEqual({
      ok: false,
      permanent: false,
      reason: 'pushgateway: connection refused (is the receiver running?)',
    });
  });
});
