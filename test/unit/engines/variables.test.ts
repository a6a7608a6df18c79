import { describe, expect, it } from 'vitest';
import { parseVariable, recentEntries, truthy } from '../../../source/engines/variables.js';
import { rawVariable, variable } from '../../helpers/snapshot.js';

describe('parseVariable', () => {
  it('treats an absent or unread Variable as the reference default, not a problem', () => {
    expect(parseVariable(undefined, 'x')).toEqual({ value: null, problem: null });
    expect(parseVariable({ status: 'missing' }, 'x')).toEqual({ value: null, problem: null });
  });

  it('names the Variable and the reason when it cannot be read', () => {
    const forbidden = parseVariable(
      { status: 'forbidden', reason: '403 from /api/v2/variables/x: needs the op role' },
      'extraction_log',
    );
    expect(forbidden.value).toBeNull();
    expect(forbidden.problem).toBe(
      'cannot read Variable extraction_log: 403 from /api/v2/variables/x: needs the op role',
    );
    expect(parseVariable({ status: 'error', reason: 'timeout' }, 'y').problem).toBe('cannot read Variable y: timeout');
  });

  it('parses JSON', () => {
    expect(parseVariable(variable({ a: [1, 2] }), 'x')).toEqual({ value: { a: [1, 2] }, problem: null });
  });

  it.each([
    ['not json', /Variable v is not JSON .*serialize_json=True/],
    ['{"a": 1', /Variable v is not JSON/],
    ['***', /Variable v comes back masked/],
  ])('%s → a problem, no throw', (raw, message) => {
    const parsed = parseVariable(rawVariable(raw), 'v');
    expect(parsed.value).toBeNull();
    expect(parsed.problem).toMatch(message);
  });

  it('reads Python json NaN / Infinity as missing values, with a problem, and leaves strings alone', () => {
    const parsed = parseVariable(rawVariable('[{"norm": NaN, "s": "NaN Infinity"}, {"norm": -Infinity}, 1]'), 'v');
    expect(parsed.value).toEqual([{ norm: null, s: 'NaN Infinity' }, { norm: null }, 1]);
    expect(parsed.problem).toMatch(/contains NaN or Infinity/);
  });

  it('turns numbers too large for a double into null, with a problem', () => {
    const parsed = parseVariable(rawVariable('{"tokens": 1e400}'), 'v');
    expect(parsed.value).toEqual({ tokens: null });
    expect(parsed.problem).toMatch(/too large/);
  });

  it('refuses a Variable over max_bytes', () => {
    const parsed = parseVariable(rawVariable(JSON.stringify('x'.repeat(2000))), 'v', 1024);
    expect(parsed.value).toBeNull();
    expect(parsed.problem).toMatch(/over variables.max_bytes \(1024\)/);
  });
});

describe('recentEntries', () => {
  it('keeps the last `limit` objects of a huge list', () => {
    const log = Array.from({ length: 100_000 }, (_, i) => ({ i }));
    const { entries, scanned, problems } = recentEntries(log, 'v', 100);
    expect(scanned).toBe(100);
    expect(entries[0]).toEqual({ i: 99_900 });
    expect(entries.at(-1)).toEqual({ i: 99_999 });
    expect(problems).toEqual([]);
  });

  it('says when the log is not a list, or has entries that are not objects', () => {
    expect(recentEntries({ a: 1 }, 'v', 100).problems).toEqual([
      'Variable v should be a JSON list of objects, found an object: ignored',
    ]);
    const mixed = recentEntries([{ a: 1 }, 'x', 3], 'v', 100);
    expect(mixed.entries).toEqual([{ a: 1 }]);
    expect(mixed.problems).toEqual(['Variable v: 2 of 3 recent entries are not objects (e.g. "x"); left out']);
  });
});

it('truthy follows Python', () => {
  expect([true, 1, 'x', [0], { a: 1 }].map(truthy)).toEqual([true, true, true, true, true]);
  expect([false, 0, '', null, undefined, [], {}].map(truthy)).toEqual([
    false,
    false,
    false,
    false,
    false,
    false,
    false,
  ]);
});
