import { sanitizeText } from '../../text/sanitize.js';
import type { StructuredLogLine } from './schemas.js';

// Airflow 3 returns structured log lines ({event, timestamp, level, ...}); Airflow 2 a Python repr of
// (host, text) tuples, or plain text. Either way the log view wants one text line per row.

interface ErrorDetail {
  exc_type?: unknown;
  exc_value?: unknown;
  frames?: { filename?: unknown; lineno?: unknown; name?: unknown }[];
}

function tracebackLines(detail: unknown): string[] {
  if (!Array.isArray(detail)) return [];
  const lines: string[] = [];
  for (const exception of detail as ErrorDetail[]) {
    lines.push('Traceback (most recent call last):');
    for (const frame of exception.frames ?? []) {
      lines.push(
        `  File "${String(frame.filename ?? '?')}", line ${String(frame.lineno ?? '?')}, in ${String(frame.name ?? '?')}`,
      );
    }
    lines.push(`${String(exception.exc_type ?? 'Exception')}: ${String(exception.exc_value ?? '')}`);
  }
  return lines;
}

/** `timestamp level event`, plus a Python-style traceback when the line carries error_detail. */
export function renderLogLine(line: string | StructuredLogLine): string[] {
  if (typeof line === 'string') return line.split(/\r?\n/);
  const head = [line.timestamp, line.level, line.event]
    .filter((part) => part !== null && part !== undefined && part !== '')
    .join(' ');
  return [head, ...tracebackLines(line.error_detail)];
}

const PY_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

/** One Python string literal ('…' or "…") at `at`: its value and where it ends, or null. */
function pythonString(text: string, at: number): { value: string; end: number } | null {
  const quote = text[at];
  if (quote !== "'" && quote !== '"') return null;
  let value = '';
  for (let i = at + 1; i < text.length; i += 1) {
    const c = text[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c !== '\\') {
      value += c;
      continue;
    }
    const next = text[i + 1] ?? '';
    const hex = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hex > 0) {
      const code = Number.parseInt(text.slice(i + 2, i + 2 + hex), 16);
      if (Number.isNaN(code)) return null;
      value += String.fromCodePoint(code);
      i += 1 + hex;
    } else {
      value += PY_ESCAPES[next] ?? `\\${next}`;
      i += 1;
    }
  }
  return null;
}

/**
 * Airflow 2's JSON log endpoint sends `content` as the Python repr of a list of (host, text) tuples, e.g.
 * `[('worker-1', '*** Found local files…\\n[2026-…] INFO - …')]`: the texts, or null when it is not that.
 */
export function pythonLogChunks(content: string): string[] | null {
  const text = content.trim();
  if (!text.startsWith('[(') || !text.endsWith(')]')) return null;
  const chunks: string[] = [];
  let i = 1;
  for (;;) {
    if (text[i] !== '(') return null;
    const host = pythonString(text, i + 1);
    if (!host || text.slice(host.end, host.end + 2) !== ', ') return null;
    const body = pythonString(text, host.end + 2);
    if (!body || text[body.end] !== ')') return null;
    chunks.push(body.value);
    i = body.end + 1;
    if (text[i] === ']') return i === text.length - 1 ? chunks : null;
    if (text.slice(i, i + 2) !== ', ') return null;
    i += 2;
  }
}

/** The log's lines, each sanitised (escape sequences, OSC text included, removed; controls made visible). */
export function renderLogContent(content: string | (string | StructuredLogLine)[]): string[] {
  if (typeof content === 'string') {
    const chunks = pythonLogChunks(content);
    const lines = (chunks === null ? content : chunks.join('\n')).split(/\r?\n/);
    return (lines.at(-1) === '' ? lines.slice(0, -1) : lines).map((line) => sanitizeText(line));
  }
  return content.flatMap(renderLogLine).map((line) => sanitizeText(line));
}
