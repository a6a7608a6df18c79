import { z } from 'zod';

// The shape of <state dir>/outbox.json: what is still to be sent, the newest state per 'latest' sink,
// what was refused for good (dead letters), and the ids already done (so an id is never accepted twice).

export const OUTBOX_VERSION = 1;
export const RECENT_IDS_CAPACITY = 1000;
export const DEAD_LETTER_CAPACITY = 200;

/** The airtop process that delivers an entry: host, pid and start instant (a pid alone is reused). */
export interface OutboxOwner {
  host: string;
  pid: number;
  startedAt: string;
}

export interface QueuedItem {
  id: string;
  sink: string;
  payload: unknown;
  enqueuedAt: string;
  /** Absent in files of older airtop versions: such an entry is adopted by the first process that loads it. */
  owner?: OutboxOwner;
}

export interface StoredDeadLetter extends QueuedItem {
  reason: string;
  at: string;
  summary: string;
}

export interface OutboxState {
  version: typeof OUTBOX_VERSION;
  items: QueuedItem[];
  latest: Record<string, QueuedItem>;
  deadLetters: StoredDeadLetter[];
  recentIds: string[];
}

const owner = z.object({ host: z.string(), pid: z.number().int(), startedAt: z.string() });
const item = z.object({
  id: z.string(),
  sink: z.string(),
  payload: z.unknown(),
  enqueuedAt: z.string(),
  owner: owner.optional(),
});

const schema = z.object({
  version: z.literal(OUTBOX_VERSION),
  items: z.array(item),
  latest: z.record(z.string(), item),
  deadLetters: z.array(item.extend({ reason: z.string(), at: z.string(), summary: z.string() })),
  recentIds: z.array(z.string()),
});

export function parseOutboxState(raw: unknown): OutboxState {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data as OutboxState;
  const issue = parsed.error.issues[0];
  throw new Error(`not an airtop outbox: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
}

export function emptyOutboxState(): OutboxState {
  return { version: OUTBOX_VERSION, items: [], latest: {}, deadLetters: [], recentIds: [] };
}
