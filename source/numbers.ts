// Small numeric helpers shared by the engines and the sources' window aggregation (airflow/aggregate.ts).
// Every one returns a finite number for any input, because the report promises numbers that are never NaN or Infinity.

/** The value when it is a finite number, else the fallback. */
export function finiteOr(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function clamp(value: number, low: number, high: number): number {
  if (!Number.isFinite(value)) return low;
  return Math.min(high, Math.max(low, value));
}

/** a / b, or the fallback when b is 0 or the result is not finite. */
export function safeRatio(a: number, b: number, fallback = 0): number {
  if (b === 0) return fallback;
  const r = a / b;
  return Number.isFinite(r) ? r : fallback;
}

/** Arithmetic mean; 0 for an empty list (the reference's `sum(x) / len(x) if x else 0`). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  return finiteOr(sum / values.length);
}

/** Population standard deviation, numpy's np.std default (ddof = 0). */
export function populationStd(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) ** 2;
  return finiteOr(Math.sqrt(squares / values.length));
}

/** numpy.percentile's default ('linear'): rank (n - 1) × p / 100 between the two nearest sorted values. */
export function percentileLinear(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = ((sorted.length - 1) * p) / 100;
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sorted[lower]!;
  const high = sorted[upper]!;
  return finiteOr(low + (high - low) * (rank - lower));
}

export function median(values: readonly number[]): number {
  return percentileLinear(values, 50);
}

/** Median absolute deviation from the median (unscaled). */
export function medianAbsoluteDeviation(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}
