import { sanitizeText } from '../../text/sanitize.js';
import type { StructuredLogLine } from './schemas.js';

// Airflow 3 returns structured log lines ({event, timestamp, level, ...}); older ones plain text. Either way
// the log view wants one text line per row.

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
      lines.push(`  File "${String(frame.filename ?? '?')}", line ${String(frame.lineno ?? '?')}, in ${String(frame.name ?? '?')}`);
    }
    lines.push(`${String(exception.exc_type ?? 'Exception')}: ${String(exception.exc_value ?? '')}`);
  }
  return lines;
}

/** `timestamp level event`, plus a Python-style traceback when the line carries error_detail. */
export function renderLogLine(line: string | StructuredLogLine): string[] {
  if (typeof line === 'string') return line.split(/\r?\n/);
  const head = [line.timestamp, line.level, line.event].filter((part) => part !== null && part !== undefined && part !== '').join(' ');
  return [head, ...tracebackLines(line.error_detail)];
}

/** The log's lines, each sanitised (escape sequences, OSC text included, removed; controls made visible). */
export function renderLogContent(content: string | (string | StructuredLogLine)[]): string[] {
  if (typeof content === 'string') {
    const lines = content.split(/\r?\n/);
    return (lines.at(-1) === '' ? lines.slice(0, -1) : lines).map((line) => sanitizeText(line));
  }
  return content.flatMap(renderLogLine).map((line) => sanitizeText(line));
}
