// What the global setup provides to every e2e test file, and the paths tests share.
import { existsSync, mkdtempSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import type { AirflowUser } from '../airflow/harness.js';

export interface HarnessInfo {
  /** 3: /api/v2 with JWT, dag_run.run_after; 2: Airflow 2.11, /api/v1 with HTTP Basic, dag_run.execution_date. */
  major: 2 | 3;
  url: string;
  dbUrl: string;
  home: string;
  users: { admin: AirflowUser; op: AirflowUser; viewer: AirflowUser };
  env: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    airflow: HarnessInfo;
    /** A directory the global setup removes after the suite. */
    scratch: string;
  }
}

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const HARNESS_DIR = join(REPO, 'test', 'e2e', 'airflow');

/** The built CLI under test; AIRTOP_CLI points elsewhere (e.g. a private build) when set. */
export function cliPath(): string {
  const path = resolve(process.env.AIRTOP_CLI ?? join(REPO, 'dist', 'cli.js'));
  if (!existsSync(path)) throw new Error(`${path} does not exist: run \`npm run build\` first (npm run test:e2e does)`);
  return path;
}

export function harness(): HarnessInfo {
  return inject('airflow');
}

/** The REST prefix of the harness Airflow: /api/v2 (Airflow 3) or /api/v1 (Airflow 2). */
export function apiPrefix(): '/api/v2' | '/api/v1' {
  return harness().major === 2 ? '/api/v1' : '/api/v2';
}

/** A fresh directory for one test's files, removed with the suite's scratch dir. */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(inject('scratch'), `${prefix}-`));
}

export const CAPSTONE = {
  capstone_ingestion_pipeline: ['scan_sources', 'download_documents'],
  capstone_processing_pipeline: ['extract_text', 'generate_summary', 'classify_document'],
  capstone_vector_store_pipeline: ['generate_embeddings', 'upsert_vectors'],
} as const;
export type CapstoneDag = keyof typeof CAPSTONE;
export const CAPSTONE_DAGS = Object.keys(CAPSTONE) as CapstoneDag[];
