import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childWorkspace } from '../helpers/child-workspace.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertManager } from '../../source/alerts/manager.js';
import { parseAlertState } from '../../source/alerts/persisted.js';
import { readJsonState } from '../../source/persist/json-file.js';
import { createOutbox } from '../../source/sinks/outbox.js';
import { parseOutboxState } from '../../source/sinks/outbox-state.js';
import type { Sink } from '../../source/sinks/types.js';

// kill -9 during a burst of writes, 30 times over one state dir: the state files always load, and every
// notification the alert store emitted reaches the outbox (or was delivered) — none is lost.
// The child runs the real alert store and outbox, transpiled from source/ (Node 20 cannot run .ts).

/** 30 kills in all, in 2 independent state dirs run side by side (a child's start-up is most of the time). */
const LANES = 2;
const ROUNDS = 15;

let work: string;

const CHILD = `
import { appendFileSync } from 'node:fs';
import { createAlertManager } from './source/alerts/manager.js';
import { createOutbox } from './source/sinks/outbox.js';

const [stateDir, deliveredLog, round] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const out = (line) => process.stdout.write(line + '\\n');
const problem = (m) => out('PROBLEM ' + m);
// A sink that 'delivers' by appending the id to a file, so the parent can see what went out.
const sink = { name: 'slack', mode: 'queue', describe: () => 'x', async deliver(n) { appendFileSync(deliveredLog, n.id + '\\n'); return { ok: true }; } };
const alerts = createAlertManager({ stateDir, repeatIntervalSeconds: 60, defaultChannels: ['slack'], onProblem: problem });
await alerts.load();
const outbox = createOutbox({ stateDir, sinks: [sink], onProblem: problem });
const hand = (ns) => {
  if (ns.length === 0) return;
  outbox.enqueue(ns.map((n) => ({ id: n.id + '>slack', sink: 'slack', payload: n })));
  alerts.handedOff(ns.map((n) => n.id));
};
hand(alerts.pending()); // what a crash left between the alert store and the outbox
out('READY');
let now = Date.parse('2024-06-01T00:00:00Z') + round * 10_000_000;
for (let step = 0; ; step++) {
  now += 7_000;
  const candidates = [];
  for (let a = 0; a < 12; a++) {
    if ((step * 7 + a * 13 + round) % 5 < 3) candidates.push({ labels: { alertname: 'a' + a, severity: 'warning' }, annotations: { summary: 'alert ' + a }, severity: 'warning' });
  }
  const { notifications } = alerts.update(candidates, new Date(now));
  for (const n of notifications) out('EMIT ' + n.id);
  hand(notifications);
  if (step % 5 === 0) {
    const firing = alerts.alerts().find((v) => v.state === 'firing');
    if (firing) {
      const r = alerts.ack(firing.fingerprint, 'child', 'r' + round);
      if (r.ok && r.notification) { out('EMIT ' + r.notification.id); hand([r.notification]); }
    }
  }
  await outbox.deliverDue();
}
`;

// Transpiling source/ for the child takes 14 s on a loaded 2-core machine: more than vitest's default 10 s.
beforeAll(() => {
  work = childWorkspace('airtop-crash-', CHILD);
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Runs the child and kills it with SIGKILL after a random number (0-15) of emitted notifications, i.e. at a
 * random point of its burst of writes whatever the machine's load. Returns its complete output lines.
 */
function crashRound(stateDir: string, deliveredLog: string, round: number): Promise<string[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(work, 'child.mjs'), stateDir, deliveredLog, String(round)], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const killAfter = Math.floor(Math.random() * 16);
    let killed = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (!killed && stdout.includes('READY\n') && (stdout.match(/^EMIT /gm)?.length ?? 0) >= killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') return reject(new Error(`child ended by itself (code ${code}): ${stderr}`));
      // A line cut by the kill is not a promise the child made; keep complete lines only.
      resolvePromise(stdout.split('\n').slice(0, -1));
    });
  });
}

