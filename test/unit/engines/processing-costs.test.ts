import { describe, expect, it } from 'vitest';
import { costAlerts, costMetrics } from '../../../source/engines/costs.js';
import { processingAlerts, processingMetrics, totalErrors } from '../../../source/engines/processing.js';
import { config, NOW, rawVariable, variable } from '../../helpers/snapshot.js';

const cfg = config();

describe('processingMetrics (collect_processing_metrics)', () => {
  const stored = {
    '2024-01-15-12': {
      documents_processed: 40,
      total_processing_time_ms: 100_000,
      by_type: { pdf: { documents_processed: 30, total_processing_time_ms: 90_000 }, txt: 10 },
      errors: { extraction: 11, embedding: 10, storage: 2 },
    },
    '2024-01-15-11': { documents_processed: 999 },
  };

  it('reads the current UTC hour bucket', () => {
    const r = processingMetrics(variable(stored), cfg, NOW);
    expect(r.hour_key).toBe('2024-01-15-12');
    expect(r.documents_per_hour).toBe(40);
    expect(r.avg_processing_time_ms).toBe(2500); // 100,000 ms / 40 documents
    expect(r.avg_processing_time_ms_by_type).toEqual({ pdf: 3000 }); // 90,000 / 30; txt has no time
    expect(r.metrics.errors).toEqual({ extraction: 11, embedding: 10, storage: 2 });
    expect(r.problems).toEqual([]);
  });

  it('alerts when a stage has more than stage_error_threshold (10) errors', () => {
    const r = processingMetrics(variable(stored), cfg, NOW);
    // extraction 11 > 10; embedding 10 is not > 10
    expect(processingAlerts(r, cfg)).toEqual(['High extraction error rate']);
    expect(totalErrors(r)).toBe(23); // 11 + 10 + 2
    const strict = config({ processing: { stage_error_threshold: 9 } });
    expect(processingAlerts(r, strict)).toEqual(['High extraction error rate', 'High embedding error rate']);
  });

  it('initialises an unseen hour as the reference does', () => {
    const r = processingMetrics(variable({}), cfg, NOW);
    expect(r.metrics).toEqual({
      documents_processed: 0,
      total_processing_time_ms: 0,
      by_type: {},
      errors: { extraction: 0, embedding: 0, storage: 0 },
    });
    expect(r.avg_processing_time_ms).toBe(0);
    expect(processingMetrics(undefined, cfg, NOW).problems).toEqual([]);
  });

  it.each([
    [variable([1, 2]), /should be a JSON object keyed by hour \("2024-01-15-12"\), found a list/],
    [variable({ '2024-01-15-12': 'busy' }), /hour bucket "2024-01-15-12" should be an object, found a string/],
    [
      variable({ '2024-01-15-12': { documents_processed: 'many' } }),
      /documents_processed should be a number >= 0, found "many": counted as 0/,
    ],
    [
      variable({ '2024-01-15-12': { errors: { extraction: -3 } } }),
      /errors.extraction should be a number >= 0, found -3/,
    ],
    [variable({ '2024-01-15-12': { errors: [1] } }), /errors should be an object of counts per stage/],
    [rawVariable('{'), /Variable capstone_processing_metrics is not JSON/],
  ])('malformed %o → a problem and the defaults', (read, message) => {
    const r = processingMetrics(read, cfg, NOW);
    expect(r.problems.join('\n')).toMatch(message);
    expect(r.documents_per_hour).toBe(0);
    expect(r.metrics.errors.extraction).toBe(0);
  });
});

