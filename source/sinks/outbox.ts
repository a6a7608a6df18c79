import { join } from 'node:path';
import type { DeadLetter, SinkStatus } from './status.js';
import { backoffMs, DEFAULT_RETRY, type RetryPolicy } from './backoff.js';
import {
  DEAD_LETTER_CAPACITY,
  type OutboxOwner,
  type OutboxState,
  type QueuedItem,
  type StoredDeadLetter,
} from './outbox-state.js';
import { currentOwner, openOutboxStore, sameOwner } from './outbox-store.js';
import type { DeliveryResult, OutboxItem, Sink } from './types.js';
import { redactSecrets } from '../text/redact.js';
import { sanitizeText } from '../text/sanitize.js';

// The durable outbox: an item is on disk before anything tries to send it, and leaves the disk only after
// its sink accepted it (or refused it for good, into the dead letters). Per sink, items go out one at a
// time in the order they came, so after an outage the receiver sees them in order, and none twice.
// Several processes may share outbox.json (see outbox-store.ts): each sends only the entries it owns.

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
  /** How often start()'s timer looks for entries of processes that are gone, to adopt them (ms). */
  adoptEveryMs?: number;
  /** For tests: the process this outbox delivers for (default: this process). */
  owner?: OutboxOwner;
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
  /** Delivers until this process's entries are out or timeout; true when they all went out. */
  flush(timeoutMs: number): Promise<boolean>;
  status(): SinkStatus[];
  deadLetters(): DeadLetter[];
  /** Puts dead letters (all, or these ids) back in their queues, e.g. after fixing a webhook. */
  retryDeadLetters(ids?: string[]): number;
  /** Adopts entries of processes that are gone (start() does this on its timer); returns how many. */
  adoptOrphans(): number;
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

  const me = options.owner ?? currentOwner();
  const store = openOutboxStore({ path, stateDir: options.stateDir, owner: me, clock, problem });
  // Loading is a locked re-read too: it adopts what a crashed process left and rewrites scrubbed dead letters.
  store.mutate(() => false);

  const running = new Map<string, Promise<void>>();
  const rerun = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let lastAdoptCheck = Date.now();

  const mine = (item: QueuedItem | undefined): item is QueuedItem => item !== undefined && sameOwner(item.owner, me);

  const headOf = (sink: Sink): QueuedItem | undefined => {
    const state = store.state;
    if (sink.mode === 'latest') return mine(state.latest[sink.name]) ? state.latest[sink.name] : undefined;
    return state.items.find((i) => i.sink === sink.name && mine(i));
  };

  /** Everything queued for a sink, whichever process sends it: the status shows the shared outbox. */
  const depth = (name: string) =>
    store.state.items.filter((i) => i.sink === name).length + (store.state.latest[name] ? 1 : 0);
  const ownDepth = (name: string) =>
    store.state.items.filter((i) => i.sink === name && mine(i)).length + (mine(store.state.latest[name]) ? 1 : 0);

  function statusOf(name: string): SinkStatus {
    const rt = runtime.get(name)!;
    return {
      name,
      lastSuccessAt: rt.lastSuccessAt,
      lastError: rt.lastError,
      lastErrorAt: rt.lastErrorAt,
      queueDepth: depth(name),
      deadLetters: store.state.deadLetters.filter((d) => d.sink === name).length,
    };
  }

  const report = (name: string) => options.onStatus?.(statusOf(name));
  const publicLetters = (): DeadLetter[] =>
    store.state.deadLetters.map(({ id, sink, reason, at, summary }) => ({ id, sink, reason, at, summary }));

  /** Called under the lock on the state just re-read. */
  function remove(state: OutboxState, item: QueuedItem, sink: Sink): void {
    if (sink.mode === 'latest') {
      // A newer state may have replaced the one just sent (here or in another process); keep that one.
      const { [sink.name]: current, ...rest } = state.latest;
      if (current?.id === item.id) state.latest = rest;
    } else {
      state.items = state.items.filter((i) => i.id !== item.id);
      state.recentIds.push(item.id);
    }
  }

  function deadLetter(state: OutboxState, item: QueuedItem, sink: Sink, reason: string): void {
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
        store.mutate((state) => (remove(state, head, sink), true));
        rt.failures = 0;
        rt.lastSuccessAt = after.toISOString();
        report(sink.name);
        continue;
      }
      // The reason may quote a receiver's body, which may echo the request: never keep a secret from it.
      rt.lastError = redactSecrets(sanitizeText(result.reason));
      rt.lastErrorAt = after.toISOString();
      if (result.permanent) {
        const reason = rt.lastError;
        store.mutate((state) => {
          remove(state, head, sink);
          state.recentIds.push(head.id);
          deadLetter(state, head, sink, reason);
          return true;
        });
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

  /** This process's own entries: the ones it must send before it may say it flushed. */
  const totalDepth = () => [...sinks.keys()].reduce((sum, name) => sum + ownDepth(name), 0);

  function adoptOrphans(): number {
    lastAdoptCheck = Date.now();
    const count = store.adoptOrphans();
    if (count > 0) for (const name of sinks.keys()) report(name);
    return count;
  }

  function nextDue(): number {
    let due = Infinity;
    for (const sink of sinks.values()) if (headOf(sink)) due = Math.min(due, runtime.get(sink.name)!.nextAttemptAt);
    return due;
  }

  for (const name of sinks.keys()) report(name);
  if (store.state.deadLetters.length > 0) options.onDeadLetters?.(publicLetters());

  return {
    enqueue(items) {
      const at = clock().toISOString();
      const accepted: QueuedItem[] = [];
      // Checked against the file as it is now: another process may have queued or sent the same id.
      store.mutate((state) => {
        const seen = new Set([...state.items.map((i) => i.id), ...state.recentIds]);
        for (const item of items) {
          if (seen.has(item.id)) continue;
          seen.add(item.id);
          accepted.push({ id: item.id, sink: item.sink, payload: item.payload, enqueuedAt: at, owner: me });
        }
        state.items = [...state.items, ...accepted];
        return accepted.length > 0;
      });
      if (accepted.length === 0) return [];
      for (const name of new Set(accepted.map((i) => i.sink))) if (sinks.has(name)) report(name);
      kick();
      return accepted.map((i) => i.id);
    },

    setLatest(sink, payload) {
      const at = clock();
      const entry: QueuedItem = {
        id: `${sink}@${at.toISOString()}#${random().toString(36).slice(2, 8)}`,
        sink,
        payload,
        enqueuedAt: at.toISOString(),
        owner: me,
      };
      store.mutate((state) => ((state.latest = { ...state.latest, [sink]: entry }), true));
      if (sinks.has(sink)) report(sink);
      kick();
    },

    deliverDue,

    start() {
      if (timer) return;
      timer = setInterval(() => {
        // A process that died with entries queued leaves them to whoever looks next: this timer, at least.
        if (Date.now() - lastAdoptCheck >= (options.adoptEveryMs ?? 1000) && adoptOrphans() > 0) void deliverDue();
        else if (totalDepth() > 0 && nextDue() <= clock().getTime()) void deliverDue();
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
      let back: StoredDeadLetter[] = [];
      store.mutate((state) => {
        back = state.deadLetters.filter((d) => !wanted || wanted.has(d.id));
        if (back.length === 0) return false;
        state.deadLetters = state.deadLetters.filter((d) => !back.includes(d));
        const again = new Set(back.map((d) => d.id));
        state.recentIds = state.recentIds.filter((id) => !again.has(id));
        for (const letter of back) {
          // Whoever retries sends it, whichever process dead-lettered it.
          const item: QueuedItem = {
            id: letter.id,
            sink: letter.sink,
            payload: letter.payload,
            enqueuedAt: letter.enqueuedAt,
            owner: me,
          };
          if (sinks.get(letter.sink)?.mode === 'latest') {
            if (!state.latest[letter.sink]) state.latest = { ...state.latest, [letter.sink]: item };
          } else state.items.push(item);
        }
        return true;
      });
      if (back.length === 0) return 0;
      for (const name of new Set(back.map((d) => d.sink))) if (sinks.has(name)) report(name);
      options.onDeadLetters?.(publicLetters());
      kick();
      return back.length;
    },

    adoptOrphans,

    orphans() {
      const counts: Record<string, number> = {};
      for (const item of [...store.state.items, ...Object.values(store.state.latest)]) {
        if (!sinks.has(item.sink)) counts[item.sink] = (counts[item.sink] ?? 0) + 1;
      }
      return counts;
    },

    queued: (sink) => {
      const { items, latest } = store.state;
      return [...items.filter((i) => i.sink === sink), ...(latest[sink] ? [latest[sink]] : [])];
    },
  };
}

function safeDescribe(sink: Sink, payload: unknown): string {
  try {
    return sink.describe(payload);
  } catch {
    return `${sink.name} payload`;
  }
}
