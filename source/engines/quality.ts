// generate_quality_report and _generate_recommendations, plus the metrics collector's extraction confidence
// (collect_quality_metrics), which the health score reads.
import type { Snapshot } from '../airflow/types.js';
import type { Config } from '../config/schema.js';
import type { QualityComponent, QualityReport } from '../report/types.js';
import { mean } from '../numbers.js';
import { embeddingSimilarity } from './collector-quality.js';
import { embeddingQuality, extractionQuality, llmQuality } from './quality-components.js';
import { isRecord, kindOf, parseVariable, show } from './variables.js';

type QualityConfig = Pick<Config, 'quality' | 'variables' | 'processing'>;

export function qualityStatus(score: number, hasData: boolean): QualityReport['status'] {
  if (!hasData) return 'no_data';
  return score >= 80 ? 'healthy' : score >= 60 ? 'degraded' : 'critical';
}

/** The reference's checks, each reading its component with the same defaults (a no-data component raises none). */
export function qualityIssues(components: QualityReport['components']): string[] {
  const issues: string[] = [];
  if (numberOr(components.embedding.quality_score, 100) < 80) issues.push('Embedding quality below threshold');
  if (numberOr(components.extraction.success_rate, 1) < 0.95) issues.push('High extraction failure rate');
  if (numberOr(components.llm.completion_rate, 1) < 0.98) issues.push('Incomplete LLM responses detected');
  return issues;
}

/** _generate_recommendations, word for word. */
export function recommendationsFor(issues: readonly string[]): string[] {
  const recommendations: string[] = [];
  for (const issue of issues) {
    const text = issue.toLowerCase();
    if (text.includes('embedding')) {
      recommendations.push('Review embedding model configuration', 'Check for input text preprocessing issues');
    } else if (text.includes('extraction')) {
      recommendations.push('Review document parser configuration', 'Check for unsupported document formats');
    } else if (text.includes('llm')) {
      recommendations.push('Review prompt templates for clarity', 'Consider increasing max_tokens parameter');
    }
  }
  return recommendations;
}

/**
 * The mean of the scores of the components that have data. The reference filters `s > 0`, which treats a
 * genuine score of 0 (every extraction failed) as "no data" and reports a better overall score than the truth;
 * here a component counts when it has data, whatever its score.
 */
export function overallQualityScore(components: QualityComponent[]): { score: number; hasData: boolean } {
  const scores = components
    .filter((c) => c.status !== 'no_data' && typeof c.quality_score === 'number')
    .map((c) => c.quality_score as number);
  return { score: mean(scores), hasData: scores.length > 0 };
}

export function extractionConfidence(
  variables: Snapshot['variables'],
  config: QualityConfig,
): { value: QualityReport['extraction_confidence']; problems: string[] } {
  const name = config.variables.quality_metrics;
  const parsed = parseVariable(variables[name], name, config.variables.max_bytes);
  const problems = parsed.problem ? [parsed.problem] : [];
  if (parsed.value === null) return { value: null, problems };
  if (!isRecord(parsed.value)) {
    problems.push(`Variable ${name} should be a JSON object, found ${kindOf(parsed.value)}: ignored`);
    return { value: null, problems };
  }
  const raw = parsed.value.extraction_confidence_scores;
  if (raw === undefined) return { value: null, problems };
  if (!Array.isArray(raw)) {
    problems.push(
      `Variable ${name}: extraction_confidence_scores should be a list of numbers, found ${kindOf(raw)}: ignored`,
    );
    return { value: null, problems };
  }
  // The collector averages every score it has ever stored (no recent window), so this does too.
  const scores = raw.filter((s): s is number => typeof s === 'number' && Number.isFinite(s) && s >= 0 && s <= 1);
  if (scores.length < raw.length) {
    const bad = raw.find((s) => !(typeof s === 'number' && s >= 0 && s <= 1));
    problems.push(
      `Variable ${name}: ${raw.length - scores.length} of ${raw.length} extraction_confidence_scores are not numbers in [0, 1] (e.g. ${show(bad)}); left out`,
    );
  }
  // No samples is "unknown", not a confidence of 0 (see health.ts).
  if (scores.length === 0) return { value: null, problems };
  const threshold = config.processing.low_confidence_threshold;
  return {
    value: {
      avg_confidence: mean(scores),
      low_confidence_count: scores.filter((s) => s < threshold).length,
      samples: scores.length,
    },
    problems,
  };
}

export function qualityReport(variables: Snapshot['variables'], config: QualityConfig, now: Date): QualityReport {
  const v = config.variables;
  const log = (name: string) => parseVariable(variables[name], name, v.max_bytes);
  const embeddingLog = log(v.embedding_log);
  const extractionLog = log(v.extraction_log);
  const llmLog = log(v.llm_log);
  const embedding = embeddingQuality(embeddingLog.value, v.embedding_log, config, now);
  const extraction = extractionQuality(extractionLog.value, v.extraction_log, config, now);
  const llm = llmQuality(llmLog.value, v.llm_log, config, now);
  const confidence = extractionConfidence(variables, config);
  const similarity = embeddingSimilarity(variables, config);

  const components = { embedding: embedding.component, extraction: extraction.component, llm: llm.component };
  const overall = overallQualityScore([embedding.component, extraction.component, llm.component]);
  const issues = qualityIssues(components);
  const readProblems = [embeddingLog, extractionLog, llmLog].flatMap((p) => (p.problem ? [p.problem] : []));
  return {
    timestamp: now.toISOString(),
    overall_score: overall.score,
    status: qualityStatus(overall.score, overall.hasData),
    components,
    extraction_confidence: confidence.value,
    embedding_similarity: similarity.value,
    issues,
    recommendations: recommendationsFor(issues),
    problems: [
      ...readProblems,
      ...embedding.problems,
      ...extraction.problems,
      ...llm.problems,
      ...confidence.problems,
      ...similarity.problems,
    ],
  };
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
