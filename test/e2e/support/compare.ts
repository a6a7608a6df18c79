// Comparison helpers that name what differs: a failing e2e assertion should say which figure of which DAG.
import { expect } from 'vitest';

/** Durations come from REST (microseconds, parsed to milliseconds) and SQL (microseconds): 10 ms apart at most. */
export const SECONDS_TOLERANCE = 0.01;

export function expectClose(actual: unknown, expected: number, what: string, tolerance = 1e-9): void {
  expect(typeof actual, `${what} should be a number`).toBe('number');
  expect(
    Math.abs((actual as number) - expected),
    `${what}: airtop ${String(actual)}, expected ${expected}`,
  ).toBeLessThanOrEqual(tolerance);
}

/** Every key of `expected`: numbers within `tolerances[key] ?? 1e-9`, anything else equal. */
export function expectFigures(
  actual: Record<string, unknown> | undefined,
  expected: Record<string, unknown>,
  what: string,
  tolerances: Record<string, number> = {},
): void {
  expect(actual, `${what} is missing from the report`).toBeDefined();
  for (const [key, value] of Object.entries(expected)) {
    if (typeof value === 'number') expectClose(actual![key], value, `${what}.${key}`, tolerances[key] ?? 1e-9);
    else if (value === null) expect(actual![key], `${what}.${key}`).toBeNull();
    else expect(actual![key], `${what}.${key}`).toEqual(value);
  }
}

export const sortedKeys = (o: object | undefined) => Object.keys(o ?? {}).sort();
