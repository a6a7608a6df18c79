import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { presenceFile } from '../../../source/alerts/shared-dir.js';
import { createOutbox, type Outbox } from '../../../source/sinks/outbox.js';
import { heartbeatFile } from '../../../source/sinks/outbox-store.js';
import {
  OUTBOX_VERSION,
  parseOutboxState,
  type OutboxOwner,
  type QueuedItem,
} from '../../../source/sinks/outbox-state.js';
import type { DeliveryResult, Sink } from '../../../source/sinks/types.js';

// Two outboxes on one state dir, as a TUI beside the daemon: neither loses what the other queued, sent or
// dead-lettered, no id goes out twice, and what a process that is gone left behind is adopted once.

let dir: string;

/** Two live owners in this process (distinct start instants, both after this process started). */
const owner = (tag: string): OutboxOwner => ({
  host: hostname(),
  pid: process.pid,
  startedAt: `${new Date().toISOString()}#${tag}`,
});

function recordingSink(name: string, answer: () => DeliveryResult = () => ({ ok: true })) {
  const received: string[] = [];
  const sink: Sink & { received: string[] } = {
    name,
    mode: 'queue',
    received,
    async deliver(payload) {
      const result = answer();
      if (result.ok) received.push(String(payload));
      return result;
    },
    describe: (payload) => `payload ${String(payload)}`,
  };
  return sink;
}

const open = (sink: Sink, who: OutboxOwner): Outbox =>
  createOutbox({
    stateDir: dir,
    sinks: [sink],
    owner: who,
    retry: { initial: 0.01, max: 0.01, factor: 1 },
    random: () => 0,
  });
const items = (...ids: string[]) => ids.map((id) => ({ id, sink: 'slack', payload: id }));
const onDisk = () => parseOutboxState(JSON.parse(readFileSync(join(dir, 'outbox.json'), 'utf8')));

