// The quality tracker's three analyses (analyze_embedding_quality, analyze_extraction_quality,
// analyze_llm_output_quality) over the last `quality.recent_samples` entries of each log Variable.
// An entry whose field has the wrong type is left out of that one measure and counted in a problem line.
import type { Config } from '../config/schema.js';
import type { QualityComponent } from '../report/types.js';
import { mean, percentileLinear, populationStd, safeRatio } from '../numbers.js';
import { ProblemTally, readCount, recentEntries, truthy } from './variables.js';

export interface ComponentResult {
  component: QualityComponent;
  problems: string[];
}

type QualityConfig = Pick<Config, 'quality'>;

function noData(now: Date, problems: string[]): ComponentResult {
  return { component: { status: 'no_data', timestamp: now.toISOString() }, problems };
}

export function embeddingQuality(log: unknown, name: string, config: QualityConfig, now: Date): ComponentResult {
  const { entries, problems } = recentEntries(log, name, config.quality.recent_samples);
  if (entries.length === 0) return noData(now, problems);
  const tally = new ProblemTally();
  const dims: number[] = [];
  const norms: number[] = [];
  for (const e of entries) {
    const dim = readCount(e, 'dimensions', 0);
    if (dim.ok) dims.push(dim.value);
    else tally.note('dimensions that is not a number >= 0', dim.shown, 'left out of the dimensionality check');
    const norm = readCount(e, 'norm', 0);
    if (norm.ok) norms.push(norm.value);
    else tally.note('norm that is not a number >= 0', norm.shown, 'left out of the norm statistics');
  }
  const found = [...new Set(dims)].sort((a, b) => a - b);
  const expected = config.quality.expected_embedding_dimensions;
  const consistent = found.length === 1;
  // The reference declares expected 1536 but never compares it, so a model switched to 768 dimensions
  // would still score 100. airtop compares: consistent AND equal to the expected size.
  const matchesExpected = consistent && found[0] === expected;
  const average = mean(norms);
  // np.std(norms) is the population deviation (ddof = 0); the reference uses 0 for a single norm.
  const std = norms.length > 1 ? populationStd(norms) : 0;
  // Normalised embeddings have norm ~1.0; with no readable norm the reference's else-branch says unhealthy.
  const healthy = norms.length > 0 && average >= 0.9 && average <= 1.1 && std < 0.1;
  return {
    component: {
      timestamp: now.toISOString(),
      samples_analyzed: entries.length,
      dimensionality: { consistent, expected, found, matches_expected: matchesExpected },
      norms: { average, std, healthy },
      quality_score: consistent && matchesExpected && healthy ? 100 : 50,
    },
    problems: [...problems, ...tally.problems(name, entries.length, 'recent entries')],
  };
}

/** 100 − (1 − success_rate) × 40 − empty_rate × 30 − min(encoding_errors / n × 30, 30), floored at 0. */
export function extractionScore(
  successRate: number,
  emptyRate: number,
  encodingErrors: number,
  samples: number,
): number {
  let score = 100;
  score -= (1 - successRate) * 40;
  score -= emptyRate * 30;
  score -= Math.min(safeRatio(encodingErrors, samples) * 30, 30);
  return Math.max(0, score);
}

export function extractionQuality(log: unknown, name: string, config: QualityConfig, now: Date): ComponentResult {
  const { entries, problems } = recentEntries(log, name, config.quality.recent_samples);
  if (entries.length === 0) return noData(now, problems);
  const tally = new ProblemTally();
  let success = 0;
  let empty = 0;
  let encodingErrors = 0;
  const lengths: number[] = [];
  for (const e of entries) {
    if (e.status === 'success') success += 1;
    if (truthy(e.encoding_error)) encodingErrors += 1;
    const length = readCount(e, 'text_length', 0);
    if (!length.ok)
      tally.note('text_length that is not a number >= 0', length.shown, 'left out of the empty and length figures');
    else if (length.value === 0) empty += 1;
    else lengths.push(length.value);
  }
  const n = entries.length;
  const successRate = success / n;
  const emptyRate = empty / n;
  return {
    component: {
      timestamp: now.toISOString(),
      samples_analyzed: n,
      success_rate: successRate,
      empty_rate: emptyRate,
      encoding_error_count: encodingErrors,
      avg_text_length: mean(lengths),
      quality_score: extractionScore(successRate, emptyRate, encodingErrors, n),
    },
    problems: [...problems, ...tally.problems(name, n, 'recent entries')],
  };
}

export function llmQuality(log: unknown, name: string, config: QualityConfig, now: Date): ComponentResult {
  const { entries, problems } = recentEntries(log, name, config.quality.recent_samples);
  if (entries.length === 0) return noData(now, problems);
  const tally = new ProblemTally();
  let complete = 0;
  let jsonValid = 0;
  const latencies: number[] = [];
  for (const e of entries) {
    if (truthy(e.complete)) complete += 1;
    if (truthy(e.json_valid)) jsonValid += 1;
    const latency = readCount(e, 'latency_ms', 0);
    if (latency.ok) latencies.push(latency.value);
    else tally.note('latency_ms that is not a number >= 0', latency.shown, 'left out of the latency figures');
  }
  const n = entries.length;
  const completionRate = complete / n;
  const jsonSuccessRate = jsonValid / n;
  return {
    component: {
      timestamp: now.toISOString(),
      samples_analyzed: n,
      completion_rate: completionRate,
      json_success_rate: jsonSuccessRate,
      latency_ms: { avg: mean(latencies), p95: percentileLinear(latencies, 95) },
      quality_score: completionRate * 50 + jsonSuccessRate * 50,
    },
    problems: [...problems, ...tally.problems(name, n, 'recent entries')],
  };
}
