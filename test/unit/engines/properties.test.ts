// Invariants over arbitrary input: scores in [0, 100], rates in [0, 1], escalation monotone in lateness,
// never NaN or Infinity, never a throw — for empty, single-sample, huge and malformed input alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VariableRead } from '../../../source/airflow/types.js';
import { costMetrics } from '../../../source/engines/costs.js';
import { deriveReport, exitCodeFor } from '../../../source/engines/index.js';
import { processingMetrics } from '../../../source/engines/processing.js';
import { extractionScore } from '../../../source/engines/quality-components.js';
import { qualityReport } from '../../../source/engines/quality.js';
import { escalationLevel, slaMisses } from '../../../source/engines/sla.js';
import type { QualityReport } from '../../../source/report/types.js';
import {
  config,
  dagStats,
  nonFiniteNumbers,
  NOW,
  pool,
  rawVariable,
  run,
  snapshot,
  taskStats,
  ti,
  variable,
} from '../../helpers/snapshot.js';

const cfg = config();
const RUNS = { numRuns: 150 };

/** Any number, including the ones a broken writer produces. */
const anyNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -1, 1e308, Number.NaN, Number.POSITIVE_INFINITY),
);
/** A field value of any JSON-ish type. */
const anyField = fc.oneof(
  anyNumber,
  fc.string({ maxLength: 5 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
);
const entry = fc.record(
  {
    dimensions: fc.oneof(fc.constantFrom(1536, 768), anyField),
    norm: fc.oneof(fc.double({ min: 0, max: 2, noNaN: true }), anyField),
    status: fc.oneof(fc.constantFrom('success', 'failed'), anyField),
    text_length: fc.oneof(fc.nat(10_000), anyField),
    encoding_error: anyField,
    complete: anyField,
    json_valid: anyField,
    latency_ms: fc.oneof(fc.nat(60_000), anyField),
  },
  { requiredKeys: [] },
);
/** A stored Variable: JSON of anything, a list of log entries, or a raw string (Python NaN, truncation, garbage). */
const anyVariable: fc.Arbitrary<VariableRead> = fc.oneof(
  fc.jsonValue().map(variable),
  fc.array(fc.oneof(entry, anyField), { maxLength: 120 }).map(variable),
  fc.string().map(rawVariable),
  fc.constantFrom<VariableRead>(
    rawVariable('[{"norm": NaN}, {"norm": Infinity}]'),
    rawVariable('{"x": 1e999}'),
    { status: 'forbidden', reason: '403' },
    { status: 'missing' },
  ),
);

function expectRate(value: unknown) {
  expect(typeof value).toBe('number');
  expect(value as number).toBeGreaterThanOrEqual(0);
  expect(value as number).toBeLessThanOrEqual(1);
}

function expectQualityBounds(q: QualityReport) {
  expect(q.overall_score).toBeGreaterThanOrEqual(0);
  expect(q.overall_score).toBeLessThanOrEqual(100);
  for (const c of Object.values(q.components)) {
    if (c.status === 'no_data') continue;
    expect(c.quality_score).toBeGreaterThanOrEqual(0);
    expect(c.quality_score).toBeLessThanOrEqual(100);
    for (const key of ['success_rate', 'empty_rate', 'completion_rate', 'json_success_rate'] as const)
      if (key in c) expectRate(c[key]);
  }
  expect(nonFiniteNumbers(q)).toEqual([]);
}

describe('properties', () => {
  it('quality: any log contents give scores in [0, 100], rates in [0, 1], finite numbers, no throw', () => {
    fc.assert(
      fc.property(anyVariable, anyVariable, anyVariable, anyVariable, (emb, ext, llm, conf) => {
        const q = qualityReport(
          { embedding_generation_log: emb, extraction_log: ext, llm_response_log: llm, capstone_quality_metrics: conf },
          cfg,
          NOW,
        );
        expectQualityBounds(q);
        if (q.extraction_confidence) expectRate(q.extraction_confidence.avg_confidence);
      }),
      RUNS,
    );
  });

  it('processing and costs: any Variable gives finite numbers and problems, not a throw', () => {
    const bucket = fc.dictionary(
      fc.constantFrom('2024-01-15', '2024-01-15-12', '2024-01-14', 'x'),
      fc.dictionary(fc.string({ maxLength: 20 }), anyField),
    );
    fc.assert(
      fc.property(fc.oneof(anyVariable, bucket.map(variable)), (read) => {
        const p = processingMetrics(read, cfg, NOW);
        const c = costMetrics(read, cfg, NOW);
        expect(nonFiniteNumbers(p)).toEqual([]);
        expect(nonFiniteNumbers(c)).toEqual([]);
        expect(c.costs.total_cost_usd).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('the extraction score stays in [0, 100]', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(100),
        fc.integer({ min: 1, max: 100 }),
        (sr, er, enc, n) => {
          const score = extractionScore(sr, er, Math.min(enc, n), n);
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(100);
        },
      ),
    );
  });

  it('escalation level is monotone in lateness, for any level2 <= level3 boundaries', () => {
    fc.assert(
      fc.property(
        fc.nat(10_000),
        fc.nat(10_000),
        fc.double({ min: 0, max: 20_000, noNaN: true }),
        fc.double({ min: 0, max: 20_000, noNaN: true }),
        (b2, gap, a, b) => {
          const bounds = { level2_after: b2, level3_after: b2 + gap };
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(escalationLevel(low, bounds)).toBeLessThanOrEqual(escalationLevel(high, bounds));
        },
      ),
    );
  });

  it('SLA misses: positive lateness, level from lateness, sorted latest first, for any timings', () => {
    const minutes = fc.option(fc.integer({ min: -60, max: 60 * 30 }), { nil: null });
    const state = fc.constantFrom(
      'success',
      'failed',
      'running',
      'queued',
      'up_for_retry',
      'scheduled',
      null,
      'awaiting_input',
    );
    const task = fc.constantFrom('scan_sources', 'download_documents', 'other');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('success', 'failed', 'running', 'queued'), minutes, minutes), {
          maxLength: 4,
        }),
        fc.array(fc.tuple(fc.nat(3), task, state, minutes, minutes), { maxLength: 12 }),
        fc.boolean(),
        (runs, tis, fromTaskStart) => {
          const sla = config({ sla: { from_task_start: fromTaskStart } }).sla;
          const rs = runs.map(([s, start, end], i) => run('capstone_ingestion_pipeline', `r${i}`, s, start, end));
          const ts = tis.map(([i, t, s, start, end]) => ti('capstone_ingestion_pipeline', `r${i}`, t, s, start, end));
          const misses = slaMisses(rs, ts, sla, NOW);
          for (const [i, m] of misses.entries()) {
            expect(m.lateness_seconds).toBeGreaterThan(0);
            expect(m.escalation_level).toBe(escalationLevel(m.lateness_seconds, sla));
            if (i > 0) expect(m.lateness_seconds).toBeLessThanOrEqual(misses[i - 1]!.lateness_seconds);
          }
          expect(nonFiniteNumbers(misses)).toEqual([]);
        },
      ),
      RUNS,
    );
  });

  it('deriveReport: any counts, durations and pools give a finite report, health in [0, 100], rates in [0, 1]', () => {
    const samples = fc.array(anyNumber, { maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(50), fc.nat(50), anyNumber, anyNumber, samples), { maxLength: 3 }),
        fc.array(fc.tuple(anyNumber, anyNumber, anyNumber), { maxLength: 3 }),
        fc.array(fc.tuple(fc.integer({ min: -1, max: 64 }), fc.nat(80)), { maxLength: 3 }),
        anyVariable,
        (dags, tasks, pools, costs) => {
          const { report, candidates, point } = deriveReport({
            snapshot: snapshot({
              windowDags: dags.map(([runs, success, avg, p95], i) =>
                dagStats(`d${i}`, {
                  runs,
                  success: Math.min(success, runs),
                  avgSuccessDurationSeconds: avg,
                  p95SuccessDurationSeconds: p95,
                }),
              ),
              baselineDags: Object.fromEntries(dags.map(([, , , , b], i) => [`d${i}`, b])),
              windowTasks: tasks.map(([total, retries, avg], i) =>
                taskStats(`d0.t${i}`, { total, retries, avgDurationSeconds: avg }),
              ),
              pools: pools.map(([slots, occupied], i) => pool(`p${i}`, slots, occupied)),
              variables: { capstone_cost_metrics: costs },
            }),
            config: cfg,
            now: NOW,
            stale: { stale: false, reason: null, lastSuccess: null },
          });
          expect(nonFiniteNumbers({ report, candidates, point })).toEqual([]);
          expect(report.summary.health_score).toBeGreaterThanOrEqual(0);
          expect(report.summary.health_score).toBeLessThanOrEqual(100);
          for (const m of Object.values(report.pipeline.dags)) expectRate(m.success_rate);
          expect([0, 1, 2]).toContain(exitCodeFor(report));
          expect(report.thresholds.healthy).toBe(report.thresholds.violations.length === 0);
        },
      ),
      RUNS,
    );
  });

  it('empty, single-sample and 100,000-entry logs are all finite and bounded', () => {
    const one = {
      dimensions: 1536,
      norm: 1,
      status: 'success',
      text_length: 5,
      complete: true,
      json_valid: true,
      latency_ms: 3,
    };
    const huge = Array.from({ length: 100_000 }, (_, i) => ({ norm: i % 2, latency_ms: i, status: 'failed' }));
    for (const log of [[], [one], huge]) {
      const read = variable(log);
      expectQualityBounds(
        qualityReport({ embedding_generation_log: read, extraction_log: read, llm_response_log: read }, cfg, NOW),
      );
    }
  });
});
