// Secrets out of every text airtop stores or prints, whatever a remote echoed back. A receiver (a proxy, a
// WAF, a misconfigured endpoint) may quote the request in its error body: the webhook URL, the path alone,
// the routing key, the Authorization header. Sink errors, dead letters, log lines and the TUI's message
// line all pass through `redactSecrets` before they are kept or shown.
//
// Two layers: the secret values airtop itself read (registered when read, with the forms an echo takes:
// URL path, percent- and JSON-escaped), and patterns for credentials whatever their value (bearer tokens,
// Slack webhook paths and tokens, routing keys / api keys / passwords as JSON or query fields, URL userinfo).

export const REDACTED = '[redacted]';

/** Shorter values would mask ordinary words. */
const MIN_SECRET = 6;

const known = new Set<string>();
let ordered: string[] = [];

function add(value: string): void {
  if (value.length < MIN_SECRET || known.has(value)) return;
  known.add(value);
}

/** Remember a secret value (and the forms an echo would quote it in) so any later text is scrubbed of it. */
export function registerSecret(value: string | null | undefined): void {
  if (!value) return;
  const variants = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1), value.replace(/\//g, '\\/')];
  try {
    const url = new URL(value);
    // An echo often quotes just the request line: "POST /services/T0/B0/xyz".
    const tail = `${url.pathname}${url.search}`;
    if (tail.length >= 12) variants.push(tail, tail.replace(/\//g, '\\/'));
    const last = url.pathname.split('/').filter(Boolean).at(-1);
    if (last && last.length >= 12) variants.push(last);
    if (url.password) variants.push(decodeURIComponent(url.password));
  } catch {
    // not a URL: the value itself is the secret
  }
  for (const variant of variants) add(variant);
  // Longest first, so a URL is replaced whole before its path is.
  ordered = [...known].sort((a, b) => b.length - a.length);
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  known.clear();
  ordered = [];
}

const PATTERNS: [RegExp, string][] = [
  // Authorization: Bearer abc / Basic abc / Token abc
  [/\b(bearer)(\s+)[A-Za-z0-9._~+/=-]{6,}/gi, `$1$2${REDACTED}`],
  [/\b(authorization|x-api-key|api-key|x-auth-token)(["']?\s*[:=]\s*["']?)[^\s"',;}]+/gi, `$1$2${REDACTED}`],
  // Slack incoming webhook paths and tokens
  [/\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+/g, `/services/${REDACTED}`],
  [/\bxox[abposr]-[A-Za-z0-9-]{6,}/g, REDACTED],
  // "routing_key": "…", routing_key=…, api_key, password, secret, token fields in JSON, forms and queries
  [
    /(["']?(?:routing_?key|integration_?key|service_?key|api_?key|apikey|access_?token|token|password|passwd|secret|client_secret)["']?\s*[:=]\s*["']?)[^\s"'&,;}]{4,}/gi,
    `$1${REDACTED}`,
  ],
  // scheme://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(:[^\s/@]*)?@/gi, `$1${REDACTED}@`],
];

/** `text` without any registered secret value or anything shaped like a credential. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Every string inside a JSON-like value redacted (dead letters' reasons, log fields). */
export function redactDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1)) as T;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactDeep(v, depth + 1)]),
  ) as T;
}
