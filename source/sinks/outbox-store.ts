import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { withFileLock } from '../alerts/file-lock.js';
import { PROCESS_STARTED_AT, presenceFile } from '../alerts/shared-dir.js';
import { readJsonState, writeJsonAtomic } from '../persist/json-file.js';
import { redactSecrets } from '../text/redact.js';
import { sanitizeText } from '../text/sanitize.js';
import {
  emptyOutboxState,
  parseOutboxState,
  RECENT_IDS_CAPACITY,
  type OutboxOwner,
  type OutboxState,
  type QueuedItem,
} from './outbox-state.js';

// outbox.json as shared by every airtop process on one state dir (a TUI beside the daemon). Each change is a
// read-modify-write under outbox.json.lock, so no process overwrites what another queued, delivered or
// dead-lettered. Every entry names its owner, the only process that sends it; entries of an owner that is
// gone (killed, or exited with work left) are adopted under the same lock, so exactly one live process takes
// them over.

export function currentOwner(): OutboxOwner {
  return { host: hostname(), pid: process.pid, startedAt: PROCESS_STARTED_AT };
}

export const sameOwner = (a: OutboxOwner | undefined, b: OutboxOwner): boolean =>
  a !== undefined && a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function registeredStart(stateDir: string, owner: OutboxOwner): string | null {
  try {
    const entry = JSON.parse(readFileSync(presenceFile(stateDir, owner.host, owner.pid), 'utf8')) as {
      startedAt?: unknown;
    };
    return typeof entry.startedAt === 'string' ? entry.startedAt : null;
  } catch {
    return null;
  }
}

/** A process's outbox heartbeat beside its presence file: its start instant, rewritten every adoption check. */
export const heartbeatFile = (stateDir: string, owner: OutboxOwner): string =>
  presenceFile(stateDir, owner.host, owner.pid).replace(/\.json$/, '.outbox');

/** How long a heartbeat of a process on another host may be silent before its entries are adopted. */
export const OWNER_STALE_MS = 30_000;

function beatFresh(stateDir: string, owner: OutboxOwner, staleMs: number): boolean {
  try {
    const file = heartbeatFile(stateDir, owner);
    return readFileSync(file, 'utf8') === owner.startedAt && Date.now() - statSync(file).mtimeMs <= staleMs;
  } catch {
    return false;
  }
}

/**
 * Whether an entry's owner may still send it. A process on another host (a shared volume) cannot be probed:
 * its heartbeat file must be fresh. On this host: its pid must be alive, and not reused — by this very
 * process (an instance that started before this process, with this pid, is over), nor by another airtop
 * whose presence file says it started at another instant.
 */
export function ownerAlive(
  stateDir: string,
  owner: OutboxOwner | undefined,
  me: OutboxOwner,
  staleMs = OWNER_STALE_MS,
): boolean {
  if (owner === undefined) return false;
  if (sameOwner(owner, me)) return true;
  if (owner.host !== me.host) return beatFresh(stateDir, owner, staleMs);
  if (owner.pid === process.pid) return owner.startedAt >= PROCESS_STARTED_AT;
  if (!pidAlive(owner.pid)) return false;
  const registered = registeredStart(stateDir, owner);
  return registered === null || registered === owner.startedAt;
}

export interface OutboxStore {
  /** The state as last read or written under the lock; others may have changed the file since. */
  readonly state: OutboxState;
  /**
   * Under the lock: re-reads the file, adopts entries of owners that are gone, applies `change` (which says
   * whether it changed anything) and writes when anything changed. Returns what `change` returned.
   */
  mutate(change: (state: OutboxState) => boolean): boolean;
  /** Adopts entries of owners that are gone, if the file (read without the lock) shows any; returns how many. */
  adoptOrphans(): number;
}

export interface StoreOptions {
  path: string;
  stateDir: string;
  owner: OutboxOwner;
  clock: () => Date;
  problem: (message: string) => void;
  /** See OWNER_STALE_MS. */
  ownerStaleMs?: number;
}

