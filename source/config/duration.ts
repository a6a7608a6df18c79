import { z } from 'zod';

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** "90s", "5m", "1h30m", "2d" or a plain number of seconds → seconds. Returns null when it is not a duration. */
export function parseDuration(text: string | number): number | null {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : null;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return null;
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * (UNIT_SECONDS[unit!] ?? 0), 0);
}

/** A zod type for durations written as "5m" or as seconds; the parsed value is seconds. */
export const durationSeconds = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const seconds = parseDuration(value);
  if (seconds === null) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a duration: use seconds or a string like 90s, 5m, 1h30m, 2d`,
    });
    return z.NEVER;
  }
  return seconds;
});

/** Timer-driven durations (poll interval, request and statement timeouts) live between these bounds. */
export const MIN_TIMER_SECONDS = 1;
export const MAX_TIMER_SECONDS = 86_400;

/**
 * A duration that drives a timer: 1 s … 1 day. Longer would overflow Node's timers (2^31 ms, ~24.8 days),
 * which then fire after 1 ms — a poll loop that floods Airflow instead of resting.
 */
export function timerDuration(what: string) {
  return durationSeconds.pipe(
    z
      .number()
      .min(MIN_TIMER_SECONDS, `${what} must be at least 1 second`)
      .max(MAX_TIMER_SECONDS, `${what} must be at most 1 day (86400 seconds, or "1d")`),
  );
}
