// Alertmanager's retry policy: exponential backoff from 500 ms, ×1.5 per failure, capped at 60 s, with
// jitter so that many airtops (or many sinks) do not retry in lockstep after a shared outage.

export interface RetryPolicy {
  /** Seconds before the first retry. */
  initial: number;
  /** Seconds; no wait is longer. */
  max: number;
  factor: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initial: 0.5, max: 60, factor: 1.5 };

/** Milliseconds to wait after the `failures`-th consecutive failure (1-based). Jitter only shortens the wait, so the cap holds. */
export function backoffMs(failures: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, failures - 1);
  const base = Math.min(policy.max, policy.initial * policy.factor ** exponent) * 1000;
  return Math.round(base * (1 - 0.2 * random()));
}

/** Retry-After as seconds or an HTTP date → milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}