/** A pid no process has now: one of a child that has exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  if (!pid) throw new Error('could not start node');
  return pid;
}

function writeOutbox(entries: QueuedItem[]): void {
  writeFileSync(
    join(dir, 'outbox.json'),
    JSON.stringify({ version: OUTBOX_VERSION, items: entries, latest: {}, deadLetters: [], recentIds: [] }),
  );
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'airtop-outbox-shared-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('outbox shared by two processes', () => {
  it('interleaved enqueues and deliveries lose nothing and send nothing twice', async () => {
    const sinkA = recordingSink('slack');
    const sinkB = recordingSink('slack');
    const a = open(sinkA, owner('a'));
    const b = open(sinkB, owner('b'));
    const accepted: string[] = [];
    // A fixed pseudo-random interleaving (reproducible), with ids both processes try to queue.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let step = 0; step < 300; step++) {
      const box = next() < 0.5 ? a : b;
      const roll = next();
      if (roll < 0.45) accepted.push(...box.enqueue(items(`s${step}`)));
      else if (roll < 0.6) accepted.push(...box.enqueue(items(`shared${step % 20}`)));
      else await box.deliverDue();
    }
    await Promise.all([a.flush(2000), b.flush(2000)]);
    // Each id was accepted once, by one of them, and sent once, by the one that accepted it.
    expect(new Set(accepted).size).toBe(accepted.length);
    const sent = [...sinkA.received, ...sinkB.received];
    expect(sent.sort()).toEqual([...accepted].sort());
    expect(sinkA.received.length).toBeGreaterThan(0);
    expect(sinkB.received.length).toBeGreaterThan(0);
    expect(onDisk().items).toEqual([]);
  });

  it('a write by one never drops what the other queued or dead-lettered', async () => {
    const refusing = recordingSink('slack', () => ({ ok: false, permanent: true, reason: 'HTTP 400 bad payload' }));
    const held = recordingSink('slack', () => ({ ok: false, permanent: false, reason: 'down' }));
    const a = open(refusing, owner('a'));
    const b = open(held, owner('b'));
    a.enqueue(items('a1'));
    b.enqueue(items('b1'));
    await a.deliverDue();
    b.enqueue(items('b2'));
    await b.deliverDue();
    a.enqueue(items('a2'));
    const state = onDisk();
    expect(state.items.map((i) => i.id)).toEqual(['b1', 'b2', 'a2']);
    expect(state.deadLetters.map((d) => d.id)).toEqual(['a1']);
    // B never sent A's queued item: A owns it.
    expect(state.items.find((i) => i.id === 'a2')!.owner!.startedAt).toMatch(/#a$/);
    b.enqueue(items('b3'));
    expect(b.deadLetters().map((d) => d.id)).toEqual(['a1']);
    // B retries A's dead letter: it moves to B's queue, once.
    expect(b.retryDeadLetters()).toBe(1);
    expect(onDisk().deadLetters).toEqual([]);
    expect(onDisk().items.filter((i) => i.id === 'a1')).toHaveLength(1);
  });

  it('adopts the entries of a process that is gone exactly once, and leaves a live one its own', async () => {
    const me = hostname();
    const gone: OutboxOwner = { host: me, pid: deadPid(), startedAt: '2024-06-01T00:00:00.000Z' };
    // A live pid (our parent) now run by another airtop that registered a different start: the pid was reused.
    const reused: OutboxOwner = { host: me, pid: process.ppid, startedAt: '2024-06-01T00:00:00.000Z' };
    mkdirSync(join(dir, 'processes'), { recursive: true });
    writeFileSync(
      presenceFile(dir, me, process.ppid),
      JSON.stringify({ pid: process.ppid, host: me, role: 'headless', startedAt: '2025-01-01T00:00:00.000Z' }),
    );
    // Processes on another host (a shared volume): one with a fresh heartbeat, one silent for too long, one with none.
    const elsewhere: OutboxOwner = { host: `${me}-other`, pid: 1, startedAt: '2024-06-01T00:00:00.000Z' };
    const silent: OutboxOwner = { host: `${me}-other`, pid: 2, startedAt: '2024-06-01T00:00:00.000Z' };
    const never: OutboxOwner = { host: `${me}-other`, pid: 3, startedAt: '2024-06-01T00:00:00.000Z' };
    writeFileSync(heartbeatFile(dir, elsewhere), elsewhere.startedAt);
    writeFileSync(heartbeatFile(dir, silent), silent.startedAt);
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(heartbeatFile(dir, silent), longAgo, longAgo);
    const earlierMe: OutboxOwner = { host: me, pid: process.pid, startedAt: '2000-01-01T00:00:00.000Z' };
    const entry = (id: string, who?: OutboxOwner): QueuedItem => ({
      id,
      sink: 'slack',
      payload: id,
      enqueuedAt: '2024-06-01T00:00:00.000Z',
      ...(who ? { owner: who } : {}),
    });
    writeOutbox([
      entry('dead1', gone),
      entry('legacy'),
      entry('reused1', reused),
      entry('far1', elsewhere),
      entry('mine-before', earlierMe),
      entry('dead2', gone),
      entry('silent1', silent),
      entry('never1', never),
    ]);

    const sinkA = recordingSink('slack');
    const sinkB = recordingSink('slack');
    const a = open(sinkA, owner('a'));
    const b = open(sinkB, owner('b'));
    await Promise.all([a.deliverDue(), b.deliverDue(), a.deliverDue(), b.deliverDue()]);
    expect(b.adoptOrphans()).toBe(0);
    await Promise.all([a.flush(1000), b.flush(1000)]);
    // The first to load took them all; the other, seeing a live owner, none.
    expect(sinkA.received).toEqual(['dead1', 'legacy', 'reused1', 'mine-before', 'dead2', 'silent1', 'never1']);
    expect(sinkB.received).toEqual([]);
    // Another host's process cannot be probed: while its heartbeat is fresh, its entry waits for it.
    expect(onDisk().items.map((i) => i.id)).toEqual(['far1']);
  });

  it('a live process adopts on its timer what another left when it was killed', async () => {
    const me = hostname();
    const sinkA = recordingSink('slack');
    const a = createOutbox({ stateDir: dir, sinks: [sinkA], owner: owner('a'), tickMs: 20, adoptEveryMs: 50 });
    a.start();
    try {
      // Written after A loaded, as by a process that then died.
      writeOutbox([
        {
          id: 'late',
          sink: 'slack',
          payload: 'late',
          enqueuedAt: '2024-06-01T00:00:00.000Z',
          owner: { host: me, pid: deadPid(), startedAt: 'x' },
        },
      ]);
      const deadline = Date.now() + 3000;
      while (sinkA.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(sinkA.received).toEqual(['late']);
      expect(onDisk().items).toEqual([]);
    } finally {
      a.stop();
    }
  });
});
