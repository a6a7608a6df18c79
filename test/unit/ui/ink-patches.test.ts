import {
  ansiCodesToString,
  diffAnsiCodes,
  styledCharsFromTokens,
  styledCharsToString,
  tokenize,
  type StyledChar,
} from '@alcalzone/ansi-tokenize';
import { Chalk } from 'chalk';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// airtop carries two small patches (patches/, applied by patch-package at npm install) that make Ink's frames
// cheaper: styled characters of one run share their styles array, and a string is built without diffing
// two characters whose styles are the same array. The frame must read exactly as before, byte for byte:
// this checks the patched functions against the original algorithm on random styled text. Ink's caches
// (its own and the patch's) are bounded, so a TUI left open for days does not grow with every text drawn.

const chalk = new Chalk({ level: 3 });
const STYLES = ['bold', 'dim', 'italic', 'underline', 'inverse', 'red', 'green', 'yellow', 'cyan', 'gray'] as const;
const BACKGROUNDS = ['bgRed', 'bgBlue', 'bgGreen'] as const;

/** Upstream's styledCharsToString: a diff of the styles between every two characters. */
function original(chars: StyledChar[]): string {
  let out = '';
  chars.forEach((char, i) => {
    out += ansiCodesToString(i === 0 ? char.styles : diffAnsiCodes(chars[i - 1]!.styles, char.styles));
    out += char.value;
    if (i === chars.length - 1) out += ansiCodesToString(diffAnsiCodes(char.styles, []));
  });
  return out;
}

const segment = fc.record({
  text: fc.stringMatching(/^[a-z █▁│✖…0-9]{0,12}$/),
  styles: fc.subarray([...STYLES]),
  background: fc.option(fc.constantFrom(...BACKGROUNDS), { nil: undefined }),
  nested: fc.boolean(),
});

function styled(parts: fc.RecordValue<typeof segment>[]): string {
  return parts
    .map(({ text, styles, background, nested }) => {
      let paint = styles.reduce((c, s) => c[s], chalk);
      if (background) paint = paint[background];
      // Nested colours reset and re-open inside a run, as chalk does for a styled word in a styled line.
      return nested && text.length > 2
        ? paint(`${text.slice(0, 1)}${chalk.magenta(text.slice(1, 2))}${text.slice(2)}`)
        : paint(text);
    })
    .join('');
}

interface Cache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  current: Map<string, V>;
  previous: Map<string, V>;
}
/** The patch's bounded cache, from Ink's build folder (Ink's package exports only its entry point). */
async function generationalCache(): Promise<new <V>(limit: number) => Cache<V>> {
  const inkMain = createRequire(import.meta.url).resolve('ink');
  const url = pathToFileURL(join(dirname(inkMain), 'generational-cache.js')).href;
  return ((await import(url)) as { default: new <V>(limit: number) => Cache<V> }).default;
}

describe('the Ink patches (patches/)', () => {
  it("Ink's caches hold at most twice their limit and keep what was used lately", async () => {
    const Generational = await generationalCache();
    const cache = new Generational<number>(3);
    for (let i = 0; i < 1000; i++) cache.set(`text ${i}`, i);
    expect(cache.current.size + cache.previous.size).toBeLessThanOrEqual(6);
    expect(cache.get('text 999')).toBe(999);
    expect(cache.get('text 0')).toBeUndefined();
    // Used in the last generation: it moves to the current one and outlives the ones not used since.
    const kept = new Generational<number>(3);
    ['a', 'b', 'c'].forEach((k, i) => kept.set(k, i));
    kept.set('d', 3);
    expect(kept.get('a')).toBe(0);
    kept.set('e', 4);
    kept.set('f', 5);
    expect(kept.get('a')).toBe(0);
    expect(kept.get('b')).toBeUndefined();
  });

  it('one run of characters shares one styles array; a new style makes a new one', () => {
    const chars = styledCharsFromTokens(tokenize(`${chalk.red('ab')}c${chalk.bold.red('de')}`));
    expect(chars.map((c) => c.value).join('')).toBe('abcde');
    expect(chars[0]!.styles).toBe(chars[1]!.styles);
    expect(chars[2]!.styles).not.toBe(chars[1]!.styles);
    expect(chars[2]!.styles).toEqual([]);
    expect(chars[3]!.styles).toBe(chars[4]!.styles);
    expect(chars[3]!.styles).toHaveLength(2);
  });

  it('a styled line reads byte for byte as upstream makes it', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 12 }), (parts) => {
        const chars = styledCharsFromTokens(tokenize(styled(parts)));
        expect(styledCharsToString(chars)).toBe(original(chars));
      }),
      { numRuns: 500 },
    );
  });

  it('a row put together from cells of several lines (as Ink composes a frame) reads as upstream makes it', () => {
    fc.assert(
      fc.property(fc.array(fc.array(segment, { maxLength: 6 }), { minLength: 1, maxLength: 6 }), (lines) => {
        // Cells taken from several separately tokenized lines, interleaved, as columns and borders are.
        const row = lines.flatMap((parts) => styledCharsFromTokens(tokenize(styled(parts))));
        expect(styledCharsToString(row)).toBe(original(row));
      }),
      { numRuns: 300 },
    );
  });
});
