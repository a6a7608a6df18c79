import { join } from 'node:path';
import { readJsonState, writeJsonAtomic } from '../persist/json-file.js';
import type { DeadLetter, SinkStatus } from './status.js';
import { backoffMs, DEFAULT_RETRY, type RetryPolicy } from './backoff.js';
import {
  DEAD_LETTER_CAPACITY,
  emptyOutboxState,
  parseOutboxState,
  RECENT_IDS_CAPACITY,
  type OutboxState,
  type QueuedItem,
  type StoredDeadLetter,
} from './outbox-state.js';
import type { DeliveryResult, OutboxItem, Sink } from './types.js';
import { redactSecrets } from '../text/redact.js';
import { sanitizeText } from '../text/sanitize.js';

// The durable outbox: an item is on disk before anything tries to send it, and leaves the disk only after
// its sink accepted it (or refused it for good, into the dead letters). Per sink, items go out one at a
// time in the order they came, so after an outage the receiver sees them in order, and none twice.

export const OUTBOX_FILE = 'outbox.json';

export interface OutboxOptions {
  stateDir: string;
  sinks: Sink[];
  retry?: RetryPolicy;
  clock?: () => Date;
  /** For tests: jitter source. */
  random?: () => number;
  onStatus?: (status: SinkStatus) => void;
  onDeadLetters?: (letters: DeadLetter[]) => void;
  /** Told about an unreadable outbox file (moved aside) or a failed save. */
  onProblem?: (message: string) => void;
  /** How often start()'s timer looks for due items (ms). */
  tickMs?: number;
}

export interface Outbox {
  /** Persists the items (skipping ids already queued or done) before returning; returns the ids accepted. */
  enqueue(items: OutboxItem[]): string[];
  /** Replaces a 'latest' sink's pending state with the newest one (persisted). */
  setLatest(sink: string, payload: unknown): void;
  /** Sends what is due now; concurrent calls share each sink's run. */
  deliverDue(): Promise<void>;
  start(): void;
  stop(): void;
  /** Delivers until empty or timeout; true when everything went out. */
  flush(timeoutMs: number): Promise<boolean>;
  status(): SinkStatus[];
  deadLetters(): DeadLetter[];
  /** Puts dead letters (all, or these ids) back in their queues, e.g. after fixing a webhook. */
  retryDeadLetters(ids?: string[]): number;
  /** Items waiting for a sink that is not configured now; kept on disk until it is. */
  orphans(): Record<string, number>;
  queued(sink: string): QueuedItem[];
}

