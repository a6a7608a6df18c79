import { describe, expect, it } from 'vitest';
import {
  mean,
  median,
  medianAbsoluteDeviation,
  percentileLinear,
  populationStd,
  safeRatio,
} from '../../../source/numbers.js';
import { dayKey, formatTimedelta, hourKey } from '../../../source/engines/time.js';

describe('numeric helpers (numpy semantics)', () => {
  it.each([
    // rank = (5 - 1) × 0.95 = 3.8 → 4 + (5 - 4) × 0.8 = 4.8 (numpy.percentile([1..5], 95))
    [[1, 2, 3, 4, 5], 95, 4.8],
    // rank = 9 × 0.95 = 8.55 → 900 + 100 × 0.55 = 955; unsorted input is sorted first
    [[1000, 100, 200, 300, 400, 500, 600, 700, 800, 900], 95, 955],
    // a single value is every percentile
    [[42], 95, 42],
    [[], 95, 0],
  ])('percentileLinear(%j, %d) = %d', (values, p, expected) => {
    expect(percentileLinear(values, p)).toBeCloseTo(expected, 10);
  });

  it('populationStd uses ddof = 0 like np.std', () => {
    // mean 1.0; squares 0.01 + 0 + 0.01 = 0.02; / 3 = 0.00667; sqrt = 0.0816497 (ddof = 1 would give 0.1)
    expect(populationStd([0.9, 1.0, 1.1])).toBeCloseTo(0.0816497, 6);
    expect(populationStd([])).toBe(0);
  });

  it('median and MAD', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    // median 3; |x - 3| = [2, 1, 0, 1, 97] → median 1
    expect(medianAbsoluteDeviation([1, 2, 3, 4, 100])).toBe(1);
  });

  it('mean and safeRatio never give NaN or Infinity', () => {
    expect(mean([])).toBe(0);
    expect(mean([1, 2])).toBe(1.5);
    expect(safeRatio(1, 0)).toBe(0);
    expect(safeRatio(Number.MAX_VALUE, 1e-300)).toBe(0);
  });
});

describe('Python time formats', () => {
  it.each([
    [750, '0:12:30'],
    [0, '0:00:00'],
    [36_000, '10:00:00'],
    // 86,400 + 2 × 3,600 + 3 × 60 + 4 = 93,784
    [93_784, '1 day, 2:03:04'],
    [172_800, '2 days, 0:00:00'],
    [1.5, '0:00:01.500000'],
    // str(timedelta(seconds=-1)) floors the days
    [-1, '-1 day, 23:59:59'],
  ])('str(timedelta(seconds=%d)) = %s', (seconds, text) => {
    expect(formatTimedelta(seconds)).toBe(text);
  });

  it('hour and day keys are UTC strftime', () => {
    const t = new Date('2024-01-05T23:30:00-05:00'); // 2024-01-06 04:30 UTC
    expect(hourKey(t)).toBe('2024-01-06-04');
    expect(dayKey(t)).toBe('2024-01-06');
  });
});
