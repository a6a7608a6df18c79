import { describe, expect, it } from 'vitest';
import { pollRetryDelayMs } from '../../source/collect/backoff.js';
import { createPoller, type PollerClock } from '../../source/collect/poller.js';

/** A clock whose timers fire only when the test advances it. */
function manualClock(startMs = Date.parse('2025-06-01T12:00:00Z')) {
  let now = startMs;
  let nextId = 1;
  const timers: { id: number; at: number; fn: () => void }[] = [];
  const clock: PollerClock & { advance(ms: number): Promise<void>; pending(): number; elapsed(): number } = {
    now: () => new Date(now),
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.push({ id, at: now + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      const index = timers.findIndex((t) => t.id === handle);
      if (index >= 0) timers.splice(index, 1);
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const due = timers[0];
        if (!due || due.at > target) break;
        timers.shift();
        now = due.at;
        due.fn();
        await flush();
      }
      now = target;
      await flush();
    },
    pending: () => timers.length,
    elapsed: () => now - startMs,
  };
  return clock;
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createPoller', () => {
  it('polls at once, then once per interval counted from the start of each poll', async () => {
    const clock = manualClock();
    const calls: number[] = [];
    const scheduled: number[] = [];
    const poller = createPoller({
      intervalSeconds: 10,
      clock,
      poll: async () => {
        calls.push(clock.elapsed());
      },
      onError: () => undefined,
      onScheduled: (at) => scheduled.push(at.getTime() - clock.now().getTime() + clock.elapsed()),
    });
    poller.start();
    await flush();
    expect(calls).toEqual([0]);
    expect(scheduled).toEqual([10_000]);
    await clock.advance(25_000);
    expect(calls).toEqual([0, 10_000, 20_000]);
    await poller.stop();
  });

  it('never runs two polls at once: a slow poll delays the next, and refreshNow joins the one in flight', async () => {
    const clock = manualClock();
    const gate = deferred();
    let started = 0;
    let active = 0;
    let maxActive = 0;
    const poller = createPoller({
      intervalSeconds: 10,
      clock,
      poll: async () => {
        started += 1;
        active += 1;
        maxActive = Math.max(maxActive, active);
        if (started === 1) await gate.promise;
        active -= 1;
      },
      onError: () => undefined,
    });
    poller.start();
    await clock.advance(35_000); // three intervals pass while the first poll hangs
    expect(started).toBe(1);
    expect(poller.inFlight).toBe(true);
    const joined = poller.refreshNow();
    await flush();
    expect(started).toBe(1);
    gate.resolve();
    await joined;
    expect(started).toBe(1);
    await clock.advance(0); // overdue: the next poll is due immediately
    expect(started).toBe(2);
    expect(maxActive).toBe(1);
    await poller.stop();
  });

  it('backs off exponentially after failures, up to the interval, and returns to the interval after a success', async () => {
    const clock = manualClock();
    let failing = true;
    const starts: number[] = [];
    const retryIn: number[] = [];
    const poller = createPoller({
      intervalSeconds: 20,
      clock,
      random: () => 1, // the top of the jitter range
      poll: async () => {
        starts.push(clock.elapsed());
        if (failing) throw new Error('Airflow down');
      },
      onError: (error, nextAt) => {
        expect((error as Error).message).toBe('Airflow down');
        retryIn.push(nextAt.getTime() - clock.now().getTime());
      },
    });
    poller.start();
    await flush();
    await clock.advance(2_000 + 4_000 + 8_000 + 16_000 + 20_000);
    expect(retryIn).toEqual([2_000, 4_000, 8_000, 16_000, 20_000, 20_000]);
    expect(starts).toEqual([0, 2_000, 6_000, 14_000, 30_000, 50_000]);
    failing = false;
    await clock.advance(20_000);
    await clock.advance(20_000);
    expect(starts.slice(-2)).toEqual([70_000, 90_000]);
    await poller.stop();
  });

  it('stop() waits for the poll in flight and nothing runs afterwards', async () => {
    const clock = manualClock();
    const gate = deferred();
    let calls = 0;
    const poller = createPoller({
      intervalSeconds: 5,
      clock,
      poll: () => ((calls += 1), gate.promise),
      onError: () => undefined,
    });
    poller.start();
    let stopped = false;
    const stopping = poller.stop().then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);
    expect(poller.running).toBe(false);
    gate.resolve();
    await stopping;
    expect(stopped).toBe(true);
    await clock.advance(60_000);
    expect(calls).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  it('keeps polling when a listener throws, and refreshNow before start polls once without scheduling', async () => {
    const clock = manualClock();
    let calls = 0;
    const poller = createPoller({
      intervalSeconds: 5,
      clock,
      poll: async () => {
        calls += 1;
      },
      onError: () => undefined,
      onScheduled: () => {
        throw new Error('listener bug');
      },
    });
    await poller.refreshNow();
    expect(calls).toBe(1);
    expect(clock.pending()).toBe(0);
    poller.start();
    await flush();
    await clock.advance(10_000);
    expect(calls).toBe(4);
    await poller.stop();
  });
});

describe('pollRetryDelayMs', () => {
  it('keeps at least half the ceiling and never exceeds the cap', () => {
    const policy = { minMs: 2_000, capMs: 300_000 };
    expect(pollRetryDelayMs(1, { ...policy, random: () => 0 })).toBe(1_000);
    expect(pollRetryDelayMs(3, { ...policy, random: () => 0.5 })).toBe(6_000);
    expect(pollRetryDelayMs(30, { ...policy, random: () => 1 })).toBe(300_000);
  });
});
