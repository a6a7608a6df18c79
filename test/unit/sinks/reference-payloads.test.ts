import { describe, expect, it } from 'vitest';
import type { Notification } from '../../../source/alerts/types.js';
import { emailContent } from '../../../source/sinks/email.js';
import { reportToRegistry } from '../../../source/sinks/metrics-registry.js';
import { thresholdValue } from '../../../source/sinks/notification-fields.js';
import { dashboardStatus, latestMetrics } from '../../../source/sinks/reference-shapes.js';
import { slackMessage } from '../../../source/sinks/slack.js';
import { thresholdNotification } from './notification-fixture.js';
import { derivedReport } from '../../helpers/report.js';
import { sampleReport, sampleSnapshot, T0 } from './report-fixture.js';

// What airtop writes under the reference's names carries the reference's keys and values.

/** sampleSnapshot without the capstone_quality_metrics Variable: no confidence or similarity samples. */
function noSamplesReport() {
  const { capstone_quality_metrics: _dropped, ...variables } = sampleSnapshot().variables;
  return derivedReport({ ...sampleSnapshot(), variables });
}

describe('capstone_latest_metrics and the dashboard status', () => {
  it("quality is collect_quality_metrics' dict: embedding_quality, then extraction_quality", () => {
    const latest = latestMetrics(sampleReport());
    expect(Object.keys(latest.quality)).toEqual(['timestamp', 'embedding_quality', 'extraction_quality']);
    expect(latest.quality.embedding_quality).toEqual({ avg_similarity: 0.86, min_similarity: 0.61, samples: 10 });
    const dashboard = dashboardStatus(sampleReport(), [], 'p', T0);
    expect(dashboard.metrics.quality.embedding_quality).toEqual({
      avg_similarity: 0.86,
      min_similarity: 0.61,
      samples: 10,
    });
  });

  it("with no scores both halves are the collector's zeros", () => {
    expect(latestMetrics(noSamplesReport()).quality).toEqual({
      timestamp: T0.toISOString(),
      embedding_quality: { avg_similarity: 0, min_similarity: 0, samples: 0 },
      extraction_quality: { avg_confidence: 0, low_confidence_count: 0, samples: 0 },
    });
  });

  it.each([
    // report → Variable summary (the reference's two keys), dashboard status, airtop_summary
    [
      'samples, one threshold violation',
      sampleReport(),
      { health_score: 95, alerts: [] },
      'healthy',
      {
        health_score: 95,
        alerts: [
          'capstone_ingestion_pipeline: success rate 85.0% below 90.0%',
          'pool default_pool: utilization 84.4% above 80.0%',
        ],
        overall: 'critical',
      },
    ],
    [
      'no confidence samples',
      noSamplesReport(),
      // The reference reads no samples as a confidence of 0: 100 − 5 (one extraction error) − 40 = 55, warning.
      { health_score: 55, alerts: ['Low extraction confidence'] },
      'warning',
      {
        health_score: 95,
        alerts: [
          'capstone_ingestion_pipeline: success rate 85.0% below 90.0%',
          'pool default_pool: utilization 84.4% above 80.0%',
        ],
        overall: 'critical',
      },
    ],
  ] as const)(
    "%s: summary is the reference's, airtop's verdict is airtop_summary",
    (_name, report, summary, overall, airtop) => {
      const latest = latestMetrics(report);
      expect(Object.keys(latest)).toEqual(['timestamp', 'processing', 'costs', 'quality', 'summary', 'airtop_summary']);
      expect(latest.summary).toEqual(summary);
      expect(latest.airtop_summary).toEqual(airtop);
      const status = dashboardStatus(report, [], 'capstone-document-processor', T0);
      expect(status.status).toEqual({ overall, ...summary });
      expect(status.airtop_summary).toEqual(airtop);
    },
  );
});

describe("Pushgateway lines under the reference's names", () => {
  it.each([
    [
      'samples',
      sampleReport(),
      [
        'capstone_health_score{pipeline="document-processor"} 95',
        'capstone_extraction_confidence 0.82',
        'capstone_extraction_confidence_samples 10',
      ],
    ],
    [
      "no samples: confidence 0 and the reference's health score",
      noSamplesReport(),
      [
        'capstone_health_score{pipeline="document-processor"} 55',
        'airtop_health_score{pipeline="document-processor"} 95',
        'capstone_extraction_confidence 0',
        'capstone_extraction_confidence_samples 0',
      ],
    ],
  ] as const)('%s', async (_name, report, lines) => {
    const text = await reportToRegistry(report).metrics();
    for (const line of lines) expect(text.split('\n')).toContain(line);
  });
});

function durationNotification(): Notification {
  const base = thresholdNotification();
  return {
    ...base,
    alert: {
      ...base.alert,
      labels: { alertname: 'avg_duration_increase', dag_id: 'capstone_processing_pipeline', severity: 'warning' },
      severity: 'warning',
    },
    details: {
      type: 'avg_duration_increase',
      severity: 'warning',
      value: 1449.951,
      threshold: 637.955,
      dag_id: 'capstone_processing_pipeline',
    },
  };
}

describe("a finding's value and threshold in the metric's unit", () => {
  it.each([
    ['success_rate_critical (ratio)', thresholdNotification(), 'Value: 85.00%, Threshold: 90.00%'],
    ['avg_duration_increase (seconds)', durationNotification(), 'Value: 1449.95s, Threshold: 637.96s'],
  ])('%s', (_name, n, expected) => {
    expect(thresholdValue(n)).toBe(expected);
    expect(JSON.stringify(slackMessage(n))).toContain(expected);
    expect(emailContent(n).html).toContain(expected);
  });
});
