// One sanitiser for every piece of outside text (Airflow records, error bodies, task logs, Variables, sink
// answers) before it can reach a terminal or a log line. Pure: no ink, no I/O.
//
// Escape sequences are removed whole (CSI, OSC with its text, DCS/SOS/PM/APC with their payloads, 7- and
// 8-bit forms), so a DAG id cannot clear the screen, retitle the window or smuggle a hyperlink. Any other
// control character, bidi override/isolate and invisible (zero-width) character is made visible as `\u{XX}`
// text: a person can still see that something odd was there, and ids that differ only by one stay distinct.

/** Longest text kept from one outside string; the rest is cut with an ellipsis (a poll must not carry megabytes of id). */
export const MAX_TEXT = 4096;

// ESC [ params intermediates final; also 8-bit CSI (U+009B).
const CSI = /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?/g;
// OSC ... (BEL | ST), DCS/SOS/PM/APC ... ST; unterminated ones run to the end of the string (a terminal would swallow it too).
const STRING_SEQ = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)/g;
// Any other ESC + one character (ESC 7, ESC c = full reset, ESC ( B ...).
const ESC_OTHER = /\x1b[\x20-\x2f]*[\x30-\x7e]?/g;
// C0 except tab and newline, DEL, C1; bidi embeddings/overrides/isolates and marks; zero-width and other
// invisible formatting characters; line/paragraph separators; the BOM; interlinear annotations.
const VISIBLE =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\ufff9-\ufffb]/g;
// Lone surrogates break UTF-8 output (and some terminals).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const FAST_SAFE = /^[\x20-\x7e]*$/;

function visible(char: string): string {
  return `\\u{${char.codePointAt(0)!.toString(16).toUpperCase().padStart(2, '0')}}`;
}

export interface SanitizeOptions {
  /** Keep `\n` (multi-line text such as a traceback); default false: a newline becomes visible. */
  multiline?: boolean;
  /** Cut after this many characters (default MAX_TEXT). */
  max?: number;
}

/** Outside text made safe for a terminal and a one-line log. */
export function sanitizeText(text: string, options: SanitizeOptions = {}): string {
  const max = options.max ?? MAX_TEXT;
  // Bound the work before the regexes run: a 64 MiB id costs nothing but the slice.
  let out = text.length > max * 2 + 64 ? text.slice(0, max * 2 + 64) : text;
  if (FAST_SAFE.test(out)) return out.length > max ? `${out.slice(0, max)}…` : out;
  out = out.replace(STRING_SEQ, '').replace(CSI, '').replace(ESC_OTHER, '').replace(LONE_SURROGATE, '\ufffd');
  out = out.replace(VISIBLE, visible);
  out = out.replace(/\t/g, ' ');
  if (!options.multiline) out = out.replace(/\r?\n/g, '\\n');
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

/** True when the text holds nothing `sanitizeText` would change (used by tests and assertions). */
export function isTerminalSafe(text: string): boolean {
  return !/[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\ufff9-\ufffb]/.test(
    text,
  );
}

const MAX_DEPTH = 64;

/**
 * Every string (and object key) inside a parsed JSON value sanitised; other values kept. Deeper than
 * MAX_DEPTH levels the value is replaced by null: nothing airtop reads is nested that deep.
 */
export function sanitizeDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return sanitizeText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return null as T;
  if (Array.isArray(value)) return value.map((item) => sanitizeDeep(item, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[sanitizeText(key)] = sanitizeDeep(item, depth + 1);
  }
  return out as T;
}

// JSON.stringify escapes C0 but writes C1, bidi and invisible characters raw; a terminal tailing the log
// would act on them. Escaped as \uXXXX the line is still the same JSON value.
const JSON_UNSAFE =
  /[\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\ufff9-\ufffb\ud800-\udfff]/g;

/** JSON text with every character a terminal might act on written as a \u escape; parses to the same value. */
export function terminalSafeJson(json: string): string {
  return json.replace(JSON_UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
