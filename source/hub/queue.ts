import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../persist/json-file.js';

// An attached TUI's acks, un-acks and silences, on disk until the hub confirms them. The hub may be down
// or restarting when the engineer acts; the action must not vanish with the TUI either. Each action has an
// id the hub uses to answer a resend (after a lost response) without applying it twice.

export const QUEUE_FILE = 'hub-queue.json';

export type QueuedAction = {
  id: string;
  hub: string;
  fingerprint: string;
  /** The alert's name when queued, for messages. */
  name: string;
  by: string;
  queuedAt: string;
} & ({ kind: 'ack'; note: string } | { kind: 'unack' } | { kind: 'silence'; durationSeconds: number; comment: string });

/** Omit over each member of the union (plain Omit would merge them). */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewAction = Without<QueuedAction, 'id' | 'hub' | 'queuedAt'>;

export type SendOutcome =
  { status: 'done' } | { status: 'refused'; reason: string } | { status: 'retry'; reason: string };

export interface ActionQueue {
  add(action: NewAction): QueuedAction;
  /** Sends what is queued, oldest first; stops at the first one that must wait. Resolves to what still waits. */
  flush(): Promise<number>;
  readonly size: number;
}

export interface QueueOptions {
  stateDir: string;
  hub: string;
  send(action: QueuedAction): Promise<SendOutcome>;
  onOutcome?(action: QueuedAction, outcome: SendOutcome): void;
  onProblem?(message: string): void;
  clock?: () => Date;
}

function load(path: string): QueuedAction[] {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return Array.isArray(value)
      ? (value as QueuedAction[]).filter((a) => a && typeof a.id === 'string' && typeof a.fingerprint === 'string')
      : [];
  } catch {
    return [];
  }
}

export function createActionQueue(options: QueueOptions): ActionQueue {
  const path = join(options.stateDir, QUEUE_FILE);
  const clock = options.clock ?? (() => new Date());
  // Actions for other hubs stay in the file untouched.
  let items = load(path);
  let flushing: Promise<number> | null = null;
  const mine = () => items.filter((a) => a.hub === options.hub);
  const save = () => {
    try {
      writeJsonAtomic(path, items);
    } catch (error) {
      options.onProblem?.(
        `cannot save queued hub actions to ${path}: ${(error as Error).message}; they are kept in memory only`,
      );
    }
  };

  async function run(): Promise<number> {
    for (const action of mine()) {
      const outcome = await options
        .send(action)
        .catch((error: unknown): SendOutcome => ({ status: 'retry', reason: (error as Error).message }));
      if (outcome.status !== 'retry') {
        items = items.filter((a) => a.id !== action.id);
        save();
      }
      options.onOutcome?.(action, outcome);
      if (outcome.status === 'retry') break;
    }
    return mine().length;
  }

  return {
    add(action) {
      const queued = { ...action, id: randomUUID(), hub: options.hub, queuedAt: clock().toISOString() } as QueuedAction;
      items = [...items, queued];
      save();
      return queued;
    },
    flush() {
      // One flush at a time, in order; a flush asked for while one runs runs again after it.
      const next: Promise<number> = (flushing ?? Promise.resolve(0)).then(run);
      const tail: Promise<number> = next.finally(() => {
        if (flushing === tail) flushing = null;
      });
      flushing = tail;
      return next;
    },
    get size() {
      return mine().length;
    },
  };
}
