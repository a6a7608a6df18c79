// Node's timers take a signed 32-bit millisecond count: a longer (or NaN) delay fires after 1 ms with a
// TimeoutOverflowWarning. Every computed delay goes through here so a bad value waits long, never short.

/** The largest delay setTimeout honours (~24.8 days). */
export const MAX_DELAY_MS = 2 ** 31 - 1;

export function safeDelayMs(ms: number): number {
  if (Number.isNaN(ms)) return MAX_DELAY_MS;
  return Math.min(MAX_DELAY_MS, Math.max(0, ms));
}
