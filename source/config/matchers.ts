import { RE2JS } from 're2js';

/** One label matcher, as Alertmanager writes them: name, value, regex or not, negated or not. */
export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** false negates the match (!= or !~). */
  isEqual: boolean;
}

// Alertmanager's matcher syntax for routes and inhibit rules: `name="value"`, `name!="value"`,
// `name=~"regex"`, `name!~"regex"`. Values may be unquoted when they hold no spaces or commas. Regexes
// are RE2 (as in Alertmanager, so a config means the same thing in both) and anchored at both ends.
// A label that is absent reads as "".

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

export interface CompiledMatcher extends Matcher {
  test(value: string): boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export const MATCHER_HELP =
  'a matcher is label="value", label!="value", label=~"regex" or label!~"regex" (RE2, anchored)';

function unquote(raw: string): Parsed<string> {
  if (!raw.startsWith('"')) {
    if (/[\s",{}]/.test(raw))
      return { ok: false, error: `unquoted value ${JSON.stringify(raw)} holds a space, quote or brace; quote it` };
    return { ok: true, value: raw };
  }
  if (raw.length < 2 || !raw.endsWith('"')) return { ok: false, error: `value ${raw} has no closing quote` };
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'string') return { ok: true, value };
  } catch {
    // fall through to the message below
  }
  return { ok: false, error: `value ${raw} is not a valid quoted string` };
}

/** How many label values each regex matcher remembers its answer for (then it starts afresh). */
const REGEX_MEMO_SIZE = 4096;

/** Compiles a matcher; a regex that RE2 does not accept is an error naming the problem. */
export function compileMatcher(m: Matcher): Parsed<CompiledMatcher> {
  if (!LABEL_NAME.test(m.name))
    return { ok: false, error: `"${m.name}" is not a label name (letters, digits and _; not starting with a digit)` };
  let test: (value: string) => boolean;
  if (m.isRegex) {
    let re: RE2JS;
    try {
      // The bare pattern first, so an error quotes what the user wrote rather than the anchored form.
      RE2JS.compile(m.value);
      re = RE2JS.compile(`^(?:${m.value})$`);
    } catch (error) {
      return {
        ok: false,
        error: `regex ${JSON.stringify(m.value)} does not compile (RE2 syntax): ${(error as Error).message}`,
      };
    }
    // Alerts repeat a few label values (alertname, instance, severity) every poll: RE2 runs once per value.
    const seen = new Map<string, boolean>();
    test = (value) => {
      let hit = seen.get(value);
      if (hit === undefined) {
        if (seen.size >= REGEX_MEMO_SIZE) seen.clear();
        hit = re.matches(value);
        seen.set(value, hit);
      }
      return hit === m.isEqual;
    };
  } else {
    test = (value) => (value === m.value) === m.isEqual;
  }
  return { ok: true, value: { ...m, test } };
}

export function parseMatcher(text: string): Parsed<CompiledMatcher> {
  const found = MATCHER.exec(text);
  if (!found) return { ok: false, error: `${JSON.stringify(text)} is not a matcher; ${MATCHER_HELP}` };
  const [, name, op, raw] = found as unknown as [string, string, string, string];
  const value = unquote(raw);
  if (!value.ok) return value;
  return compileMatcher({
    name,
    value: value.value,
    isRegex: op === '=~' || op === '!~',
    isEqual: op === '=' || op === '=~',
  });
}

export function matchesAll(matchers: readonly CompiledMatcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((m) => m.test(labels[m.name] ?? ''));
}

/** Back to Alertmanager's text form (for amtool and messages). */
export function matcherText(m: Matcher): string {
  const op = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return `${m.name}${op}${JSON.stringify(m.value)}`;
}
