import { jsonErrorOffset } from './json-position.js';

// A trigger's conf is typed in the dialog; it is checked here before anything is sent, and a mistake is
// reported with its line and column so the person can fix it where it is.

export type ConfParse = { ok: true; conf: Record<string, unknown> | null } | { ok: false; error: string };

/** Line and column (1-based) of a character offset. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

export function parseConf(text: string): ConfParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, conf: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const offset = Math.min(jsonErrorOffset(text) ?? text.length, text.length);
    const rest = text.slice(offset, offset + 12).replace(/\s+/g, ' ');
    return {
      ok: false,
      error: `conf is not JSON at ${position(text, offset)}${rest ? `, near "${rest}"` : ', at the end'}`,
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: 'conf must be a JSON object, e.g. {"key": "value"}' };
  }
  return { ok: true, conf: value as Record<string, unknown> };
}