export function openOutboxStore(options: StoreOptions): OutboxStore {
  const { path, owner, problem } = options;
  let state: OutboxState = emptyOutboxState();
  let loaded = false;
  /** How many entries the last refresh adopted. */
  let adopted = 0;

  const alive = () => {
    // One probe per owner per pass: a queue of a thousand entries has a handful of owners.
    const seen = new Map<string, boolean>();
    return (entry: QueuedItem) => {
      const key = entry.owner ? `${entry.owner.host}|${entry.owner.pid}|${entry.owner.startedAt}` : '';
      let answer = seen.get(key);
      if (answer === undefined)
        seen.set(key, (answer = ownerAlive(options.stateDir, entry.owner, owner, options.ownerStaleMs)));
      return answer;
    };
  };

  function adopt(into: OutboxState): number {
    const isAlive = alive();
    let count = 0;
    const gone = new Set<string>();
    const take = (entry: QueuedItem): QueuedItem => {
      if (isAlive(entry)) return entry;
      count += 1;
      if (entry.owner) gone.add(heartbeatFile(options.stateDir, entry.owner));
      return { ...entry, owner };
    };
    into.items = into.items.map(take);
    into.latest = Object.fromEntries(Object.entries(into.latest).map(([sink, entry]) => [sink, take(entry)]));
    // Its heartbeat says nothing any more (and a reused pid's new process writes its own).
    for (const file of gone) if (file !== heartbeatFile(options.stateDir, owner)) removeQuietly(file);
    return count;
  }

  /** Re-reads the file; true when the state read differs from the file (scrubbed, adopted, or rebuilt). */
  function refresh(): boolean {
    const read = readJsonState(path, parseOutboxState, options.clock());
    let dirty = false;
    if (read.status === 'ok') state = read.value;
    else if (read.status === 'corrupt') {
      problem(read.message);
      // Mid-run, the last state this process saw beats an empty one: its own queue is in it.
      if (!loaded) state = emptyOutboxState();
      else dirty = true;
    } else if (loaded)
      dirty = state.items.length > 0 || Object.keys(state.latest).length > 0 || state.deadLetters.length > 0;
    loaded = true;
    // Dead letters written by an older airtop may hold a secret a receiver echoed: scrub them as they load.
    const before = JSON.stringify(state.deadLetters);
    state.deadLetters = state.deadLetters.map((letter) => ({
      ...letter,
      reason: redactSecrets(sanitizeText(letter.reason)),
      summary: redactSecrets(sanitizeText(letter.summary)),
    }));
    if (JSON.stringify(state.deadLetters) !== before) dirty = true;
    adopted = adopt(state);
    return adopted > 0 || dirty;
  }

  function write(): void {
    state.recentIds = [...new Set(state.recentIds)].slice(-RECENT_IDS_CAPACITY);
    try {
      writeJsonAtomic(path, state);
    } catch (error) {
      problem(
        `cannot save the outbox to ${path}: ${(error as Error).message}; queued notifications would be lost on a crash`,
      );
    }
  }

  const locked = <T>(fn: () => T): T => withFileLock(`${path}.lock`, fn, { onProblem: problem });

  function mutate(change: (s: OutboxState) => boolean): boolean {
    return locked(() => {
      const dirty = refresh();
      const changed = change(state);
      if (dirty || changed) write();
      return changed;
    });
  }

  function beat(): void {
    const file = heartbeatFile(options.stateDir, owner);
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, owner.startedAt, { mode: 0o600 });
    } catch {
      // A read-only dir: the outbox save reports that itself; same-host checks do not need the heartbeat.
    }
  }
  beat();
  sweepHeartbeats(options.stateDir, owner);

  function orphansOnDisk(): boolean {
    try {
      const peek = parseOutboxState(JSON.parse(readFileSync(path, 'utf8')));
      const isAlive = alive();
      return [...peek.items, ...Object.values(peek.latest)].some((entry) => !isAlive(entry));
    } catch {
      // Missing or unreadable: the next locked change deals with it.
      return false;
    }
  }

  return {
    get state() {
      return state;
    },
    mutate,
    adoptOrphans() {
      beat();
      if (!orphansOnDisk()) return 0;
      return locked(() => {
        if (refresh()) write();
        return adopted;
      });
    },
  };
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

/** Heartbeats of processes on this host that are gone (a clean exit leaves its own): one file per run otherwise piles up. */
function sweepHeartbeats(stateDir: string, me: OutboxOwner): void {
  const prefix = `${me.host.replace(/[^A-Za-z0-9._-]/g, '_')}-`;
  try {
    for (const name of readdirSync(join(stateDir, 'processes'))) {
      if (!name.startsWith(prefix) || !name.endsWith('.outbox')) continue;
      const pid = Number(name.slice(prefix.length, -'.outbox'.length));
      if (Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) removeQuietly(join(stateDir, 'processes', name));
    }
  } catch {
    // No processes/ dir: nothing to sweep.
  }
}
