import {
  closeSync,
  copyFileSync,
  fsyncSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ensureDir } from './state-dir.js';

// State that must survive kill -9 and power loss (alerts, acks, silences, notification log, outbox) is
// written the way Alertmanager writes its snapshots: a temp file, fsynced, renamed over the old one, then
// the directory fsynced so the rename itself is durable. A reader sees the old file or the new one, never half.

const TMP_SUFFIX = '.tmp';

/** The last good copy of a state file kept with `backup: true`: what it was before the latest replace. */
export const backupPath = (path: string): string => `${path}.bak`;

/**
 * Writes `value` as JSON to `path` atomically. Throws only when the disk refuses (full, read-only, no
 * permission). With `backup`, the file being replaced is first kept (atomically too) as `<path>.bak`,
 * which `readJsonState` falls back to when the file itself is damaged: acks and silences survive.
 * `trusted`: the caller wrote or parsed the file being replaced, so it need not be read again to be kept.
 */
export function writeJsonAtomic(
  path: string,
  value: unknown,
  options: { backup?: boolean; trusted?: boolean } = {},
): void {
  const dir = dirname(path);
  ensureDir(dir);
  if (options.backup) keepBackup(path, options.trusted === true);
  const tmp = `${path}.${process.pid}${TMP_SUFFIX}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(value));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDirectory(dir);
}

/**
 * The file about to be replaced becomes the backup. Every write renames a new file over `path`, so the old
 * one is never changed again: a hard link keeps it without copying a byte (a copy where links are refused).
 */
function keepBackup(path: string, trusted: boolean): void {
  const tmp = `${backupPath(path)}.${process.pid}${TMP_SUFFIX}`;
  try {
    // Only a file that still parses is worth keeping as the fallback.
    if (!trusted) JSON.parse(readFileSync(path, 'utf8'));
    try {
      unlinkSync(tmp);
    } catch {
      // No leftover from an interrupted write.
    }
    try {
      linkSync(path, tmp);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
      copyFileSync(path, tmp);
    }
    renameSync(tmp, backupPath(path));
  } catch {
    // No file yet, or a damaged one: keep the backup there is.
  }
}

function fsyncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export type StateRead<T> =
  | { status: 'missing' }
  | { status: 'ok'; value: T }
  /**
   * The file was unreadable or not airtop's shape; it was moved aside. `fallback` is the last good copy
   * (`<path>.bak`) when asked for and usable, else the caller starts empty.
   */
  | { status: 'corrupt'; message: string; fallback?: T };

/**
 * Reads a JSON state file. `parse` returns null (or throws) when the content is not the expected shape.
 * A bad file is renamed to `<file>.corrupt-<time>` so nothing is lost and the next write does not
 * overwrite the evidence; the message says where it went.
 */
export function readJsonState<T>(
  path: string,
  parse: (raw: unknown) => T | null,
  now: Date = new Date(),
  options: { backup?: boolean } = {},
): StateRead<T> {
  const read = readPrimary(path, parse, now);
  if (read.status !== 'corrupt' || !options.backup) return read;
  const fallback = readBackup(path, parse);
  if (fallback === null) return read;
  return {
    status: 'corrupt',
    message: `${read.message.replace(/ and started with empty state$/, '')}; restored the last good copy ${backupPath(path)}`,
    fallback,
  };
}

/** The backup's content when it parses into the expected shape, else null. */
export function readBackup<T>(path: string, parse: (raw: unknown) => T | null): T | null {
  try {
    return parse(JSON.parse(readFileSync(backupPath(path), 'utf8')));
  } catch {
    return null;
  }
}

function readPrimary<T>(path: string, parse: (raw: unknown) => T | null, now: Date): StateRead<T> {
  removeStaleTemps(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return { status: 'corrupt', message: `cannot read ${path}: ${(error as Error).message}; check its permissions` };
  }
  let reason: string;
  try {
    const value = parse(JSON.parse(text));
    if (value !== null) return { status: 'ok', value };
    reason = 'it is not in the shape airtop writes';
  } catch (error) {
    reason = (error as Error).message;
  }
  const aside = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(path, aside);
    return {
      status: 'corrupt',
      message: `${path} could not be loaded (${reason}); moved it to ${aside} and started with empty state`,
    };
  } catch (error) {
    return {
      status: 'corrupt',
      message: `${path} could not be loaded (${reason}) nor moved aside (${(error as Error).message}); starting with empty state`,
    };
  }
}

/** A temp file left by a process killed mid-write is garbage: the real file is intact. */
function removeStaleTemps(path: string): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(TMP_SUFFIX)) continue;
    const pid = Number(name.slice(prefix.length, -TMP_SUFFIX.length));
    if (pid === process.pid || (Number.isInteger(pid) && processAlive(pid))) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Already gone: nothing to clean.
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
