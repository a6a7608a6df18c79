import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { withFileLock } from '../alerts/file-lock.js';
import { writeJsonAtomic } from '../persist/json-file.js';

// HA without paging twice: daemons that share one state dir (a shared volume) hold a lease in it. Only the
// holder polls, alerts and notifies; the others wait as standbys and take over when the holder has not
// renewed for ttl seconds. The new holder reads the same alerts.json and outbox, so nothing already sent is
// sent again and nothing queued is lost. Clocks of the hosts must agree to well under the ttl (NTP).

export const LEASE_FILE = 'leader.json';

export interface LeaseHolder {
  id: string;
  host: string;
  pid: number;
  renewedAt: string;
  ttlSeconds: number;
}

export interface Lease {
  readonly holder: LeaseHolder;
  /** Resolves when the lease is lost (another holder took it, e.g. after this process was paused too long). */
  readonly lost: Promise<string>;
  release(): void;
}

export interface LeaseOptions {
  stateDir: string;
  ttlSeconds: number;
  clock?: () => Date;
  /** Told once while waiting, with who holds the lease. */
  onStandby?: (holder: LeaseHolder) => void;
  /** Stop waiting (shutdown). */
  signal?: AbortSignal;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LeaseHolder | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LeaseHolder>;
    if (typeof value.id !== 'string' || typeof value.renewedAt !== 'string' || typeof value.ttlSeconds !== 'number')
      return null;
    return value as LeaseHolder;
  } catch {
    return null;
  }
}

/** Takes or renews the lease when free, expired or ours; returns the holder after the attempt. */
function attempt(path: string, me: Omit<LeaseHolder, 'renewedAt'>, now: Date): { mine: boolean; holder: LeaseHolder } {
  return withFileLock(`${path}.lock`, () => {
    const current = readHolder(path);
    // A holder on this host whose process is gone (kill -9, crash) is replaced at once, not after the ttl.
    const dead = current !== null && current.host === me.host && current.pid !== me.pid && !alive(current.pid);
    const expired = !current || dead || now.getTime() - Date.parse(current.renewedAt) > current.ttlSeconds * 1000;
    if (current && !expired && current.id !== me.id) return { mine: false, holder: current };
    const holder = { ...me, renewedAt: now.toISOString() };
    writeJsonAtomic(path, holder);
    return { mine: true, holder };
  });
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Waits until this process holds the lease (null when aborted first), then renews it every ttl/3. */
export async function acquireLease(options: LeaseOptions): Promise<Lease | null> {
  const clock = options.clock ?? (() => new Date());
  const path = join(options.stateDir, LEASE_FILE);
  const me = { id: randomUUID(), host: hostname(), pid: process.pid, ttlSeconds: options.ttlSeconds };
  const every = Math.max(500, (options.ttlSeconds * 1000) / 3);
  let told = false;
  let result = attempt(path, me, clock());
  while (!result.mine) {
    if (!told) options.onStandby?.(result.holder);
    told = true;
    await sleep(every, options.signal);
    if (options.signal?.aborted) return null;
    result = attempt(path, me, clock());
  }
  let holder = result.holder;
  let onLost: (reason: string) => void = () => undefined;
  const lost = new Promise<string>((resolve) => (onLost = resolve));
  const timer = setInterval(() => {
    try {
      const renewed = attempt(path, me, clock());
      if (renewed.mine) holder = renewed.holder;
      else {
        clearInterval(timer);
        onLost(`daemon ${renewed.holder.host} pid ${renewed.holder.pid} took the lease on ${path}`);
      }
    } catch (error) {
      // A shared volume that refuses writes: a standby may take over, so stop rather than page twice.
      onLost(`cannot renew the lease on ${path}: ${(error as Error).message}`);
      clearInterval(timer);
    }
  }, every);
  timer.unref();
  return {
    get holder() {
      return holder;
    },
    lost,
    release() {
      clearInterval(timer);
      withFileLock(`${path}.lock`, () => {
        const current = readHolder(path);
        // Expire it now, so a standby takes over at its next check instead of after the ttl.
        if (current?.id === me.id) writeJsonAtomic(path, { ...current, renewedAt: new Date(0).toISOString() });
      });
    },
  };
}
