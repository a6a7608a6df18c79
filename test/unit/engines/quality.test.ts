import { describe, expect, it } from 'vitest';
import type { VariableRead } from '../../../source/airflow/types.js';
import { extractionScore } from '../../../source/engines/quality-components.js';
import {
  extractionConfidence,
  qualityReport,
  qualityStatus,
  recommendationsFor,
} from '../../../source/engines/quality.js';
import { config, NOW, rawVariable, variable } from '../../helpers/snapshot.js';

const cfg = config();
const quality = (vars: Record<string, VariableRead>) => qualityReport(vars, cfg, NOW);
const embeddings = (entries: unknown[]) =>
  quality({ embedding_generation_log: variable(entries) }).components.embedding;

describe('embedding quality (analyze_embedding_quality)', () => {
  it('scores 100 for consistent expected dimensions and healthy norms', () => {
    const c = embeddings([0.9, 1.0, 1.1].map((norm) => ({ dimensions: 1536, norm })));
    expect(c).toMatchObject({
      samples_analyzed: 3,
      dimensionality: { consistent: true, expected: 1536, found: [1536], matches_expected: true },
      // mean 1.0; population std sqrt(0.02 / 3) = 0.0816 < 0.1 → healthy (ddof = 1 would be 0.1, unhealthy)
      norms: { average: expect.closeTo(1.0, 12), std: expect.closeTo(0.0816497, 6), healthy: true },
      quality_score: 100,
    });
  });

  it.each([
    // consistent but not the expected 1536: the reference would say 100; airtop compares → 50
    [
      [
        { dimensions: 768, norm: 1 },
        { dimensions: 768, norm: 1 },
      ],
      50,
    ],
    [
      [
        { dimensions: 1536, norm: 1 },
        { dimensions: 768, norm: 1 },
      ],
      50,
    ], // inconsistent
    [
      [
        { dimensions: 1536, norm: 0.5 },
        { dimensions: 1536, norm: 0.5 },
      ],
      50,
    ], // average 0.5 < 0.9
    [
      [
        { dimensions: 1536, norm: 0.8 },
        { dimensions: 1536, norm: 1.2 },
      ],
      50,
    ], // average 1.0 but std 0.2 >= 0.1
    [[{ dimensions: 1536, norm: 1.0 }], 100], // one sample: std 0
    [[{ dimensions: 1536, norm: 0.9 }], 100], // 0.9 <= average: inclusive
    [[{ dimensions: 1536, norm: 1.1 }], 100], // average <= 1.1: inclusive
    [[{ dimensions: 1536, norm: 1.11 }], 50],
    [[{ dimensions: 1536 }], 50], // norm defaults to 0 (e.get("norm", 0)) → unhealthy
  ])('%j → %d', (entries, score) => {
    expect(embeddings(entries).quality_score).toBe(score);
  });

  it('follows expected_embedding_dimensions', () => {
    const c = qualityReport(
      { embedding_generation_log: variable([{ dimensions: 768, norm: 1 }]) },
      config({ quality: { expected_embedding_dimensions: 768 } }),
      NOW,
    );
    expect(c.components.embedding.quality_score).toBe(100);
  });
});

describe('extraction quality (analyze_extraction_quality)', () => {
  const log = [
    ...[100, 200, 300, 400, 500, 600, 700, 800].map((text_length) => ({ status: 'success', text_length })),
    { status: 'failed', text_length: 0, encoding_error: true },
    { status: 'failed' },
  ];

  it('computes rates and the score by the reference formula', () => {
    const r = quality({ extraction_log: variable(log) });
    expect(r.components.extraction).toMatchObject({
      samples_analyzed: 10,
      success_rate: 0.8, // 8 / 10
      empty_rate: 0.2, // text_length 0 and a missing one (default 0): 2 / 10
      encoding_error_count: 1,
      avg_text_length: 450, // (100 + ... + 800) / 8
      // 100 − (1 − 0.8) × 40 − 0.2 × 30 − min(1 / 10 × 30, 30) = 100 − 8 − 6 − 3
      quality_score: expect.closeTo(83, 10),
    });
  });

  it.each([
    [1, 0, 0, 10, 100],
    [0.5, 0, 0, 10, 80], // 100 − 0.5 × 40
    [1, 0.5, 0, 10, 85], // 100 − 0.5 × 30
    [1, 0, 5, 10, 85], // 100 − min(5 / 10 × 30, 30)
    [0, 1, 10, 10, 0], // 100 − 40 − 30 − 30
  ])('extractionScore(sr %d, empty %d, enc %d / %d) = %d', (sr, empty, enc, n, score) => {
    expect(extractionScore(sr, empty, enc, n)).toBeCloseTo(score, 10);
  });
});

