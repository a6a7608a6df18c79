import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutbox, type OutboxOptions } from '../../../source/sinks/outbox.js';
import type { DeliveryResult, Sink } from '../../../source/sinks/types.js';
import type { DeadLetter, SinkStatus } from '../../../source/sinks/status.js';

let dir: string;
let now: number;
const clock = () => new Date(now);

/** A sink that records what it got and answers from a script (default: ok). */
function scriptedSink(name: string, options: { mode?: 'queue' | 'latest'; minIntervalMs?: number } = {}) {
  const received: unknown[] = [];
  const script: (DeliveryResult | 'throw')[] = [];
  const sink: Sink & { received: unknown[]; script: typeof script } = {
    name,
    mode: options.mode ?? 'queue',
    minIntervalMs: options.minIntervalMs,
    received,
    script,
    async deliver(payload) {
      const next = script.shift() ?? { ok: true };
      if (next === 'throw') throw new Error('boom');
      if (next.ok) received.push(payload);
      return next;
    },
    describe: (payload) => `payload ${JSON.stringify(payload)}`,
  };
  return sink;
}

const down = (reason = 'connection refused'): DeliveryResult => ({ ok: false, permanent: false, reason });
const items = (sink: string, ...ids: string[]) => ids.map((id) => ({ id, sink, payload: id }));

