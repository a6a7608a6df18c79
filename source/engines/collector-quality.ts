// collect_quality_metrics' embedding_quality (capstone_metrics_collector): the mean, the minimum and the count
// of every embedding_similarity_scores entry the capstone_quality_metrics Variable holds. The extraction half
// of the same task lives in quality.ts (extractionConfidence), which the health score reads.
import type { Snapshot } from '../airflow/types.js';
import type { Config } from '../config/schema.js';
import type { QualityReport } from '../report/types.js';
import { mean } from '../numbers.js';
import { isRecord, kindOf, parseVariable, show } from './variables.js';

type CollectorConfig = Pick<Config, 'variables'>;
export type EmbeddingSimilarity = NonNullable<QualityReport['embedding_similarity']>;

/** What the collector reports when the list is empty or absent: zeros (its `if embedding_scores else 0`). */
export const NO_EMBEDDING_SAMPLES: EmbeddingSimilarity = { avg_similarity: 0, min_similarity: 0, samples: 0 };

/**
 * Cosine similarity lies in [-1, 1]; anything else (a string, null, 7) is left out with a problem, where the
 * reference would raise on the sum or report a nonsense mean. Like the collector, every stored score counts
 * (no recent window). No samples is null here; the reference's payloads get NO_EMBEDDING_SAMPLES.
 */
export function embeddingSimilarity(
  variables: Snapshot['variables'],
  config: CollectorConfig,
): { value: EmbeddingSimilarity | null; problems: string[] } {
  const name = config.variables.quality_metrics;
  const parsed = parseVariable(variables[name], name, config.variables.max_bytes);
  // extractionConfidence reports a Variable that cannot be read or is not an object; say it once.
  if (parsed.value === null || !isRecord(parsed.value)) return { value: null, problems: [] };
  const raw = parsed.value.embedding_similarity_scores;
  if (raw === undefined) return { value: null, problems: [] };
  if (!Array.isArray(raw)) {
    return {
      value: null,
      problems: [
        `Variable ${name}: embedding_similarity_scores should be a list of numbers, found ${kindOf(raw)}: ignored`,
      ],
    };
  }
  const valid = (s: unknown): s is number => typeof s === 'number' && Number.isFinite(s) && s >= -1 && s <= 1;
  const scores = raw.filter(valid);
  const problems: string[] = [];
  if (scores.length < raw.length) {
    const bad = raw.find((s) => !valid(s));
    problems.push(
      `Variable ${name}: ${raw.length - scores.length} of ${raw.length} embedding_similarity_scores are not numbers in [-1, 1] (e.g. ${show(bad)}); left out`,
    );
  }
  if (scores.length === 0) return { value: null, problems };
  // A loop, not Math.min(...scores): a Variable may hold more scores than the call stack takes arguments.
  let min = scores[0]!;
  for (const s of scores) if (s < min) min = s;
  return { value: { avg_similarity: mean(scores), min_similarity: min, samples: scores.length }, problems };
}
