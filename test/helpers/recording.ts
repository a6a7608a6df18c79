import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hash32 } from '../../source/demo/random.js';

// One recorded Airflow exchange per file (fixtures/airflow/recorded/README.md):
// { method, path, query (params sorted by key), status, body, request? }.

export interface Recording {
  method: string;
  path: string;
  query: string;
  status: number;
  body: unknown;
  /** The JSON body of a POST, when recorded: tells apart several calls to the same batch endpoint. */
  request?: unknown;
  /** Where it was loaded from, for messages. */
  file?: string;
  /** A body that is not JSON (Airflow 2's HTML 404 page): `body` is its text, sent with this content type. */
  contentType?: string;
}

/** Query parameters sorted by key (then value), percent-encoding normalised: the form recordings are matched on. */
export function normaliseQuery(query: string | URLSearchParams): string {
  const params = [...new URLSearchParams(query).entries()].sort(
    ([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y),
  );
  return new URLSearchParams(params).toString();
}

/** Each path segment decoded, so `%3A` and `:` record the same run id. */
export function normalisePath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}

export function recordingFileName(recording: Pick<Recording, 'method' | 'path' | 'query' | 'request'>): string {
  const slug = normalisePath(recording.path)
    .replace(/^\//, '')
    .replace(/~/g, 'all')
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .slice(0, 120);
  const digest = hash32(recording.query, JSON.stringify(recording.request ?? null))
    .toString(16)
    .padStart(8, '0');
  return `${recording.method}_${slug}_${digest}.json`;
}

/** Every *.json recording in `dir` (none when the directory is missing). Throws naming a file that is not a recording. */
export function loadRecordings(dir: string): Recording[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    const file = join(dir, name);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Recording> & { request_body?: unknown };
    if (
      typeof parsed.method !== 'string' ||
      typeof parsed.path !== 'string' ||
      typeof parsed.status !== 'number' ||
      !('body' in parsed)
    ) {
      throw new Error(
        `${file} is not a recording: it needs method, path, query, status and body (see fixtures/airflow/recorded/README.md)`,
      );
    }
    // `request_body` is accepted as an older spelling of `request`.
    const request = parsed.request ?? parsed.request_body;
    const contentType = (parsed as { content_type?: unknown }).content_type;
    return {
      method: parsed.method.toUpperCase(),
      path: parsed.path,
      query: normaliseQuery(parsed.query ?? ''),
      status: parsed.status,
      body: parsed.body,
      request,
      file,
      ...(typeof contentType === 'string' ? { contentType } : {}),
    };
  });
}
