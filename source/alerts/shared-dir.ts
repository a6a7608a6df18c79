import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

// Which airtop processes use a state dir right now: each writes <state dir>/processes/<host>-<pid>.json and
// removes it on exit. A second process can then say it shares the dir (acks and silences are merged under a
// lock, but each process polls Airflow and may notify). Files of processes that died are removed by the next start.

export interface Presence {
  /** Other live processes on this dir when this one started. */
  others: { pid: number; host: string; role: string; startedAt: string }[];
  leave(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When this process started: with host and pid, it names this run of airtop (a pid is reused after a process
 * dies). The outbox marks its entries with it and checks it against the presence file before adopting them.
 */
export const PROCESS_STARTED_AT = new Date(Date.now() - Math.round(process.uptime() * 1000)).toISOString();

/** The presence file of a process: <state dir>/processes/<host>-<pid>.json. */
export function presenceFile(stateDir: string, host: string, pid: number): string {
  return join(stateDir, 'processes', `${host.replace(/[^A-Za-z0-9._-]/g, '_')}-${pid}.json`);
}

export function announcePresence(stateDir: string, role: string): Presence {
  const dir = join(stateDir, 'processes');
  const host = hostname();
  const mine = presenceFile(stateDir, host, process.pid);
  const others: Presence['others'] = [];
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (path === mine || !name.endsWith('.json')) continue;
      try {
        const entry = JSON.parse(readFileSync(path, 'utf8')) as Presence['others'][number];
        // Another host's process cannot be probed; a local one that is gone is cleaned up.
        if (entry.host === host && !alive(entry.pid)) unlinkSync(path);
        else others.push(entry);
      } catch {
        // Half-written or foreign: not ours to judge.
      }
    }
    writeFileSync(mine, JSON.stringify({ pid: process.pid, host, role, startedAt: PROCESS_STARTED_AT }), {
      mode: 0o600,
    });
  } catch {
    // A read-only state dir: the alert store reports that itself.
  }
  return {
    others,
    leave() {
      try {
        unlinkSync(mine);
      } catch {
        // Already gone.
      }
    },
  };
}

export function describeSharing(stateDir: string, others: Presence['others']): string | null {
  if (others.length === 0) return null;
  const who = others.map((o) => `${o.role} pid ${o.pid}${o.host === hostname() ? '' : ` on ${o.host}`}`).join(', ');
  return `state dir ${stateDir} is shared with airtop ${who}: acks and silences are merged, but each process polls Airflow; use --attach to poll once for everyone`;
}