function outbox(sinks: Sink[], extra: Partial<OutboxOptions> = {}) {
  return createOutbox({
    stateDir: dir,
    sinks,
    retry: { initial: 0.5, max: 60, factor: 1.5 },
    clock,
    random: () => 0,
    ...extra,
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'airtop-outbox-'));
  now = Date.parse('2024-06-01T12:00:00Z');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('outbox', () => {
  it('writes items to disk before any send', () => {
    const sink = scriptedSink('slack');
    outbox([sink]).enqueue(items('slack', 'a', 'b'));
    expect(sink.received).toEqual([]);
    const reopened = outbox([scriptedSink('slack')]);
    expect(reopened.queued('slack').map((i) => i.id)).toEqual(['a', 'b']);
  });

  it('delivers in order after an outage, each exactly once, with exponential backoff', async () => {
    const sink = scriptedSink('pagerduty');
    sink.script.push(down(), down(), down());
    const box = outbox([sink]);
    box.enqueue(items('pagerduty', '1', '2', '3'));
    await box.deliverDue(); // failure 1 → wait 500 ms
    await box.deliverDue();
    expect(sink.received).toEqual([]);
    now += 499;
    await box.deliverDue();
    expect(sink.script).toHaveLength(2); // not retried before the backoff
    now += 1;
    await box.deliverDue(); // failure 2 → wait 750 ms
    now += 749;
    await box.deliverDue();
    expect(sink.script).toHaveLength(1);
    now += 1;
    await box.deliverDue(); // failure 3 → 1125 ms
    box.enqueue(items('pagerduty', '4'));
    now += 1125;
    await box.deliverDue();
    expect(sink.received).toEqual(['1', '2', '3', '4']);
    await box.deliverDue();
    expect(sink.received).toHaveLength(4);
    expect(box.status()[0]).toMatchObject({
      queueDepth: 0,
      lastError: 'connection refused',
      lastSuccessAt: new Date(now).toISOString(),
    });
  });

  it('caps the backoff at retry.max', async () => {
    const sink = scriptedSink('email');
    for (let i = 0; i < 30; i++) sink.script.push(down());
    const box = outbox([sink], { retry: { initial: 0.5, max: 2, factor: 1.5 } });
    box.enqueue(items('email', 'x'));
    for (let i = 0; i < 10; i++) {
      await box.deliverDue();
      now += 2000;
    }
    const failuresSoFar = 30 - sink.script.length;
    expect(failuresSoFar).toBe(10); // one attempt per 2 s once capped
  });

  it('honours Retry-After on 429', async () => {
    const sink = scriptedSink('slack');
    sink.script.push({ ok: false, permanent: false, reason: 'slack: HTTP 429 rate_limited', retryAfterMs: 5000 });
    const box = outbox([sink]);
    box.enqueue(items('slack', 'a'));
    await box.deliverDue();
    now += 4999;
    await box.deliverDue();
    expect(sink.received).toEqual([]);
    now += 1;
    await box.deliverDue();
    expect(sink.received).toEqual(['a']);
  });

  it('rate-limits a sink to one send per minIntervalMs', async () => {
    const sink = scriptedSink('slack', { minIntervalMs: 1000 });
    const box = outbox([sink]);
    box.enqueue(items('slack', 'a', 'b', 'c'));
    await box.deliverDue();
    expect(sink.received).toEqual(['a']);
    now += 999;
    await box.deliverDue();
    expect(sink.received).toEqual(['a']);
    now += 1;
    await box.deliverDue();
    now += 1000;
    await box.deliverDue();
    expect(sink.received).toEqual(['a', 'b', 'c']);
  });

  it('dead-letters a permanent refusal with its reason, persists it, and goes on with the next item', async () => {
    const sink = scriptedSink('slack');
    sink.script.push({ ok: false, permanent: true, reason: 'slack: HTTP 400 invalid_payload' });
    const letters: DeadLetter[][] = [];
    const box = outbox([sink], { onDeadLetters: (d) => letters.push(d) });
    box.enqueue(items('slack', 'bad', 'good'));
    await box.deliverDue();
    expect(sink.received).toEqual(['good']);
    expect(letters.at(-1)).toEqual([
      {
        id: 'bad',
        sink: 'slack',
        reason: 'slack: HTTP 400 invalid_payload',
        at: new Date(now).toISOString(),
        summary: 'payload "bad"',
      },
    ]);
    const reopened = outbox([scriptedSink('slack')]);
    expect(reopened.deadLetters().map((d) => d.id)).toEqual(['bad']);
    expect(reopened.status()[0]).toMatchObject({ deadLetters: 1, queueDepth: 0 });
    expect(reopened.retryDeadLetters()).toBe(1);
    expect(reopened.queued('slack').map((i) => i.id)).toEqual(['bad']);
  });

  it('never accepts an id twice: not while queued, not after delivery', async () => {
    const sink = scriptedSink('email');
    const box = outbox([sink]);
    expect(box.enqueue(items('email', 'a', 'a'))).toEqual(['a']);
    expect(box.enqueue(items('email', 'a'))).toEqual([]);
    await box.deliverDue();
    expect(outbox([sink]).enqueue(items('email', 'a'))).toEqual([]);
    expect(sink.received).toEqual(['a']);
  });

  it('concurrent deliverDue calls do not send an item twice', async () => {
    const sink = scriptedSink('email');
    const box = outbox([sink]);
    box.enqueue(items('email', 'a', 'b'));
    await Promise.all([box.deliverDue(), box.deliverDue(), box.deliverDue()]);
    expect(sink.received).toEqual(['a', 'b']);
  });

  it('a latest slot keeps only the newest state while the receiver is down', async () => {
    const sink = scriptedSink('pushgateway', { mode: 'latest' });
    sink.script.push(down(), down());
    const statuses: SinkStatus[] = [];
    const box = outbox([sink], { onStatus: (s) => statuses.push(s) });
    box.setLatest('pushgateway', 'poll-1');
    await box.deliverDue();
    box.setLatest('pushgateway', 'poll-2');
    now += 500;
    await box.deliverDue();
    box.setLatest('pushgateway', 'poll-3');
    expect(statuses.at(-1)).toMatchObject({ name: 'pushgateway', queueDepth: 1, lastError: 'connection refused' });
    now += 750;
    await box.deliverDue();
    expect(sink.received).toEqual(['poll-3']);
    expect(box.status()[0]!.queueDepth).toBe(0);
  });

  it('treats a throwing sink as a transient failure', async () => {
    const sink = scriptedSink('email');
    sink.script.push('throw');
    const box = outbox([sink]);
    box.enqueue(items('email', 'a'));
    await box.deliverDue();
    expect(box.status()[0]!.lastError).toBe('email: boom');
    now += 500;
    await box.deliverDue();
    expect(sink.received).toEqual(['a']);
  });

  it('keeps items for a sink that is no longer configured, and reports them', async () => {
    outbox([scriptedSink('pagerduty')]).enqueue(items('pagerduty', 'p1'));
    const slack = scriptedSink('slack');
    const box = outbox([slack]);
    await box.deliverDue();
    expect(box.orphans()).toEqual({ pagerduty: 1 });
    const pd = scriptedSink('pagerduty');
    const back = outbox([pd]);
    await back.deliverDue();
    expect(pd.received).toEqual(['p1']);
  });

  it('moves a corrupt outbox aside with a message and starts empty', () => {
    writeFileSync(join(dir, 'outbox.json'), 'not json');
    const problems: string[] = [];
    const box = outbox([scriptedSink('slack')], { onProblem: (m) => problems.push(m) });
    expect(problems[0]).toMatch(/outbox\.json could not be loaded .*moved it to/);
    expect(box.enqueue(items('slack', 'a'))).toEqual(['a']);
    expect(readdirSync(dir).filter((f) => f.startsWith('outbox.json.corrupt-'))).toHaveLength(1);
  });

  it('flush delivers what it can within the timeout and says whether the queue drained', async () => {
    now = Date.now();
    const realClock = () => new Date();
    const ok = scriptedSink('email');
    const box = outbox([ok], { clock: realClock });
    box.enqueue(items('email', 'a', 'b'));
    expect(await box.flush(1000)).toBe(true);
    const dead = scriptedSink('slack');
    for (let i = 0; i < 100; i++) dead.script.push(down());
    const stuck = outbox([dead], { clock: realClock });
    stuck.enqueue(items('slack', 'z'));
    expect(await stuck.flush(300)).toBe(false);
  });
});

describe('outbox concurrency', () => {
  /** Yields to the event loop until `condition` holds; fails after a bounded number of turns. */
  async function until(condition: () => boolean): Promise<void> {
    for (let turn = 0; turn < 1000 && !condition(); turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(condition()).toBe(true);
  }

  it('a slow sink does not hold up the others', async () => {
    let release: () => void = () => {};
    const slow: Sink = {
      name: 'email',
      mode: 'queue',
      deliver: () => new Promise<DeliveryResult>((resolve) => (release = () => resolve({ ok: true }))),
      describe: () => 'slow',
    };
    const fast = scriptedSink('slack');
    const box = outbox([slow, fast]);
    box.enqueue([...items('email', 'e1'), ...items('slack', 's1')]);
    const first = box.deliverDue();
    await until(() => fast.received.length === 1);
    box.enqueue(items('slack', 's2'));
    void box.deliverDue();
    await until(() => fast.received.length === 2);
    expect(box.status().find((st) => st.name === 'email')!.queueDepth).toBe(1);
    release();
    await first;
    expect(box.status().map((st) => st.queueDepth)).toEqual([0, 0]);
  });
});
