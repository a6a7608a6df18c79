import { describe, expect, it } from 'vitest';
import { embeddingSimilarity } from '../../../source/engines/collector-quality.js';
import { costMetrics } from '../../../source/engines/costs.js';
import { deriveReport } from '../../../source/engines/index.js';
import { processingMetrics } from '../../../source/engines/processing.js';
import { qualityReport } from '../../../source/engines/quality.js';
import { referenceSummary } from '../../../source/engines/reference-summary.js';
import { config, NOW, snapshot, variable } from '../../helpers/snapshot.js';

// The expected figures below are what the reference's own Python (capstone_metrics_collector's
// collect_quality_metrics, _calculate_health_score, _check_metric_alerts and capstone_api_reporter's
// _determine_overall_status, run verbatim) returns for the same inputs.

const cfg = config();
const processing = (errors: Record<string, number>) =>
  processingMetrics(variable({ '2024-01-15-12': { errors } }), cfg, NOW);
/** A day of `docs` documents at `usd` each (embedding tokens at $0.0001 per 1K). */
const costs = (usdPerDoc: number, docs = 1) =>
  costMetrics(
    variable({ '2024-01-15': { embedding_tokens: Math.round(usdPerDoc * docs * 1e7), documents_processed: docs } }),
    cfg,
    NOW,
  );
const quality = (scores: Record<string, unknown> | undefined) =>
  qualityReport(scores === undefined ? {} : { capstone_quality_metrics: variable(scores) }, cfg, NOW);

describe('embedding_quality (collect_quality_metrics)', () => {
  it.each([
    // scores → avg_similarity, min_similarity, samples (null: no samples, the payloads write zeros)
    [[0.91, 0.87, 0.62, 0.95], { avg_similarity: 0.8375, min_similarity: 0.62, samples: 4 }],
    [[0.9, -0.2, 0.75], { avg_similarity: 0.48333333333333334, min_similarity: -0.2, samples: 3 }],
    [[], null],
  ])('%j → %j', (scores, expected) => {
    const q = quality({ embedding_similarity_scores: scores });
    if (expected === null) expect(q.embedding_similarity).toBeNull();
    else {
      expect(q.embedding_similarity!.avg_similarity).toBeCloseTo(expected.avg_similarity, 12);
      expect(q.embedding_similarity).toMatchObject({
        min_similarity: expected.min_similarity,
        samples: expected.samples,
      });
    }
  });

  it('is null when the Variable or the list is absent', () => {
    expect(quality(undefined).embedding_similarity).toBeNull();
    expect(quality({ extraction_confidence_scores: [0.9] }).embedding_similarity).toBeNull();
  });

  it('leaves out what is not a similarity and says so; a list that is not a list is ignored with a problem', () => {
    const q = quality({ embedding_similarity_scores: [0.9, 'x', null, 0.7, 3] });
    expect(q.embedding_similarity).toEqual({ avg_similarity: 0.8, min_similarity: 0.7, samples: 2 });
    expect(q.problems).toContain(
      'Variable capstone_quality_metrics: 3 of 5 embedding_similarity_scores are not numbers in [-1, 1] (e.g. "x"); left out',
    );
    const bad = embeddingSimilarity(
      { capstone_quality_metrics: variable({ embedding_similarity_scores: { a: 1 } }) },
      cfg,
    );
    expect(bad).toEqual({
      value: null,
      problems: [
        'Variable capstone_quality_metrics: embedding_similarity_scores should be a list of numbers, found an object: ignored',
      ],
    });
  });

  it('takes a minimum over more scores than a call takes arguments', () => {
    const scores = Array.from({ length: 200_000 }, (_, i) => (i === 123_456 ? -0.5 : 0.9));
    expect(quality({ embedding_similarity_scores: scores }).embedding_similarity).toMatchObject({
      min_similarity: -0.5,
      samples: 200_000,
    });
  });
});

describe("the reference's own summary (health score, metric alerts, overall status)", () => {
  it.each([
    // errors, confidence scores, cost per doc, documents → reference {health, alerts, overall}; airtop's health
    [{ extraction: 2, embedding: 1, storage: 0 }, [], 0, 1, 45, ['Low extraction confidence'], 'critical', 85],
    [{}, [0.9, 0.6], 0, 1, 97.5, [], 'healthy', 97.5],
    [
      { extraction: 11, embedding: 12, storage: 3 },
      [0.5, 0.6, 0.7],
      0.25,
      420,
      45,
      [
        'High extraction error rate',
        'High embedding error rate',
        'Low extraction confidence',
        'Daily cost budget exceeded',
      ],
      'critical',
      45,
    ],
    [{}, [0.85, 0.95], 0.12, 10, 98, [], 'healthy', 98],
  ] as const)(
    'errors %j, confidences %j, $%d/doc × %d → %d %j %s (airtop %d)',
    (errors, scores, cpd, docs, health, alerts, overall, airtopHealth) => {
      const q = quality({ extraction_confidence_scores: [...scores] });
      const summary = referenceSummary(processing(errors), costs(cpd, docs), q, cfg);
      expect(summary.health_score).toBeCloseTo(health, 9);
      expect(summary.alerts).toEqual(alerts);
      expect(summary.overall).toBe(overall);

      const report = deriveReport({
        snapshot: snapshot({
          variables: {
            capstone_processing_metrics: variable({ '2024-01-15-12': { errors } }),
            capstone_cost_metrics: variable({
              '2024-01-15': { embedding_tokens: Math.round(cpd * docs * 1e7), documents_processed: docs },
            }),
            capstone_quality_metrics: variable({ extraction_confidence_scores: [...scores] }),
          },
        }),
        history: [],
        config: cfg,
        now: NOW,
        stale: { stale: false, reason: null, lastSuccess: null },
      }).report;
      expect(report.summary.reference).toEqual(summary);
      expect(report.summary.health_score).toBeCloseTo(airtopHealth, 9);
    },
  );
});