describe('LLM quality (analyze_llm_output_quality)', () => {
  const log = Array.from({ length: 20 }, (_, i) => ({
    complete: i !== 0,
    json_valid: i > 1,
    latency_ms: (i + 1) * 100,
  }));

  it('computes completion, JSON success, latency and the score', () => {
    expect(quality({ llm_response_log: variable(log) }).components.llm).toMatchObject({
      samples_analyzed: 20,
      completion_rate: 0.95, // 19 / 20
      json_success_rate: 0.9, // 18 / 20
      // avg = 100 × (1 + ... + 20) / 20 = 1050; p95 rank 19 × 0.95 = 18.05 → 1900 + 100 × 0.05
      latency_ms: { avg: 1050, p95: expect.closeTo(1905, 9) },
      quality_score: expect.closeTo(92.5, 10), // 0.95 × 50 + 0.9 × 50
    });
  });

  it('leaves negative or string latencies out and says so', () => {
    const r = quality({
      llm_response_log: variable([
        { complete: true, json_valid: true, latency_ms: -5 },
        { complete: true, json_valid: true, latency_ms: 'fast' },
        { complete: true, json_valid: true, latency_ms: 100 },
      ]),
    });
    expect(r.components.llm).toMatchObject({ completion_rate: 1, latency_ms: { avg: 100, p95: 100 } });
    expect(r.problems).toEqual([
      'Variable llm_response_log: 2 of 3 recent entries have latency_ms that is not a number >= 0 (e.g. -5); left out of the latency figures',
    ]);
  });

  it('analyses only the last recent_samples entries of a 100,000-entry log', () => {
    // ~1.8 MB, under variables.max_bytes (5,000,000)
    const huge = Array.from({ length: 100_000 }, (_, i) => ({ complete: i >= 99_900 }));
    const r = quality({ llm_response_log: variable(huge) });
    expect(r.problems).toEqual([]);
    expect(r.components.llm).toMatchObject({ samples_analyzed: 100, completion_rate: 1 });
  });
});