interface SinkRuntime {
  failures: number;
  nextAttemptAt: number;
  lastSendAt: number | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export function createOutbox(options: OutboxOptions): Outbox {
  const clock = options.clock ?? (() => new Date());
  const retry = options.retry ?? DEFAULT_RETRY;
  const random = options.random ?? Math.random;
  const problem = options.onProblem ?? (() => {});
  const path = join(options.stateDir, OUTBOX_FILE);
  const sinks = new Map(options.sinks.map((s) => [s.name, s]));
  const runtime = new Map<string, SinkRuntime>(
    options.sinks.map((s) => [
      s.name,
      { failures: 0, nextAttemptAt: 0, lastSendAt: null, lastSuccessAt: null, lastError: null, lastErrorAt: null },
    ]),
  );

  const read = readJsonState(path, parseOutboxState, clock());
  const state: OutboxState = read.status === 'ok' ? read.value : emptyOutboxState();
  // Dead letters written by an older airtop may hold a secret a receiver echoed: scrub them as they load.
  const loadedLetters = JSON.stringify(state.deadLetters);
  state.deadLetters = state.deadLetters.map((letter) => ({
    ...letter,
    reason: redactSecrets(sanitizeText(letter.reason)),
    summary: redactSecrets(sanitizeText(letter.summary)),
  }));
  const scrubbedOnLoad = JSON.stringify(state.deadLetters) !== loadedLetters;
  if (read.status === 'corrupt') problem(read.message);
  let recent = new Set(state.recentIds);
  if (scrubbedOnLoad) persist();

  const running = new Map<string, Promise<void>>();
  const rerun = new Set<string>();
  let timer: NodeJS.Timeout | null = null;

  function persist(): void {
    state.recentIds = [...recent].slice(-RECENT_IDS_CAPACITY);
    recent = new Set(state.recentIds);
    try {
      writeJsonAtomic(path, state);
    } catch (error) {
      problem(
        `cannot save the outbox to ${path}: ${(error as Error).message}; queued notifications would be lost on a crash`,
      );
    }
  }

  const headOf = (sink: Sink): QueuedItem | undefined =>
    sink.mode === 'latest' ? state.latest[sink.name] : state.items.find((i) => i.sink === sink.name);

  const depth = (name: string) => state.items.filter((i) => i.sink === name).length + (state.latest[name] ? 1 : 0);

  function statusOf(name: string): SinkStatus {
    const rt = runtime.get(name)!;
    return {
      name,
      lastSuccessAt: rt.lastSuccessAt,
      lastError: rt.lastError,
      lastErrorAt: rt.lastErrorAt,
      queueDepth: depth(name),
      deadLetters: state.deadLetters.filter((d) => d.sink === name).length,
    };
  }

  const report = (name: string) => options.onStatus?.(statusOf(name));
  const publicLetters = (): DeadLetter[] =>
    state.deadLetters.map(({ id, sink, reason, at, summary }) => ({ id, sink, reason, at, summary }));

  function remove(item: QueuedItem, sink: Sink): void {
    if (sink.mode === 'latest') {
      // A newer state may have replaced the one just sent; keep that one.
      if (state.latest[sink.name]?.id === item.id) delete state.latest[sink.name];
    } else {
      state.items = state.items.filter((i) => i.id !== item.id);
      recent.add(item.id);
    }
  }

  function deadLetter(item: QueuedItem, sink: Sink, reason: string): void {
    const letter: StoredDeadLetter = {
      ...item,
      reason: redactSecrets(reason),
      at: clock().toISOString(),
      summary: redactSecrets(safeDescribe(sink, item.payload)),
    };
    state.deadLetters = [...state.deadLetters, letter].slice(-DEAD_LETTER_CAPACITY);
  }

  async function attempt(sink: Sink, item: QueuedItem): Promise<DeliveryResult> {
    try {
      return await sink.deliver(item.payload);
    } catch (error) {
      // A sink should return results, but a throw must not wedge the queue: treat it as transient.
      return { ok: false, permanent: false, reason: `${sink.name}: ${(error as Error).message}` };
    }
  }

  async function deliverSink(sink: Sink): Promise<void> {
    const rt = runtime.get(sink.name)!;
    for (;;) {
      const head = headOf(sink);
      if (!head) return;
      const now = clock().getTime();
      if (now < rt.nextAttemptAt) return;
      if (sink.minIntervalMs && rt.lastSendAt !== null && now < rt.lastSendAt + sink.minIntervalMs) {
        rt.nextAttemptAt = rt.lastSendAt + sink.minIntervalMs;
        return;
      }
      rt.lastSendAt = now;
      const result = await attempt(sink, head);
      const after = clock();
      if (result.ok) {
        remove(head, sink);
        rt.failures = 0;
        rt.lastSuccessAt = after.toISOString();
        persist();
        report(sink.name);
        continue;
      }
      // The reason may quote a receiver's body, which may echo the request: never keep a secret from it.
      rt.lastError = redactSecrets(sanitizeText(result.reason));
      rt.lastErrorAt = after.toISOString();
      if (result.permanent) {
        remove(head, sink);
        recent.add(head.id);
        deadLetter(head, sink, rt.lastError);
        persist();
        report(sink.name);
        options.onDeadLetters?.(publicLetters());
        continue;
      }
      rt.failures += 1;
      rt.nextAttemptAt = after.getTime() + (result.retryAfterMs ?? backoffMs(rt.failures, retry, random));
      report(sink.name);
      return;
    }
  }

  /** One run per sink at a time, so a slow sink (an SMTP timeout) never holds up the others. */
  function runSink(sink: Sink): Promise<void> {
    const current = running.get(sink.name);
    if (current) {
      // Asked again mid-run (new items, the timer): look once more when this run ends.
      rerun.add(sink.name);
      return current;
    }
    const run = (async () => {
      do {
        rerun.delete(sink.name);
        await deliverSink(sink);
      } while (rerun.has(sink.name));
    })().finally(() => running.delete(sink.name));
    running.set(sink.name, run);
    return run;
  }

  async function deliverDue(): Promise<void> {
    await Promise.all([...sinks.values()].map(runSink));
  }

  const kick = () => {
    if (timer) void deliverDue();
  };

  const totalDepth = () => [...sinks.keys()].reduce((sum, name) => sum + depth(name), 0);

  function nextDue(): number {
    let due = Infinity;
    for (const sink of sinks.values()) if (headOf(sink)) due = Math.min(due, runtime.get(sink.name)!.nextAttemptAt);
    return due;
  }

  for (const name of sinks.keys()) report(name);
  if (state.deadLetters.length > 0) options.onDeadLetters?.(publicLetters());

  return {
    enqueue(items) {
      const queued = new Set(state.items.map((i) => i.id));
      const at = clock().toISOString();
      const accepted: QueuedItem[] = [];
      for (const item of items) {
        if (queued.has(item.id) || recent.has(item.id)) continue;
        queued.add(item.id);
        accepted.push({ id: item.id, sink: item.sink, payload: item.payload, enqueuedAt: at });
      }
      if (accepted.length === 0) return [];
      state.items = [...state.items, ...accepted];
      persist();
      for (const name of new Set(accepted.map((i) => i.sink))) if (sinks.has(name)) report(name);
      kick();
      return accepted.map((i) => i.id);
    },

    setLatest(sink, payload) {
      const at = clock();
      state.latest = {
        ...state.latest,
        [sink]: {
          id: `${sink}@${at.toISOString()}#${random().toString(36).slice(2, 8)}`,
          sink,
          payload,
          enqueuedAt: at.toISOString(),
        },
      };
      persist();
      if (sinks.has(sink)) report(sink);
      kick();
    },

    deliverDue,

    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (totalDepth() > 0 && nextDue() <= clock().getTime()) void deliverDue();
      }, options.tickMs ?? 200);
      timer.unref();
      void deliverDue();
    },

    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },

    async flush(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await deliverDue();
        if (totalDepth() === 0) return true;
        const wait = Math.min(deadline - Date.now(), Math.max(10, nextDue() - clock().getTime()));
        if (wait <= 0) return false;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    },

    status: () => [...sinks.keys()].map(statusOf),
    deadLetters: publicLetters,

    retryDeadLetters(ids) {
      const wanted = ids ? new Set(ids) : null;
      const back = state.deadLetters.filter((d) => !wanted || wanted.has(d.id));
      if (back.length === 0) return 0;
      state.deadLetters = state.deadLetters.filter((d) => !back.includes(d));
      for (const letter of back) {
        recent.delete(letter.id);
        const item: QueuedItem = {
          id: letter.id,
          sink: letter.sink,
          payload: letter.payload,
          enqueuedAt: letter.enqueuedAt,
        };
        if (sinks.get(letter.sink)?.mode === 'latest') {
          if (!state.latest[letter.sink]) state.latest[letter.sink] = item;
        } else state.items.push(item);
      }
      persist();
      for (const name of new Set(back.map((d) => d.sink))) if (sinks.has(name)) report(name);
      options.onDeadLetters?.(publicLetters());
      kick();
      return back.length;
    },

    orphans() {
      const counts: Record<string, number> = {};
      for (const item of [...state.items, ...Object.values(state.latest)]) {
        if (!sinks.has(item.sink)) counts[item.sink] = (counts[item.sink] ?? 0) + 1;
      }
      return counts;
    },

    queued: (sink) => [
      ...state.items.filter((i) => i.sink === sink),
      ...(state.latest[sink] ? [state.latest[sink]] : []),
    ],
  };
}

function safeDescribe(sink: Sink, payload: unknown): string {
  try {
    return sink.describe(payload);
  } catch {
    return `${sink.name} payload`;
  }
}
