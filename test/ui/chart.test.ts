import { describe, expect, it } from 'vitest';
import { chartLines } from '../../source/ui/panes/chart.js';

const money = (v: number) => `$${v.toFixed(2)}`;

describe('cost chart lines', () => {
  it('a single point is labelled with its value, not the rounded row ($1.38, not $1.00)', () => {
    const lines = chartLines([1.38], 40, 8, money);
    expect(lines.join('\n')).toContain('$1.38');
    expect(lines.join('\n')).not.toContain('$1.00');
  });

  it('a flat series says its one value', () => {
    expect(chartLines([0.07, 0.07, 0.07], 40, 8, money).join('\n')).toContain('$0.07');
  });

  it('a rising series spans its low and high values', () => {
    const text = chartLines([1, 2, 3, 4], 40, 5, money).join('\n');
    expect(text).toContain('$4.00');
    expect(text).toContain('$1.00');
  });
});