describe('the quality report (generate_quality_report)', () => {
  const good = {
    embedding_generation_log: variable([{ dimensions: 1536, norm: 1 }]),
    extraction_log: variable([{ status: 'success', text_length: 10 }]),
    llm_response_log: variable(Array.from({ length: 20 }, (_, i) => ({ complete: i !== 0, json_valid: i > 1 }))),
  };

  it('averages the components with data, lists issues and recommendations', () => {
    const r = quality(good);
    expect(r.overall_score).toBeCloseTo((100 + 100 + 92.5) / 3, 10); // 97.5
    expect(r.status).toBe('healthy');
    // completion 0.95 < 0.98
    expect(r.issues).toEqual(['Incomplete LLM responses detected']);
    expect(r.recommendations).toEqual([
      'Review prompt templates for clarity',
      'Consider increasing max_tokens parameter',
    ]);
  });

  it('counts a genuine score of 0 (the reference drops it as "no data")', () => {
    const r = quality({ ...good, llm_response_log: variable([{ complete: false, json_valid: false }]) });
    expect(r.components.llm.quality_score).toBe(0);
    expect(r.overall_score).toBeCloseTo((100 + 100 + 0) / 3, 10); // reference: (100 + 100) / 2 = 100
    expect(r.status).toBe('degraded'); // 66.7
  });

  it('leaves components without data out of the mean', () => {
    const r = quality({ extraction_log: good.extraction_log });
    expect(r.overall_score).toBe(100);
    expect(r.components.embedding).toEqual({ status: 'no_data', timestamp: NOW.toISOString() });
    expect(r.components.llm).toEqual({ status: 'no_data', timestamp: NOW.toISOString() });
  });

  it('is no_data with score 0 when nothing has data', () => {
    const r = quality({ embedding_generation_log: variable([]) });
    expect(r).toMatchObject({ overall_score: 0, status: 'no_data', issues: [], recommendations: [], problems: [] });
  });

  it.each([
    [80, 'healthy'],
    [79.99, 'degraded'],
    [60, 'degraded'],
    [59.99, 'critical'],
    [0, 'critical'],
  ])('status of %d is %s', (score, status) => {
    expect(qualityStatus(score, true)).toBe(status);
  });

  it('recommends per issue word, as _generate_recommendations', () => {
    expect(
      recommendationsFor([
        'Embedding quality below threshold',
        'High extraction failure rate',
        'Incomplete LLM responses detected',
      ]),
    ).toEqual([
      'Review embedding model configuration',
      'Check for input text preprocessing issues',
      'Review document parser configuration',
      'Check for unsupported document formats',
      'Review prompt templates for clarity',
      'Consider increasing max_tokens parameter',
    ]);
  });

  it('raises the embedding and extraction issues by their thresholds', () => {
    const r = quality({
      embedding_generation_log: variable([{ dimensions: 3, norm: 1 }]), // 50 < 80
      extraction_log: variable(
        Array.from({ length: 20 }, (_, i) => ({ status: i === 0 ? 'failed' : 'success', text_length: 5 })),
      ), // 0.95 is not < 0.95
    });
    expect(r.issues).toEqual(['Embedding quality below threshold']);
  });

  it.each([
    [
      { embedding_generation_log: variable({ dims: 1536 }) },
      'Variable embedding_generation_log should be a JSON list of objects, found an object: ignored',
    ],
    [{ extraction_log: rawVariable('[{"status": "success",') }, 'Variable extraction_log is not JSON'],
    [
      { llm_response_log: { status: 'forbidden' as const, reason: '403: the op role is needed' } },
      'cannot read Variable llm_response_log: 403: the op role is needed',
    ],
    [
      { llm_response_log: variable(['a', 'b']) },
      'Variable llm_response_log: 2 of 2 recent entries are not objects (e.g. "a"); left out',
    ],
  ])('malformed logs → problems and no data, not a crash (%#)', (vars, problem) => {
    const r = quality(vars as Record<string, VariableRead>);
    expect(r.problems.join('\n')).toContain(problem);
    expect(r.status).toBe('no_data');
  });
});

describe('extractionConfidence (collect_quality_metrics)', () => {
  const read = (value: unknown) => extractionConfidence({ capstone_quality_metrics: variable(value) }, cfg);

  it('averages every score and counts those below low_confidence_threshold (0.7)', () => {
    // (0.9 + 0.6 + 0.75 + 0.5) / 4 = 0.6875; below 0.7: 0.6 and 0.5
    expect(read({ extraction_confidence_scores: [0.9, 0.6, 0.75, 0.5] }).value).toEqual({
      avg_confidence: expect.closeTo(0.6875, 12),
      low_confidence_count: 2,
      samples: 4,
    });
  });

  it('is null without samples (unknown, not 0)', () => {
    expect(read({ extraction_confidence_scores: [] })).toEqual({ value: null, problems: [] });
    expect(read({})).toEqual({ value: null, problems: [] });
    expect(extractionConfidence({}, cfg)).toEqual({ value: null, problems: [] });
  });

  it('leaves out scores that are not numbers in [0, 1]', () => {
    const r = read({ extraction_confidence_scores: [0.8, 'high', 7, 0.6] });
    expect(r.value).toEqual({ avg_confidence: expect.closeTo(0.7, 12), low_confidence_count: 1, samples: 2 });
    expect(r.problems).toEqual([
      'Variable capstone_quality_metrics: 2 of 4 extraction_confidence_scores are not numbers in [0, 1] (e.g. "high"); left out',
    ]);
    expect(read({ extraction_confidence_scores: 'x' }).problems[0]).toMatch(
      /should be a list of numbers, found a string/,
    );
    expect(read([1]).problems[0]).toMatch(/should be a JSON object, found a list/);
  });
});
