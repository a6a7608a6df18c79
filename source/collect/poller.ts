import { pollRetryDelayMs } from './backoff.js';
import { safeDelayMs } from '../safe-delay.js';

export interface PollerClock {
  now(): Date;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PollerOptions {
  intervalSeconds: number;
  /** One collection: fetch, compute, store. A rejection counts as a failed poll. */
  poll: () => Promise<void>;
  /** After a failed poll, with when the next try is due. */
  onError: (error: unknown, nextAt: Date) => void;
  /** After a successful poll, when the next one is due. */
  onScheduled?: (nextAt: Date) => void;
  clock?: PollerClock;
  /** Longest wait between failed polls; default (and at most) the interval. */
  maxBackoffSeconds?: number;
  /** First wait after a failure (default 2 s, or the interval when shorter). */
  minBackoffSeconds?: number;
  random?: () => number;
  /**
   * Added once, to the wait after the first poll: in a fleet the instances all poll at start, then drift
   * apart by this much each so that their polls do not all fall due at the same instant (fleet/live.ts).
   */
  phaseMs?: number;
}

export interface Poller {
  /** Poll now, then once per interval. */
  start(): void;
  /** Poll now; while a poll is in flight, wait for that one instead of starting another. Never rejects. */
  refreshNow(): Promise<void>;
  /** No more polls; resolves once the one in flight (if any) has finished. */
  stop(): Promise<void>;
  /** Started and not stopped. */
  readonly running: boolean;
  readonly inFlight: boolean;
}

const realClock: PollerClock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimeout(fn, safeDelayMs(ms)),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Calls a listener, keeping the loop alive whatever the listener does. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // a broken listener must not stop polling
  }
}

export function createPoller(options: PollerOptions): Poller {
  const clock = options.clock ?? realClock;
  const random = options.random ?? Math.random;
  const intervalMs = options.intervalSeconds * 1000;
  const capMs = Math.min(intervalMs, (options.maxBackoffSeconds ?? options.intervalSeconds) * 1000);
  const minMs = Math.min(capMs, (options.minBackoffSeconds ?? 2) * 1000);
  let running = false;
  let timer: unknown = null;
  let inFlight: Promise<void> | null = null;
  let failures = 0;
  let phaseMs = Math.max(0, options.phaseMs ?? 0);

  function cancelTimer(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  }

  /** Arms the next poll `delayMs` from now when running; returns when that is. */
  function scheduleIn(delayMs: number): Date {
    const nextAt = new Date(clock.now().getTime() + delayMs);
    if (running) {
      cancelTimer();
      timer = clock.setTimeout(() => {
        timer = null;
        void pollOnce();
      }, delayMs);
    }
    return nextAt;
  }

  function pollOnce(): Promise<void> {
    if (inFlight) return inFlight;
    cancelTimer();
    const startedAt = clock.now().getTime();
    inFlight = (async () => {
      try {
        await options.poll();
        failures = 0;
        // The interval counts from the start of a poll, so a slow Airflow does not stretch the cadence.
        const nextAt = scheduleIn(Math.max(0, startedAt + intervalMs + phaseMs - clock.now().getTime()));
        phaseMs = 0;
        if (running) safely(() => options.onScheduled?.(nextAt));
      } catch (error) {
        failures += 1;
        const nextAt = scheduleIn(pollRetryDelayMs(failures, { minMs, capMs, random }));
        safely(() => options.onError(error, nextAt));
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  }

  return {
    start() {
      if (running) return;
      running = true;
      void pollOnce();
    },
    refreshNow() {
      return pollOnce();
    },
    async stop() {
      running = false;
      cancelTimer();
      await inFlight;
    },
    get running() {
      return running;
    },
    get inFlight() {
      return inFlight !== null;
    },
  };
}
