import type { AlertRecord } from '../alerts/types.js';
import { classify, httpSend } from './http.js';
import type { Sink } from './types.js';

// Prometheus Alertmanager as a sink: POST /api/v2/alerts each poll with every active alert (endsAt a
// resolve timeout ahead, so Alertmanager resolves them itself if airtop stops) and every recently resolved
// one (endsAt = when it resolved). Sending the full set each time makes it a 'latest' sink: after an
// outage the newest set says everything, resolutions included.

export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function cleanLabels(labels: Record<string, string>): Record<string, string> {
  // Alertmanager rejects invalid names; an empty value means "no such label" in Prometheus.
  return Object.fromEntries(Object.entries(labels).filter(([name, value]) => LABEL_NAME.test(name) && value !== ''));
}

function generatorUrl(
  airflow: string | null | ((labels: Record<string, string>) => string | null),
  labels: Record<string, string>,
): string | undefined {
  const airflowUrl = typeof airflow === 'function' ? airflow(labels) : airflow;
  if (!airflowUrl) return undefined;
  const base = airflowUrl.replace(/\/+$/, '');
  return labels.dag_id ? `${base}/dags/${encodeURIComponent(labels.dag_id)}` : base;
}

/**
 * Silenced alerts are left out: an airtop silence means "do not notify", and Alertmanager routes to
 * receivers. They resolve there after the resolve timeout.
 */
export function alertmanagerAlerts(
  records: readonly AlertRecord[],
  silenced: ReadonlySet<string>,
  now: Date,
  resolveTimeoutSeconds: number,
  /** The Airflow each alert links to; in a fleet, per alert (its instance's). */
  airflowUrl: string | null | ((labels: Record<string, string>) => string | null),
): AmAlert[] {
  const endsActive = new Date(now.getTime() + resolveTimeoutSeconds * 1000).toISOString();
  const out: AmAlert[] = [];
  for (const record of records) {
    if (!record.resolvedAt && silenced.has(record.fingerprint)) continue;
    const labels = cleanLabels(record.labels);
    if (!labels.alertname) continue;
    const alert: AmAlert = {
      labels,
      annotations: { ...record.annotations },
      startsAt: record.startsAt,
      endsAt: record.resolvedAt ?? endsActive,
    };
    const url = generatorUrl(airflowUrl, labels);
    if (url) alert.generatorURL = url;
    out.push(alert);
  }
  return out;
}

export function createAlertmanagerSink(options: { url: string; timeoutMs?: number }): Sink<AmAlert[]> {
  const target = `${options.url.replace(/\/+$/, '')}/api/v2/alerts`;
  return {
    name: 'alertmanager',
    mode: 'latest',
    async deliver(alerts) {
      if (alerts.length === 0) return { ok: true };
      const outcome = await httpSend({
        method: 'POST',
        url: target,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
        timeoutMs: options.timeoutMs,
      });
      return classify('alertmanager', outcome, (status) => status === 200);
    },
    describe: (alerts) => `${alerts.length} alerts`,
  };
}
