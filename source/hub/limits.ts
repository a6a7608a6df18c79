// A monitor must never be the thing that gets hammered: each client address gets a token bucket for
// requests (failed logins count too, which slows token guessing to the refill rate).

export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: the burst allowed after a quiet spell. */
  burst: number;
}

export interface RateLimiter {
  /** 0 when allowed (and counted), else the seconds to wait. */
  take(key: string, now?: number): number;
}

/** Distinct addresses tracked; beyond this the fullest buckets (idle clients) are forgotten first. */
const MAX_KEYS = 10_000;

export function createRateLimiter(limit: RateLimit): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, now = Date.now()) {
      const bucket = buckets.get(key) ?? { tokens: limit.burst, at: now };
      bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
      bucket.at = now;
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > MAX_KEYS) buckets.delete(buckets.keys().next().value!);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
    },
  };
}
