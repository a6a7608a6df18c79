// The `/` filter: a case-insensitive substring; `re:PATTERN` or `/PATTERN/` for a regular expression;
// a leading `!` keeps what does NOT match.
//
// Regular expressions run on RE2 (re2js: linear time, the syntax Alertmanager and Prometheus use): a
// pattern such as `(\w+)+!` would make a backtracking engine freeze the screen on every poll.
import { RE2JS } from 're2js';

/** A pattern longer than this is refused (RE2 compiles it to a program proportional to its size). */
const MAX_PATTERN = 1000;

export interface TextFilter {
  /** True when nothing is filtered (empty text). */
  empty: boolean;
  test(text: string): boolean;
  /** Whether any of the texts matches (a leading ! then keeps what none of them matches). */
  testAny(texts: readonly string[]): boolean;
  /** Why a regex could not be used (it then falls back to a plain substring). */
  error: string | null;
}

const ALL: TextFilter = { empty: true, test: () => true, testAny: () => true, error: null };

export function parseFilter(raw: string): TextFilter {
  let text = raw;
  let invert = false;
  if (text.startsWith('!')) {
    invert = true;
    text = text.slice(1);
  }
  if (text === '') return invert ? { empty: false, test: () => false, testAny: () => false, error: null } : ALL;
  let pattern: string | null = null;
  if (text.startsWith('re:')) pattern = text.slice(3);
  else if (text.length >= 2 && text.startsWith('/') && text.endsWith('/')) pattern = text.slice(1, -1);
  let matches: (s: string) => boolean;
  let error: string | null = null;
  if (pattern !== null) {
    try {
      if (pattern.length > MAX_PATTERN) throw new Error(`longer than ${MAX_PATTERN} characters`);
      const re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
      matches = (s) => re.test(s);
    } catch (err) {
      error = `invalid regex ${JSON.stringify(pattern.slice(0, 80))}: ${(err as Error).message} (RE2 syntax: no lookaround or backreferences); matching it as plain text`;
      const needle = pattern.toLowerCase();
      matches = (s) => s.toLowerCase().includes(needle);
    }
  } else {
    const needle = text.toLowerCase();
    matches = (s) => s.toLowerCase().includes(needle);
  }
  const any = (texts: readonly string[]) => texts.some(matches);
  return {
    empty: false,
    test: invert ? (s) => !matches(s) : matches,
    testAny: invert ? (texts) => !any(texts) : any,
    error,
  };
}
