import { describe, expect, it } from 'vitest';
import { appendBounded } from '../../source/state/ring.js';

describe('appendBounded', () => {
  it('keeps the newest items up to capacity without mutating the input', () => {
    const start = [1, 2, 3];
    const next = appendBounded(start, 4, 3);
    expect(next).toEqual([2, 3, 4]);
    expect(start).toEqual([1, 2, 3]);
  });
});