/** ROUNDS crashes over one state dir; returns every notification id the children reported as emitted. */
async function lane(stateDir: string, deliveredLog: string): Promise<string[]> {
  const emitted: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const lines = await crashRound(stateDir, deliveredLog, round);
    expect(
      lines.filter((l) => l.startsWith('PROBLEM')),
      `round ${round}`,
    ).toEqual([]);
    expect(lines[0], `round ${round} started`).toBe('READY');
    emitted.push(...lines.filter((l) => l.startsWith('EMIT ')).map((l) => l.slice(5)));
    // Both files parse after every crash (no half-written file, ever); a kill before the first write leaves none.
    expect(
      readJsonState(join(stateDir, 'alerts.json'), parseAlertState).status,
      `alerts.json after round ${round}`,
    ).not.toBe('corrupt');
    expect(
      readJsonState(join(stateDir, 'outbox.json'), parseOutboxState).status,
      `outbox.json after round ${round}`,
    ).not.toBe('corrupt');
  }
  return emitted;
}

/** Recovers as the notifier does, then returns the emitted ids that are neither queued nor delivered. */
async function lostAfterRecovery(stateDir: string, deliveredLog: string, emitted: string[]) {
  const problems: string[] = [];
  const alerts = createAlertManager({
    stateDir,
    repeatIntervalSeconds: 60,
    defaultChannels: ['slack'],
    onProblem: (m) => problems.push(m),
  });
  await alerts.load();
  const idle: Sink = {
    name: 'slack',
    mode: 'queue',
    describe: () => '',
    deliver: async () => ({ ok: false, permanent: false, reason: 'held' }),
  };
  const outbox = createOutbox({ stateDir, sinks: [idle], onProblem: (m) => problems.push(m) });
  outbox.enqueue(alerts.pending().map((n) => ({ id: `${n.id}>slack`, sink: 'slack', payload: n })));
  alerts.handedOff(alerts.pending().map((n) => n.id));
  const queued = new Set(outbox.queued('slack').map((i) => i.id.replace(/>slack$/, '')));
  const delivered = readFileSync(deliveredLog, 'utf8').split('\n').filter(Boolean);
  const deliveredSet = new Set(delivered);
  return {
    problems,
    lost: emitted.filter((id) => !queued.has(id) && !deliveredSet.has(id)),
    duplicates: delivered.length - deliveredSet.size,
    temps: readdirSync(stateDir).filter((f) => f.endsWith('.tmp')),
  };
}

describe('kill -9 during writes', () => {
  it(`loses no notification and never corrupts state, over ${LANES * ROUNDS} crashes`, async () => {
    const lanes = Array.from({ length: LANES }, (_, i) => ({
      stateDir: join(work, `state-${i}`),
      deliveredLog: join(work, `delivered-${i}.log`),
    }));
    for (const l of lanes) writeFileSync(l.deliveredLog, '');
    // allSettled: a failing lane must not leave the other one writing after cleanup.
    const settled = await Promise.allSettled(lanes.map((l) => lane(l.stateDir, l.deliveredLog)));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const emitted = settled.map((r) => (r as PromiseFulfilledResult<string[]>).value);
    for (const [i, l] of lanes.entries()) {
      expect(emitted[i]!.length).toBeGreaterThan(ROUNDS);
      expect(readJsonState(join(l.stateDir, 'alerts.json'), parseAlertState).status).toBe('ok');
      const result = await lostAfterRecovery(l.stateDir, l.deliveredLog, emitted[i]!);
      expect(result.problems).toEqual([]);
      expect(result.lost).toEqual([]);
      // At-least-once across a kill between send and removal, but never more than once per crash.
      expect(result.duplicates).toBeLessThanOrEqual(ROUNDS);
      // Temp files of killed writers were cleaned up on load.
      expect(result.temps).toEqual([]);
    }
  }, 60_000);
});
