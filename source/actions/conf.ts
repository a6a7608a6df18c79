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

/** V8 says "... in JSON at position 12" (Node 20) or "(line 1 column 13)" (Node 22); either becomes an offset. */
function offsetOf(message: string, text: string): number | null {
  const at = /at position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) {
    const lines = text.split('\n');
    const line = Number(lc[1]);
    return lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + Number(lc[2]) - 1;
  }
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  return null;
}

export function parseConf(text: string): ConfParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, conf: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = offsetOf(message, text);
    const where = offset === null ? '' : ` at ${position(text, Math.min(offset, text.length))}`;
    const near = offset === null ? '' : text.slice(offset, offset + 12) ? `, near "${text.slice(offset, offset + 12)}"` : ', at the end';
    return { ok: false, error: `conf is not JSON${where}${near}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: 'conf must be a JSON object, e.g. {"key": "value"}' };
  }
  return { ok: true, conf: value as Record<string, unknown> };
}
