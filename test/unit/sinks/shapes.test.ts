import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DagRun } from '../../../source/airflow/types.js';
import { withDetails } from '../../../source/alerts/details.js';
import type { AlertRecord } from '../../../source/alerts/types.js';
import { alertmanagerAlerts } from '../../../source/sinks/alertmanager.js';
import { backoffMs, parseRetryAfter } from '../../../source/sinks/backoff.js';
import { classify } from '../../../source/sinks/http.js';
import { reportToRegistry } from '../../../source/sinks/metrics-registry.js';
import { pushgatewayUrl } from '../../../source/sinks/pushgateway.js';
import { dashboardStatus, latestMetrics, qualityReport, recentRuns } from '../../../source/sinks/reference-shapes.js';
import { readSecret, redactUrl } from '../../../source/sinks/secrets.js';
import { sampleReport, slaCandidate, slaMiss, successRateCandidate, T0 } from './report-fixture.js';

function run(dagId: string, minutesAgo: number, state = 'success'): DagRun {
  const at = new Date(T0.getTime() - minutesAgo * 60_000).toISOString();
  return {
    dagId,
    runId: `r${minutesAgo}`,
    state,
    runType: 'scheduled',
    queuedAt: at,
    startDate: at,
    endDate: null,
    runAfter: at,
    logicalDate: at,
  };
}

describe('reference shapes', () => {
  it("capstone_latest_metrics is aggregate_and_store's dict", () => {
    const latest = latestMetrics(sampleReport());
    expect(Object.keys(latest)).toEqual(['timestamp', 'processing', 'costs', 'quality', 'summary', 'airtop_summary']);
    expect(Object.keys(latest.processing)).toEqual(['timestamp', 'hour_key', 'metrics']);
    expect(Object.keys(latest.costs)).toEqual(['timestamp', 'day_key', 'costs', 'tokens']);
    expect(latest.quality.extraction_quality).toEqual({ avg_confidence: 0.82, low_confidence_count: 1, samples: 10 });
    expect(latest.summary).toEqual({ health_score: 95, alerts: [] });
  });

  it("capstone_quality_report has exactly the tracker's keys", () => {
    expect(Object.keys(qualityReport(sampleReport()))).toEqual([
      'timestamp',
      'overall_score',
      'status',
      'components',
      'issues',
      'recommendations',
    ]);
  });

  it('the dashboard status carries the last 10 runs of the hour, newest first', () => {
    const runs = [run('a', 70), ...Array.from({ length: 12 }, (_, i) => run('b', i * 5))];
    const recent = recentRuns(runs, T0);
    expect(recent).toHaveLength(10);
    expect(recent[0]).toEqual({
      dag_id: 'b',
      run_id: 'r0',
      state: 'success',
      execution_date: T0.toISOString(),
      start_date: T0.toISOString(),
      end_date: null,
    });
    expect(recent.some((r) => r.dag_id === 'a')).toBe(false);
    const status = dashboardStatus(sampleReport(), runs, 'capstone-document-processor', T0);
    expect(Object.keys(status)).toEqual([
      'pipeline_id',
      'timestamp',
      'status',
      'metrics',
      'recent_runs',
      'airtop_summary',
    ]);
    // The reference's status ignores threshold findings; airtop's verdict is airtop_summary.
    expect(status.status).toEqual({ overall: 'healthy', health_score: 95, alerts: [] });
    expect(status.airtop_summary).toEqual({
      overall: 'critical',
      health_score: 95,
      alerts: [
        'capstone_ingestion_pipeline: success rate 85.0% below 90.0%',
        'pool default_pool: utilization 84.4% above 80.0%',
      ],
    });
    expect(Object.keys(status.metrics)).toEqual(['processing', 'costs', 'quality']);
  });
});

