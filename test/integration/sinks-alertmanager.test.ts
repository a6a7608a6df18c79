import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../source/alerts/fingerprint.js';
import type { AlertRecord } from '../../source/alerts/types.js';
import { alertmanagerAlerts, createAlertmanagerSink } from '../../source/sinks/alertmanager.js';
import { missingBinaries } from '../helpers/binaries.js';
import { startAlertmanager, waitFor, type RunningServer } from '../helpers/servers.js';

// Against the real Debian Alertmanager 0.25: airtop's alerts appear in GET /api/v2/alerts with the same
// fingerprint airtop computed, and a resolution (endsAt = now) takes them out.

const missing = missingBinaries(['prometheus-alertmanager']);

let am: RunningServer;

interface AmAlertOut {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
  generatorURL: string;
}

async function listAlerts(): Promise<AmAlertOut[]> {
  return (await fetch(`${am.url}/api/v2/alerts`)).json() as Promise<AmAlertOut[]>;
}

function record(labels: Record<string, string>, startsAt: Date, resolvedAt: Date | null = null): AlertRecord {
  return {
    fingerprint: fingerprint(labels),
    labels,
    annotations: { summary: `${labels.alertname} on ${labels.dag_id ?? labels.pool}` },
    severity: 'critical',
    startsAt: startsAt.toISOString(),
    lastSeenAt: startsAt.toISOString(),
    resolvedAt: resolvedAt?.toISOString() ?? null,
    escalationLevel: null,
    notifiedLevel: null,
    channels: [],
    notifiedChannels: [],
    lastNotifiedAt: null,
    ack: null,
  };
}

describe.skipIf(missing)('alertmanager sink', () => {
  beforeAll(async () => {
    am = await startAlertmanager();
  }, 20_000);
  afterAll(async () => {
    await am?.stop();
  });

  it('posts firing alerts that Alertmanager lists under the same fingerprint, and resolves them', async () => {
    const sink = createAlertmanagerSink({ url: am.url });
    const start = new Date(Date.now() - 60_000);
    const success = record(
      { alertname: 'success_rate_critical', dag_id: 'capstone_ingestion_pipeline', severity: 'critical' },
      start,
    );
    const pool = record({ alertname: 'pool_utilization_warning', pool: 'default_pool', severity: 'warning' }, start);

    expect(
      await sink.deliver(alertmanagerAlerts([success, pool], new Set(), new Date(), 900, 'http://127.0.0.1:8080')),
    ).toEqual({ ok: true });
    await waitFor(async () => (await listAlerts()).length === 2, 'two alerts in Alertmanager');
    const listed = await listAlerts();
    expect(listed.map((a) => a.fingerprint).sort()).toEqual([success.fingerprint, pool.fingerprint].sort());
    const listedSuccess = listed.find((a) => a.labels.alertname === 'success_rate_critical')!;
    expect(listedSuccess).toMatchObject({
      status: { state: 'active' },
      annotations: { summary: 'success_rate_critical on capstone_ingestion_pipeline' },
      generatorURL: 'http://127.0.0.1:8080/dags/capstone_ingestion_pipeline',
    });

    const resolvedPool = { ...pool, resolvedAt: new Date().toISOString() };
    expect(await sink.deliver(alertmanagerAlerts([success, resolvedPool], new Set(), new Date(), 900, null))).toEqual({
      ok: true,
    });
    await waitFor(async () => (await listAlerts()).length === 1, 'the resolved alert to leave the list');
    expect((await listAlerts())[0]!.fingerprint).toBe(success.fingerprint);
  });

  it('a refused post is a permanent failure naming the status', async () => {
    const sink = createAlertmanagerSink({ url: am.url });
    const result = await sink.deliver([
      { labels: { alertname: 'x' }, annotations: {}, startsAt: 'yesterday', endsAt: 'tomorrow' },
    ]);
    expect(result).toMatchObject({
      ok: false,
      permanent: true,
      reason: expect.stringMatching(/^alertmanager: HTTP (400|422)/),
    });
  });
});
