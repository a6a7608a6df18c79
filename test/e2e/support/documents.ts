// What the capstone DAGs write to Variables for a given set of runs, derived from the conf alone, by the
// rules in fixtures/airflow/dags/capstone_common.py: a task that succeeds (first try, or second for a
// "flaky" one) records its documents; a failed try of extract_text / generate_embeddings / upsert_vectors
// adds 1 to that stage's error count; a task that fails stops its run.
import type { RunConf } from './api.js';

export interface Doc {
  id: string;
  type: string;
  text_length: number;
  encoding_error: boolean;
  extraction_status: string;
  confidence: number;
  dimensions: number;
  norm: number;
  similarity: number;
  complete: boolean;
  json_valid: boolean;
  latency_ms: number;
  embedding_tokens: number;
  llm_input_tokens: number;
  llm_output_tokens: number;
  processing_time_ms: number;
}

/** A document with sensible values; `fields` sets what a test cares about. */
export function doc(id: string, fields: Partial<Doc> = {}): Doc {
  return {
    id,
    type: 'pdf',
    text_length: 1200,
    encoding_error: false,
    extraction_status: 'success',
    confidence: 0.9,
    dimensions: 1536,
    norm: 1.0,
    similarity: 0.9,
    complete: true,
    json_valid: true,
    latency_ms: 800,
    embedding_tokens: 300,
    llm_input_tokens: 1500,
    llm_output_tokens: 250,
    processing_time_ms: 1400,
    ...fields,
  };
}

export interface Contributions {
  extraction_log: { status: string; text_length: number; encoding_error: boolean }[];
  llm_response_log: { complete: boolean; json_valid: boolean; latency_ms: number }[];
  embedding_generation_log: { dimensions: number; norm: number }[];
  extraction_confidence_scores: number[];
  embedding_similarity_scores: number[];
  tokens: {
    embedding_tokens: number;
    llm_input_tokens: number;
    llm_output_tokens: number;
    documents_processed: number;
  };
  processing: {
    documents_processed: number;
    total_processing_time_ms: number;
    errors: { extraction: number; embedding: number; storage: number };
  };
}

export function noContributions(): Contributions {
  return {
    extraction_log: [],
    llm_response_log: [],
    embedding_generation_log: [],
    extraction_confidence_scores: [],
    embedding_similarity_scores: [],
    tokens: { embedding_tokens: 0, llm_input_tokens: 0, llm_output_tokens: 0, documents_processed: 0 },
    processing: {
      documents_processed: 0,
      total_processing_time_ms: 0,
      errors: { extraction: 0, embedding: 0, storage: 0 },
    },
  };
}

const TASKS: Record<string, string[]> = {
  capstone_ingestion_pipeline: ['scan_sources', 'download_documents'],
  capstone_processing_pipeline: ['extract_text', 'generate_summary', 'classify_document'],
  capstone_vector_store_pipeline: ['generate_embeddings', 'upsert_vectors'],
};
const ERROR_STAGE: Record<string, 'extraction' | 'embedding' | 'storage'> = {
  extract_text: 'extraction',
  generate_embeddings: 'embedding',
  upsert_vectors: 'storage',
};

function record(task: string, docs: Doc[], c: Contributions): void {
  const sum = (pick: (d: Doc) => number) => docs.reduce((total, d) => total + pick(d), 0);
  switch (task) {
    case 'extract_text':
      c.extraction_log.push(
        ...docs.map((d) => ({
          status: d.extraction_status,
          text_length: d.text_length,
          encoding_error: d.encoding_error,
        })),
      );
      c.extraction_confidence_scores.push(...docs.map((d) => d.confidence));
      break;
    case 'generate_summary':
      c.llm_response_log.push(
        ...docs.map((d) => ({ complete: d.complete, json_valid: d.json_valid, latency_ms: d.latency_ms })),
      );
      c.tokens.llm_input_tokens += sum((d) => d.llm_input_tokens);
      c.tokens.llm_output_tokens += sum((d) => d.llm_output_tokens);
      break;
    case 'classify_document':
      if (docs.length === 0) break;
      c.processing.documents_processed += docs.length;
      c.processing.total_processing_time_ms += sum((d) => d.processing_time_ms);
      c.tokens.documents_processed += docs.length;
      break;
    case 'generate_embeddings':
      c.embedding_generation_log.push(...docs.map((d) => ({ dimensions: d.dimensions, norm: d.norm })));
      c.tokens.embedding_tokens += sum((d) => d.embedding_tokens);
      c.embedding_similarity_scores.push(...docs.map((d) => d.similarity));
      break;
  }
}

export function contributionsOf(runs: { dagId: string; conf: RunConf }[]): Contributions {
  const c = noContributions();
  for (const { dagId, conf } of runs) {
    const docs = conf.docs ?? [];
    for (const task of TASKS[dagId] ?? []) {
      const stage = ERROR_STAGE[task];
      if (conf.fail?.includes(task)) {
        if (stage) c.processing.errors[stage] += 1;
        break;
      }
      if (conf.flaky?.includes(task) && stage) c.processing.errors[stage] += 1;
      record(task, docs, c);
    }
  }
  return c;
}