describe('candidate details from the report', () => {
  it('attaches the SLA notification dict and the threshold finding by labels', () => {
    const report = sampleReport({ sla: { misses: [slaMiss(2, 2400)] } });
    const [sla, threshold] = withDetails([slaCandidate(2), successRateCandidate], report);
    expect(sla!.details).toMatchObject({
      type: 'sla_miss',
      escalation_level: 2,
      lateness_seconds: 2400,
      blocking_tasks: 'generate_summary',
    });
    expect(Object.keys(sla!.details!)).not.toContain('channels');
    expect(threshold!.details).toEqual({
      type: 'success_rate_critical',
      severity: 'critical',
      value: 0.85,
      threshold: 0.9,
      dag_id: 'capstone_ingestion_pipeline',
    });
  });
});

describe('pushgateway URL', () => {
  it('uses @base64 for values with a slash or empty, plain otherwise', () => {
    expect(pushgatewayUrl('http://pg:9091/', 'capstone_pipeline')).toBe('http://pg:9091/metrics/job/capstone_pipeline');
    expect(pushgatewayUrl('http://pg:9091', 'a/b', { instance: 'host:1', path: '/var/tmp', empty: '' })).toBe(
      'http://pg:9091/metrics/job@base64/YS9i/instance/host%3A1/path@base64/L3Zhci90bXA/empty@base64/=',
    );
  });
});

describe('metrics registry', () => {
  it('has the reference families with their labels', async () => {
    const text = await reportToRegistry(sampleReport()).metrics();
    expect(text).toContain('capstone_health_score{pipeline="document-processor"} 95');
    expect(text).toContain('capstone_cost_usd{type="total"} 1.06');
    expect(text).toContain('capstone_cost_usd{type="llm_output"} 0.75');
    expect(text).toContain('capstone_cost_per_doc_usd 0.0265');
    expect(text).toContain('capstone_extraction_confidence 0.82');
    expect(text).toContain('capstone_dag_success_rate{dag_id="capstone_ingestion_pipeline"} 0.85');
    expect(text).toContain('capstone_pool_utilization{pool="default_pool"} 0.84375');
    expect(text).toContain('capstone_quality_score{component="extraction"} 88');
    expect(text).not.toContain('capstone_quality_score{component="llm"}');
    expect(text).toMatch(/^# TYPE capstone_alerts gauge$/m);
  });
});

describe('alertmanager alerts', () => {
  it('sends active alerts with endsAt a resolve timeout ahead and resolved ones with their end, never silenced ones', () => {
    const base = {
      annotations: { summary: 's' },
      severity: 'critical' as const,
      startsAt: T0.toISOString(),
      lastSeenAt: '',
      escalationLevel: null,
      notifiedLevel: null,
      channels: [],
      notifiedChannels: [],
      lastNotifiedAt: null,
      ack: null,
    };
    const records: AlertRecord[] = [
      { ...base, fingerprint: 'f1', labels: { alertname: 'a', dag_id: 'd', empty: '' }, resolvedAt: null },
      { ...base, fingerprint: 'f2', labels: { alertname: 'b' }, resolvedAt: '2024-01-15T12:40:00.000Z' },
      { ...base, fingerprint: 'f3', labels: { alertname: 'c' }, resolvedAt: null },
    ];
    const out = alertmanagerAlerts(records, new Set(['f3']), T0, 900, 'http://airflow:8080/');
    expect(out).toEqual([
      {
        labels: { alertname: 'a', dag_id: 'd' },
        annotations: { summary: 's' },
        startsAt: T0.toISOString(),
        endsAt: '2024-01-15T12:45:00.000Z',
        generatorURL: 'http://airflow:8080/dags/d',
      },
      {
        labels: { alertname: 'b' },
        annotations: { summary: 's' },
        startsAt: T0.toISOString(),
        endsAt: '2024-01-15T12:40:00.000Z',
        generatorURL: 'http://airflow:8080',
      },
    ]);
  });
});

describe('retry policy', () => {
  it('starts at 500 ms, grows ×1.5, caps at 60 s, and jitter only shortens', () => {
    const policy = { initial: 0.5, max: 60, factor: 1.5 };
    expect([1, 2, 3].map((n) => backoffMs(n, policy, () => 0))).toEqual([500, 750, 1125]);
    expect(backoffMs(40, policy, () => 0)).toBe(60_000);
    expect(backoffMs(40, policy, () => 1)).toBe(48_000);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('30', T0)).toBe(30_000);
    expect(parseRetryAfter(new Date(T0.getTime() + 5000).toUTCString(), T0)).toBe(5000);
    expect(parseRetryAfter('soon', T0)).toBeNull();
    expect(parseRetryAfter(undefined, T0)).toBeNull();
  });

  it('classifies: accepted ok, 429/5xx retried, other 4xx and unexpected 3xx permanent', () => {
    const r = (status: number, text = '', retryAfterMs: number | null = null) =>
      classify('slack', { kind: 'response', status, text, retryAfterMs }, (s, t) => s === 200 && t === 'ok');
    expect(r(200, 'ok')).toEqual({ ok: true });
    expect(r(429, 'rate_limited', 3000)).toEqual({
      ok: false,
      permanent: false,
      reason: 'slack: HTTP 429 rate_limited',
      retryAfterMs: 3000,
    });
    expect(r(503)).toMatchObject({ ok: false, permanent: false });
    expect(r(400, 'invalid_payload')).toEqual({
      ok: false,
      permanent: true,
      reason: 'slack: HTTP 400 invalid_payload',
    });
    expect(r(301)).toMatchObject({ ok: false, permanent: true, reason: expect.stringMatching(/check the URL/) });
    expect(classify('x', { kind: 'network', reason: 'connection refused' }, () => true)).toMatchObject({
      ok: false,
      permanent: false,
    });
  });
});

