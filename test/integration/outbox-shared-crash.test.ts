import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { childWorkspace } from '../helpers/child-workspace.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbox, type Outbox } from '../../source/sinks/outbox.js';
import { parseOutboxState } from '../../source/sinks/outbox-state.js';
import type { Sink } from '../../source/sinks/types.js';

// A process with notifications queued is killed with SIGKILL while two others share its state dir: what it
// queued reaches a loopback receiver exactly once, sent by one of the live ones, and not before it died.
// The child runs the real outbox, transpiled from source/ (Node 20 cannot run .ts).

const ROUNDS = 3;

let work: string;
let server: Server;
let url: string;
/** id → how many times the receiver got it. */
const received = new Map<string, number>();

const CHILD = `
import { announcePresence } from './source/alerts/shared-dir.js';
import { createOutbox } from './source/sinks/outbox.js';

const [stateDir, tag] = [process.argv[2], process.argv[3]];
const out = (line) => process.stdout.write(line + '\\n');
announcePresence(stateDir, 'headless');
// Its receiver is down: everything it queues stays queued, owned by it, until it dies.
const held = { name: 'slack', mode: 'queue', describe: () => 'x', async deliver() { return { ok: false, permanent: false, reason: 'held' }; } };
const outbox = createOutbox({ stateDir, sinks: [held], onProblem: (m) => out('PROBLEM ' + m), retry: { initial: 60, max: 60, factor: 1 } });
outbox.start();
out('READY');
for (let i = 0; ; i++) {
  const id = tag + '-' + i;
  outbox.enqueue([{ id, sink: 'slack', payload: { id } }]);
  out('QUEUED ' + id);
  await new Promise((r) => setTimeout(r, 3));
}
`;

/** Posts the payload's id to the loopback receiver. */
const httpSink: Sink = {
  name: 'slack',
  mode: 'queue',
  describe: () => 'test payload',
  async deliver(payload) {
    const response = await fetch(url, {
      method: 'POST',
      body: JSON.stringify(payload),
      headers: { 'content-type': 'application/json' },
    });
    await response.text();
    return response.ok ? { ok: true } : { ok: false, permanent: false, reason: `HTTP ${response.status}` };
  },
};

beforeAll(async () => {
  work = childWorkspace('airtop-outbox-crash-', CHILD);
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      const { id } = JSON.parse(body) as { id: string };
      received.set(id, (received.get(id) ?? 0) + 1);
      response.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}, 60_000); // transpiling source/ for the child can take over 10 s on a loaded machine
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(work, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the child until it queued `count` ids (and a random few more), kills it, returns the ids it reported. */
function runAndKill(
  stateDir: string,
  tag: string,
  count: number,
  alongside: () => void,
  whileAlive: () => Promise<void>,
): Promise<string[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(work, 'child.mjs'), stateDir, tag], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const target = count + Math.floor(Math.random() * 10);
    child.stdout.on('data', async (chunk: Buffer) => {
      stdout += chunk;
      if (!killed && (stdout.match(/^QUEUED /gm)?.length ?? 0) >= target) {
        killed = true;
        alongside();
        try {
          await whileAlive();
        } catch (error) {
          reject(error);
        }
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') return reject(new Error(`child ended by itself (code ${code}): ${stderr}`));
      const lines = stdout.split('\n').slice(0, -1);
      if (lines.some((l) => l.startsWith('PROBLEM'))) return reject(new Error(lines.join('\n')));
      resolvePromise(lines.filter((l) => l.startsWith('QUEUED ')).map((l) => l.slice(7)));
    });
  });
}

describe('kill -9 of a process sharing the outbox', () => {
  it(`its queued notifications are adopted and delivered exactly once, over ${ROUNDS} kills`, async () => {
    const stateDir = join(work, 'state');
    const problems: string[] = [];
    const live = (tag: string): Outbox =>
      createOutbox({
        stateDir,
        sinks: [httpSink],
        owner: { host: hostname(), pid: process.pid, startedAt: `${new Date().toISOString()}#${tag}` },
        tickMs: 20,
        adoptEveryMs: 100,
        onProblem: (m) => problems.push(m),
      });
    const boxes = [live('a'), live('b')];
    for (const box of boxes) box.start();
    const own: string[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const childIds = await runAndKill(
          stateDir,
          `child${round}`,
          10,
          () => {
            // Meanwhile the live ones queue and send their own (so they re-read the child's entries too).
            for (const [i, box] of boxes.entries()) {
              const ids = [`own${round}-${i}-1`, `own${round}-${i}-2`];
              own.push(...box.enqueue(ids.map((id) => ({ id, sink: 'slack', payload: { id } }))));
            }
          },
          async () => {
            // The live ones send their own (re-reading the file with the child's entries in it as they do so)
            // and tick a while longer...
            const until = Date.now() + 10_000;
            while (own.some((id) => !received.has(id)) && Date.now() < until) await sleep(20);
            expect(
              own.filter((id) => !received.has(id)),
              `round ${round}, own sent while the child lives`,
            ).toEqual([]);
            await sleep(300);
            // ...but the child is alive: its entries are its own, even with its receiver down.
            expect(
              [...received.keys()].filter((id) => id.startsWith(`child${round}-`)),
              `round ${round}, child alive`,
            ).toEqual([]);
          },
        );
        const deadline = Date.now() + 10_000;
        while (childIds.some((id) => !received.has(id)) && Date.now() < deadline) await sleep(25);
        expect(
          childIds.filter((id) => !received.has(id)),
          `round ${round}: not delivered`,
        ).toEqual([]);
      }
      expect(await Promise.all(boxes.map((b) => b.flush(5000)))).toEqual([true, true]);
      // Time for a duplicate to show up, if either one was going to send an entry again.
      await sleep(400);
      expect(own.filter((id) => received.get(id) !== 1)).toEqual([]);
      // Each id at most once: the ones the child queued but did not live to report included.
      expect([...received.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      expect(parseOutboxState(JSON.parse(readFileSync(join(stateDir, 'outbox.json'), 'utf8'))).items).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      for (const box of boxes) box.stop();
    }
  }, 60_000);
});
