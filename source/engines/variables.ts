// Safe reading of the Airflow Variables the reference's pipeline writes. Whatever is stored there — not JSON,
// the wrong shape, NaN, a list of 100,000 entries, a masked value — becomes a `problem` string naming the
// Variable and what to fix, never a throw; the engines then fall back to the reference's defaults.
import type { VariableRead } from '../airflow/types.js';
import { sanitizeDeep, sanitizeText } from '../text/sanitize.js';

export interface ParsedVariable {
  /** The parsed JSON, or null when the Variable is absent or unusable. */
  value: unknown | null;
  problem: string | null;
}

/** Python's json.dumps writes these bare tokens, which are not JSON; matched only outside string literals. */
const STRING_OR_NON_FINITE = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;

export function parseVariable(
  read: VariableRead | undefined,
  name: string,
  maxBytes = Number.POSITIVE_INFINITY,
): ParsedVariable {
  // Not read, or not set: the reference's `default_var` applies, which is not a problem.
  if (read === undefined || read.status === 'missing') return { value: null, problem: null };
  if (read.status === 'forbidden' || read.status === 'error') {
    return { value: null, problem: `cannot read Variable ${name}: ${sanitizeText(read.reason)}` };
  }
  const raw = read.raw;
  // String length approximates bytes; the limit only guards against parsing something absurd.
  if (raw.length > maxBytes) {
    return {
      value: null,
      problem: `Variable ${name} is ${raw.length} characters, over variables.max_bytes (${maxBytes}): not parsed; trim it at its writer or raise the limit`,
    };
  }
  if (raw.trim() === '***') {
    return {
      value: null,
      problem: `Variable ${name} comes back masked (***): Airflow masks Variables whose key looks secret; give it a key without words like "secret", "password", "token" or "key"`,
    };
  }
  try {
    return checkFinite(JSON.parse(raw), name, null);
  } catch (error) {
    const replaced = raw.replace(STRING_OR_NON_FINITE, (match) => (match.startsWith('"') ? match : 'null'));
    if (replaced !== raw) {
      try {
        const note = `Variable ${name} contains NaN or Infinity (Python's json writes them, JSON has no such numbers): those values are left out`;
        return checkFinite(JSON.parse(replaced), name, note);
      } catch {
        // Not JSON even without those tokens: report the original parse error below.
      }
    }
    const reason = sanitizeText(error instanceof Error ? error.message : String(error), { max: 200 });
    return {
      value: null,
      problem: `Variable ${name} is not JSON (${reason}): write it with json.dumps / serialize_json=True`,
    };
  }
}

/** JSON.parse turns a number like 1e400 into Infinity; those become null, with a problem. */
function checkFinite(value: unknown, name: string, note: string | null): ParsedVariable {
  let overflowed = false;
  // Nothing the reference writes nests deeper than a few levels; deeper parts are dropped (no stack overflow).
  const walk = (v: unknown, depth = 0): unknown => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      overflowed = true;
      return null;
    }
    if (depth > 64 && v !== null && typeof v === 'object') return null;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i], depth + 1);
    } else if (isRecord(v)) {
      for (const key of Object.keys(v)) v[key] = walk(v[key], depth + 1);
    }
    return v;
  };
  // Strings in a Variable (model names, error texts) reach the screen and the sinks: sanitised, and nesting bounded.
  const clean = sanitizeDeep(walk(value));
  const problem = overflowed
    ? `Variable ${name} contains a number too large to represent: those values are left out`
    : note;
  return { value: clean, problem };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python truthiness, as the reference's `if e.get("complete", False)` tests it. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** A field that holds a finite number >= 0, or is absent (then `fallback`); anything else is invalid. */
export type NumberField = { ok: true; value: number } | { ok: false; shown: string };

export function readCount(container: Record<string, unknown>, key: string, fallback: number): NumberField {
  if (!(key in container) || container[key] === undefined) return { ok: true, value: fallback };
  const v = container[key];
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return { ok: true, value: v };
  return { ok: false, shown: show(v) };
}

export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Counts invalid values per field so that 100 bad entries make one problem line, not 100.
 * `unit` names what was scanned: "recent entries", "day buckets".
 */
export class ProblemTally {
  private readonly fields = new Map<string, { count: number; example: string; consequence: string }>();

  note(field: string, example: string, consequence: string): void {
    const seen = this.fields.get(field);
    if (seen) seen.count += 1;
    else this.fields.set(field, { count: 1, example, consequence });
  }

  problems(variable: string, total: number, unit: string): string[] {
    return [...this.fields.entries()].map(
      ([field, { count, example, consequence }]) =>
        `Variable ${variable}: ${count} of ${total} ${unit} have ${field} (e.g. ${example}); ${consequence}`,
    );
  }
}

/** The last `limit` entries of a log Variable that must be a JSON list, and what was wrong with it. */
export function recentEntries(
  value: unknown,
  name: string,
  limit: number,
): { entries: Record<string, unknown>[]; scanned: number; problems: string[] } {
  if (value === null) return { entries: [], scanned: 0, problems: [] };
  if (!Array.isArray(value)) {
    return {
      entries: [],
      scanned: 0,
      problems: [`Variable ${name} should be a JSON list of objects, found ${kindOf(value)}: ignored`],
    };
  }
  const recent = value.slice(-limit);
  const entries = recent.filter(isRecord);
  const problems: string[] = [];
  const skipped = recent.length - entries.length;
  if (skipped > 0) {
    const example = recent.find((e) => !isRecord(e));
    problems.push(
      `Variable ${name}: ${skipped} of ${recent.length} recent entries are not objects (e.g. ${show(example)}); left out`,
    );
  }
  return { entries, scanned: recent.length, problems };
}

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'an object';
  return `a ${typeof value}`;
}
