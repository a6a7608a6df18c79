import { around, rngFor } from './random.js';
import type { DemoScenario } from './scenario.js';

// The reference's Variables, in its shapes, as they would stand at `nowMs`: hourly processing buckets,
// daily cost buckets, quality score lists and the three per-document logs. Past buckets are fixed by the
// seed; the current hour and day fill up as the clock moves.

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;

const pad = (n: number) => String(n).padStart(2, '0');
export const hourKey = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${pad(d.getUTCHours())}`;
};
export const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function processingHour(seed: number, hourStart: number, fraction: number) {
  const random = rngFor(seed, 'processing', hourStart);
  const docs = Math.round(around(random, 120, 0.25));
  const types: [string, number, number][] = [
    ['pdf', 0.55, 3200],
    ['docx', 0.25, 1800],
    ['html', 0.2, 900],
  ];
  // Per type, the hour bucket's own field names: the reference initialises by_type as {} and never fills it,
  // and the engine (averageByType) reads this shape.
  const byType: Record<string, { documents_processed: number; total_processing_time_ms: number }> = {};
  let totalMs = 0;
  for (const [name, share, meanMs] of types) {
    const count = Math.floor(docs * share * fraction);
    const time = Math.round(count * around(random, meanMs, 0.2));
    byType[name] = { documents_processed: count, total_processing_time_ms: time };
    totalMs += time;
  }
  const errors = {
    extraction: Math.floor(random() * 4 * fraction),
    embedding: Math.floor(random() * 3 * fraction),
    storage: Math.floor((random() < 0.2 ? 1 : 0) * fraction),
  };
  const counted = Object.values(byType).reduce((n, t) => n + t.documents_processed, 0);
  return { documents_processed: counted, total_processing_time_ms: totalMs, by_type: byType, errors };
}

function costDay(seed: number, dayStart: number, fraction: number) {
  const random = rngFor(seed, 'cost', dayStart);
  const docs = Math.floor(around(random, 2800, 0.15) * fraction);
  return {
    embedding_tokens: Math.round(docs * around(random, 900, 0.1)),
    llm_input_tokens: Math.round(docs * around(random, 420, 0.1)),
    llm_output_tokens: Math.round(docs * around(random, 110, 0.1)),
    documents_processed: docs,
  };
}

/** One log entry per simulated minute; `count` newest up to now, oldest first (the reference appends). */
function perMinute<T>(
  seed: number,
  name: string,
  nowMs: number,
  count: number,
  make: (random: () => number, atMs: number, n: number) => T,
): T[] {
  const last = Math.floor(nowMs / MINUTE);
  const out: T[] = [];
  for (let n = last - count + 1; n <= last; n += 1) out.push(make(rngFor(seed, name, n), n * MINUTE, n));
  return out;
}

export function demoVariables(scenario: DemoScenario, nowMs: number): Record<string, string> {
  const { seed } = scenario;
  const processing: Record<string, unknown> = {};
  const thisHour = Math.floor(nowMs / HOUR) * HOUR;
  for (let h = thisHour - 47 * HOUR; h <= thisHour; h += HOUR) {
    processing[hourKey(h)] = processingHour(seed, h, h === thisHour ? (nowMs - h) / HOUR : 1);
  }
  const costs: Record<string, unknown> = {};
  const today = Math.floor(nowMs / DAY) * DAY;
  for (let d = today - 13 * DAY; d <= today; d += DAY)
    costs[dayKey(d)] = costDay(seed, d, d === today ? (nowMs - d) / DAY : 1);

  const quality = {
    embedding_similarity_scores: perMinute(seed, 'similarity', nowMs, 100, (r) =>
      Number(Math.min(1, around(r, 0.86, 0.08)).toFixed(4)),
    ),
    extraction_confidence_scores: perMinute(seed, 'confidence', nowMs, 100, (r) =>
      Number(Math.min(1, around(r, 0.83, 0.2)).toFixed(4)),
    ),
  };
  const doc = (n: number) => `doc-${n.toString(36)}`;
  const at = (ms: number) => new Date(ms).toISOString();
  const embeddingLog = perMinute(seed, 'embedding', nowMs, 150, (r, ms, n) => ({
    document_id: doc(n),
    dimensions: 1536,
    norm: Number(around(r, 1, 0.03).toFixed(5)),
    model: 'text-embedding-ada-002',
    timestamp: at(ms),
  }));
  const extractionLog = perMinute(seed, 'extraction', nowMs, 150, (r, ms, n) => {
    const failed = r() < 0.07;
    const empty = !failed && r() < 0.02;
    return {
      document_id: doc(n),
      status: failed ? 'failed' : 'success',
      text_length: failed || empty ? 0 : Math.round(around(r, 8000, 0.6)),
      encoding_error: r() < 0.03,
      timestamp: at(ms),
    };
  });
  const llmLog = perMinute(seed, 'llm', nowMs, 150, (r, ms, n) => ({
    document_id: doc(n),
    complete: r() >= 0.03,
    json_valid: r() >= 0.04,
    latency_ms: Math.round(around(r, 1800, 0.5)),
    timestamp: at(ms),
  }));
  return {
    capstone_processing_metrics: JSON.stringify(processing),
    capstone_cost_metrics: JSON.stringify(costs),
    capstone_quality_metrics: JSON.stringify(quality),
    embedding_generation_log: JSON.stringify(embeddingLog),
    extraction_log: JSON.stringify(extractionLog),
    llm_response_log: JSON.stringify(llmLog),
  };
}
