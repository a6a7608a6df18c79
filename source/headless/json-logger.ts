// The headless daemon's log: one JSON object per line on stderr, {ts, level, msg, ...fields}, for
// journald, Docker or a log shipper. Fields whose names say they hold a secret are redacted, and so is
// anything that looks like credentials in a URL.

import { redactSecrets } from '../text/redact.js';
import { sanitizeText, terminalSafeJson } from '../text/sanitize.js';
import type { LogFn, LogLevel } from '../log.js';

export type { LogFn, LogLevel };

/** Callable as `log('info', msg, fields)` or through `log.info(msg, fields)`. */
export interface Logger extends LogFn {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const SECRET_KEY = /pass(word)?|secret|token|api_?key|routing_?key|authorization|webhook|cookie|credential/i;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(:[^\s/@]*)?@/gi;
const REDACTED = '[redacted]';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function redactValue(key: string, value: unknown, depth = 0): unknown {
  if (SECRET_KEY.test(key)) return REDACTED;
  // Strings may quote Airflow or a receiver: no escape sequence, no secret it echoed (text/*.ts).
  if (typeof value === 'string')
    return redactSecrets(sanitizeText(value, { multiline: true })).replace(URL_CREDENTIALS, `$1${REDACTED}@`);
  if (value instanceof Error) return { name: value.name, message: redactValue('message', value.message) };
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue('', v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(k, v, depth + 1)]));
}

export function jsonLogger(
  stream: { write(chunk: string): unknown } = process.stderr,
  options: { level?: LogLevel; clock?: () => Date } = {},
): Logger {
  const min = ORDER[options.level ?? 'info'];
  const clock = options.clock ?? (() => new Date());
  const write = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[level] < min) return;
    const line: Record<string, unknown> = { ts: clock().toISOString(), level, msg: redactValue('msg', msg) };
    const safe = redactValue('', fields) as Record<string, unknown>;
    // A field named ts, level or msg cannot overwrite the line's own.
    for (const [key, value] of Object.entries(safe)) if (!(key in line)) line[key] = value;
    stream.write(`${terminalSafeJson(JSON.stringify(line))}\n`);
  };
  const log: LogFn = (level, msg, fields) => write(level, msg, fields);
  return Object.assign(log, {
    debug: (msg: string, fields?: Record<string, unknown>) => write('debug', msg, fields),
    info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
    warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
    error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
  });
}
