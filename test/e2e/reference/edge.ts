// The ML edge cases of issue 13, run through the reference's own quality tracker and metrics collector on
// Airflow 2.11 and through airtop over the same Variables: a genuine 0 score (every extraction failed, a
// confidence of 0), an empty log (no LLM responses, no similarity scores) and embeddings of another size
// (768 where the reference expects 1536). The Variables are written directly, as a pipeline would have left
// them, and put back as they were afterwards so the suite's other files see what they wrote.
import type { Report } from '../../../source/report/types.js';
import type { AirflowApi } from '../support/api.js';
import { figuresOf, type Figure } from './figures.js';

/** What each Variable holds in the edge scenario (the shapes the pipeline DAGs write, capstone_common.py). */
export const EDGE_VARIABLES: Record<string, unknown> = {
  // Every extraction failed, empty and with an encoding error: the reference's extraction score is exactly 0.
  extraction_log: [
    { status: 'failed', text_length: 0, encoding_error: true, document_id: 'edge-1' },
    { status: 'failed', text_length: 0, encoding_error: true, document_id: 'edge-2' },
  ],
  // An empty log: no LLM response at all.
  llm_response_log: [],
  // Embeddings of another size than the 1536 the reference declares, consistently, with healthy norms.
  embedding_generation_log: [
    { dimensions: 768, norm: 1.0, document_id: 'edge-1' },
    { dimensions: 768, norm: 1.0, document_id: 'edge-2' },
  ],
  // A genuine confidence of 0 beside a good one; no similarity scores (an empty list).
  capstone_quality_metrics: { extraction_confidence_scores: [0, 0.9], embedding_similarity_scores: [] },
};

async function putVariable(api: AirflowApi, key: string, value: string): Promise<void> {
  const updated = await api.request('PATCH', `${api.prefix}/variables/${key}`, { key, value });
  if (updated.status === 404) await api.ok('POST', `${api.prefix}/variables`, { key, value });
  else if (updated.status !== 200)
    throw new Error(`PATCH variable ${key}: ${updated.status} ${JSON.stringify(updated.body)}`);
}

/** Sets the edge Variables, runs `scenario`, and restores (or deletes) what they held before, whatever happens. */
export async function withEdgeVariables<T>(api: AirflowApi, scenario: () => Promise<T>): Promise<T> {
  const before = new Map<string, unknown>();
  for (const key of Object.keys(EDGE_VARIABLES)) before.set(key, await api.variable(key));
  try {
    for (const [key, value] of Object.entries(EDGE_VARIABLES)) await putVariable(api, key, JSON.stringify(value));
    return await scenario();
  } finally {
    for (const [key, value] of before) {
      if (value === undefined) await api.request('DELETE', `${api.prefix}/variables/${key}`);
      else await putVariable(api, key, JSON.stringify(value));
    }
  }
}

/** The edge figures: the quality tracker's report and the collector's quality metrics against airtop's. */
export function edgeFigures(
  quality: Record<string, unknown>,
  latestQuality: Record<string, unknown>,
  report: Report,
): Figure[] {
  const components = (quality.components ?? {}) as Record<string, unknown>;
  return [
    {
      path: 'edge.quality_report.overall_score',
      reference: quality.overall_score,
      airtop: report.quality.overall_score,
    },
    { path: 'edge.quality_report.status', reference: quality.status, airtop: report.quality.status },
    { path: 'edge.quality_report.issues', reference: quality.issues, airtop: report.quality.issues },
    {
      path: 'edge.quality_report.recommendations',
      reference: quality.recommendations,
      airtop: report.quality.recommendations,
    },
    ...(['embedding', 'extraction', 'llm'] as const).flatMap((name) =>
      figuresOf(
        `edge.quality_report.components.${name}`,
        components[name],
        report.quality.components[name],
        Object.keys((components[name] ?? {}) as object).filter((k) => k !== 'timestamp'),
      ),
    ),
    ...figuresOf(
      'edge.latest.quality.extraction_quality',
      latestQuality.extraction_quality,
      report.quality.extraction_confidence ?? {},
      ['avg_confidence', 'low_confidence_count', 'samples'],
    ),
    ...figuresOf(
      'edge.latest.quality.embedding_quality',
      latestQuality.embedding_quality,
      report.quality.embedding_similarity ?? {},
      ['avg_similarity', 'min_similarity', 'samples'],
    ),
  ];
}
