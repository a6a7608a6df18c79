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

export function announcePresence(stateDir: string, role: string): Presence {
  const dir = join(stateDir, 'processes');
  const host = hostname();
  const mine = join(dir, `${host.replace(/[^A-Za-z0-9._-]/g, '_')}-${process.pid}.json`);
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
    writeFileSync(mine, JSON.stringify({ pid: process.pid, host, role, startedAt: new Date().toISOString() }), {
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