describe('secrets', () => {
  it('reads a file first, then an env variable, and says what to set without the value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airtop-secret-'));
    try {
      writeFileSync(join(dir, 'key'), 'from-file\n');
      expect(readSecret({ env: 'K', file: join(dir, 'key') }, 'x', { K: 'from-env' })).toEqual({
        ok: true,
        value: 'from-file',
      });
      expect(readSecret({ env: 'K' }, 'x', { K: ' from-env ' })).toEqual({ ok: true, value: 'from-env' });
      expect(readSecret({ env: 'K' }, 'sinks.slack webhook URL', {})).toEqual({
        ok: false,
        error: expect.stringMatching(/environment variable K is not set/),
      });
      expect(readSecret({ file: join(dir, 'missing') }, 'x', {})).toEqual({
        ok: false,
        error: expect.stringMatching(/cannot read .*missing \(ENOENT\)/),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(redactUrl('https://hooks.slack.com/services/T000/B000/XXXX')).toBe('https://hooks.slack.com/…');
  });
});

describe('whole-run SLA misses', () => {
  it('match the engines\' task_id="__dag__" label and render without a task', async () => {
    const { slackMessage } = await import('../../../source/sinks/slack.js');
    const { emailContent } = await import('../../../source/sinks/email.js');
    const miss = { ...slaMiss(1, 600), scope: 'dag' as const, task_id: null };
    const candidate = {
      ...slaCandidate(1),
      labels: { alertname: 'sla_miss', dag_id: miss.dag_id, task_id: '__dag__', run_id: miss.run_id },
    };
    const [enriched] = withDetails([candidate], sampleReport({ sla: { misses: [miss] } }));
    expect(enriched!.details).toMatchObject({ task_id: null, dag_id: 'capstone_processing_pipeline' });
    const n = {
      id: 'x:firing:e-1',
      kind: 'firing' as const,
      alert: {
        fingerprint: 'x',
        labels: candidate.labels,
        annotations: { summary: 's' },
        severity: 'warning' as const,
        state: 'firing' as const,
        since: T0.toISOString(),
        escalation_level: 1,
        ack: null,
      },
      channels: ['slack'],
      createdAt: T0.toISOString(),
      details: enriched!.details!,
    };
    expect(slackMessage(n).attachments[0]!.fields[1]).toEqual({ title: 'Task', value: 'None', short: true });
    expect(emailContent(n).subject).toBe('[SLA MISS] capstone_processing_pipeline');
  });
});
