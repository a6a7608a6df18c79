// The Variables the capstone DAGs write, read back through the REST API (as admin) and reduced to the
// reference's fields, so tests can compare them with what the conf implies.
import type { AirflowApi } from './api.js';
import type { Contributions } from './documents.js';

export interface PipelineVariables {
  extraction_log: Contributions['extraction_log'];
  llm_response_log: Contributions['llm_response_log'];
  embedding_generation_log: Contributions['embedding_generation_log'];
  extraction_confidence_scores: number[];
  embedding_similarity_scores: number[];
  processing: Record<
    string,
    { documents_processed: number; total_processing_time_ms: number; errors: Record<string, number> }
  >;
  costs: Record<string, Contributions['tokens']>;
}

type Entry = Record<string, unknown>;
const list = (value: unknown): Entry[] => (Array.isArray(value) ? (value as Entry[]) : []);

export async function readPipelineVariables(api: AirflowApi): Promise<PipelineVariables> {
  const [extraction, llm, embedding, quality, processing, costs] = await Promise.all(
    [
      'extraction_log',
      'llm_response_log',
      'embedding_generation_log',
      'capstone_quality_metrics',
      'capstone_processing_metrics',
      'capstone_cost_metrics',
    ].map((key) => api.variable(key)),
  );
  const q = (quality ?? {}) as { extraction_confidence_scores?: number[]; embedding_similarity_scores?: number[] };
  return {
    extraction_log: list(extraction).map((e) => ({
      status: e.status as string,
      text_length: e.text_length as number,
      encoding_error: e.encoding_error as boolean,
    })),
    llm_response_log: list(llm).map((e) => ({
      complete: e.complete as boolean,
      json_valid: e.json_valid as boolean,
      latency_ms: e.latency_ms as number,
    })),
    embedding_generation_log: list(embedding).map((e) => ({
      dimensions: e.dimensions as number,
      norm: e.norm as number,
    })),
    extraction_confidence_scores: q.extraction_confidence_scores ?? [],
    embedding_similarity_scores: q.embedding_similarity_scores ?? [],
    processing: (processing ?? {}) as PipelineVariables['processing'],
    costs: (costs ?? {}) as PipelineVariables['costs'],
  };
}
