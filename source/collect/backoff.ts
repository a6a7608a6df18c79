/**
 * How long to wait after `failures` consecutive failed polls: doubling from `minMs`, never above `capMs`,
 * with "equal jitter" (half fixed, half random) so many monitors do not retry in step yet each waits a while.
 */
export function pollRetryDelayMs(
  failures: number,
  options: { minMs: number; capMs: number; random: () => number },
): number {
  const ceiling = Math.min(options.capMs, options.minMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + options.random() * (ceiling / 2));
}
