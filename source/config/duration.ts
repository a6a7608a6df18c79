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
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration: use seconds or a string like 90s, 5m, 1h30m, 2d` });
    return z.NEVER;
  }
  return seconds;
});
