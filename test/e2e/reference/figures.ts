// Figure-by-figure comparison of what the reference's own DAGs computed with what airtop reported, and the
// documented differences (fixtures/reference/differences.yaml) that are the only disagreements allowed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from '../support/context.js';

export interface Difference {
  /** A figure path; `*` matches within one segment (e.g. tasks.task_stats.capstone_monitoring/*). */
  figure: string;
  reason: string;
}

export interface Figure {
  path: string;
  reference: unknown;
  airtop: unknown;
}

export interface Verdict {
  agree: Figure[];
  documented: { figure: Figure; difference: Difference }[];
  undocumented: Figure[];
}

export const DIFFERENCES_FILE = join(REPO, 'fixtures', 'reference', 'differences.yaml');

export function loadDifferences(file = DIFFERENCES_FILE): Difference[] {
  const parsed = parse(readFileSync(file, 'utf8')) as { differences?: unknown };
  const list = parsed?.differences;
  if (!Array.isArray(list)) throw new Error(`${file}: expected a top-level "differences:" list`);
  return list.map((entry, index) => {
    const { figure, reason } = (entry ?? {}) as Partial<Difference>;
    if (typeof figure !== 'string' || typeof reason !== 'string' || reason.trim() === '') {
      throw new Error(`${file}: entry ${index + 1} needs a figure and a reason`);
    }
    return { figure, reason: reason.trim() };
  });
}

/** Segment by segment; `*` inside a segment matches any run of characters but a dot. */
export function matches(pattern: string, path: string): boolean {
  const p = pattern.split('.');
  const s = path.split('.');
  const segment = (glob: string) =>
    new RegExp(
      `^${glob
        .split('*')
        .map((part) => part.replace(/[\\^$+?()[\]{}|/]/g, '\\$&'))
        .join('[^.]*')}$`,
    );
  return p.length === s.length && p.every((part, i) => segment(part).test(s[i]!));
}

/** Durations are end − start: microseconds in the reference, milliseconds through the REST API. */
const DURATION_TOLERANCE_S = 0.002;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function same(path: string, a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    const tolerance = /duration|_seconds$/.test(path) ? DURATION_TOLERANCE_S : 1e-9 * Math.max(1, Math.abs(a));
    return Math.abs(a - b) <= tolerance;
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(path, x, b[i]));
  // Objects of figures (e.g. latency_ms {avg, p95}) compare member by member, with the numbers' tolerance:
  // numpy's percentile and airtop's differ in the last bit (1124.9999999999998 against 1125).
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && same(`${path}.${k}`, a[k], b[k]));
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

export function judge(figures: Figure[], differences: Difference[]): Verdict {
  const verdict: Verdict = { agree: [], documented: [], undocumented: [] };
  for (const figure of figures) {
    if (same(figure.path, figure.reference, figure.airtop)) {
      verdict.agree.push(figure);
      continue;
    }
    const difference = differences.find((d) => matches(d.figure, figure.path));
    if (difference) verdict.documented.push({ figure, difference });
    else verdict.undocumented.push(figure);
  }
  return verdict;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/** One figure per key in either object (a key only one side has compares with undefined). */
export function figuresOf(prefix: string, reference: unknown, airtop: unknown, keys?: string[]): Figure[] {
  const r = obj(reference);
  const a = obj(airtop);
  const names = keys ?? [...new Set([...Object.keys(r), ...Object.keys(a)])].sort();
  return names.map((key) => ({ path: `${prefix}.${key}`, reference: r[key], airtop: a[key] }));
}

/** Nested maps (dag → figures, task → figures...): one figure per inner key the reference computes. */
export function nestedFigures(prefix: string, reference: unknown, airtop: unknown): Figure[] {
  const r = obj(reference);
  const a = obj(airtop);
  const outer = [...new Set([...Object.keys(r), ...Object.keys(a)])].sort();
  return outer.flatMap((name) => {
    // Task keys are dag.task: a path segment keeps them whole as dag/task.
    const segment = name.replace(/\./g, '/');
    if (!(name in r)) return [{ path: `${prefix}.${segment}`, reference: undefined, airtop: 'reported' }];
    if (!(name in a)) return [{ path: `${prefix}.${segment}`, reference: 'computed', airtop: undefined }];
    return figuresOf(
      `${prefix}.${segment}`,
      r[name],
      a[name],
      Object.keys(obj(r[name])).filter((k) => k !== 'timestamp'),
    );
  });
}

/** Threshold findings as a set: one figure per finding either side reports, its value when both do. */
export function findingFigures(prefix: string, reference: unknown, airtop: unknown): Figure[] {
  const keyed = (list: unknown) =>
    new Map(
      (Array.isArray(list) ? list : []).map(
        (f: Json) =>
          [`${String(f.type)}:${String(f.dag_id ?? f.pool ?? f.task ?? '').replace(/\./g, '/')}`, f] as const,
      ),
    );
  const r = keyed(reference);
  const a = keyed(airtop);
  return [...new Set([...r.keys(), ...a.keys()])].sort().map((key) => ({
    path: `${prefix}.${key}`,
    reference: r.has(key) ? Number(r.get(key)!.value) : undefined,
    airtop: a.has(key) ? Number(a.get(key)!.value) : undefined,
  }));
}