describe('costMetrics (collect_cost_metrics)', () => {
  const today = {
    embedding_tokens: 1_000_000,
    llm_input_tokens: 200_000,
    llm_output_tokens: 50_000,
    documents_processed: 100,
  };

  it("prices today's tokens at COST_RATES per 1K", () => {
    const r = costMetrics(variable({ '2024-01-15': today, '2024-01-14': { embedding_tokens: 2000 } }), cfg, NOW);
    expect(r.day_key).toBe('2024-01-15');
    expect(r.costs.embedding_cost_usd).toBeCloseTo(0.1, 12); // 1,000,000 / 1000 × 0.0001
    expect(r.costs.llm_input_cost_usd).toBeCloseTo(0.6, 12); // 200,000 / 1000 × 0.003
    expect(r.costs.llm_output_cost_usd).toBeCloseTo(0.75, 12); // 50,000 / 1000 × 0.015
    expect(r.costs.total_cost_usd).toBeCloseTo(1.45, 12); // 0.1 + 0.6 + 0.75
    expect(r.costs.cost_per_document_usd).toBeCloseTo(0.0145, 12); // 1.45 / 100
    expect(r.costs.documents_processed).toBe(100);
    expect(r.tokens).toEqual({ embedding: 1_000_000, llm_input: 200_000, llm_output: 50_000 });
    expect(r.budget).toEqual({ daily_budget_usd: 100, used_ratio: expect.closeTo(0.0145, 12), exceeded: false }); // 1.45 / 100
    // oldest first; 2,000 / 1000 × 0.0001 = 0.0002
    expect(r.by_day.map((d) => d.day)).toEqual(['2024-01-14', '2024-01-15']);
    expect(r.by_day[0]!.total_cost_usd).toBeCloseTo(0.0002, 12);
    expect(r.problems).toEqual([]);
  });

  it("flags the daily budget when today's total is over it", () => {
    // 7,000,000 / 1000 × 0.015 = 105 > 100
    const r = costMetrics(variable({ '2024-01-15': { llm_output_tokens: 7_000_000 } }), cfg, NOW);
    expect(r.costs.total_cost_usd).toBeCloseTo(105, 9);
    expect(r.budget.exceeded).toBe(true);
    expect(r.budget.used_ratio).toBeCloseTo(1.05, 9);
    expect(r.costs.cost_per_document_usd).toBe(0); // no documents: 0, not a division by zero
    expect(costAlerts(r)).toEqual(['Daily cost budget exceeded']);
  });

  it('is zero for a day not in the Variable', () => {
    const r = costMetrics(variable({ '2024-01-14': today }), cfg, NOW);
    expect(r.costs.total_cost_usd).toBe(0);
    expect(r.tokens).toEqual({ embedding: 0, llm_input: 0, llm_output: 0 });
    expect(costAlerts(r)).toEqual([]);
  });

  it('uses configured rates and budget', () => {
    const c = config({ costs: { rates: { embedding_input: 1 }, daily_budget_usd: 0.5 } });
    const r = costMetrics(variable({ '2024-01-15': { embedding_tokens: 1000 } }), c, NOW);
    expect(r.costs.total_cost_usd).toBe(1); // 1000 / 1000 × 1
    expect(r.budget.exceeded).toBe(true);
  });

  it('reports wrong types once per field, and keys that are not days', () => {
    const r = costMetrics(
      variable({
        '2024-01-15': { embedding_tokens: 'lots', llm_input_tokens: -1 },
        '2024-01-14': { embedding_tokens: 'more' },
        notes: 'x',
      }),
      cfg,
      NOW,
    );
    expect(r.problems).toEqual([
      'Variable capstone_cost_metrics: 2 of 2 day buckets have embedding_tokens that is not a number >= 0 (e.g. "2024-01-15": "lots"); counted as 0',
      'Variable capstone_cost_metrics: 1 of 2 day buckets have llm_input_tokens that is not a number >= 0 (e.g. "2024-01-15": -1); counted as 0',
      'Variable capstone_cost_metrics: 1 key is not a day (YYYY-MM-DD), e.g. "notes": ignored',
    ]);
    expect(r.costs.total_cost_usd).toBe(0);
  });

  it('says when the Variable is not an object', () => {
    expect(costMetrics(variable([today]), cfg, NOW).problems).toEqual([
      'Variable capstone_cost_metrics should be a JSON object keyed by day ("2024-01-15"), found a list: ignored',
    ]);
  });
});
