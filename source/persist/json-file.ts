import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// State that must survive kill -9 and power loss (alerts, acks, silences, notification log, outbox) is
// written the way Alertmanager writes its snapshots: a temp file, fsynced, renamed over the old one, then
// the directory fsynced so the rename itself is durable. A reader sees the old file or the new one, never half.

const TMP_SUFFIX = '.tmp';

/** Writes `value` as JSON to `path` atomically. Throws only when the disk refuses (full, read-only, no permission). */
export function writeJsonAtomic(path: string, value: unknown): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
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
  /** The file was unreadable or not airtop's shape; it was moved aside and the caller starts empty. */
  | { status: 'corrupt'; message: string };

/**
 * Reads a JSON state file. `parse` returns null (or throws) when the content is not the expected shape.
 * A bad file is renamed to `<file>.corrupt-<time>` so nothing is lost and the next write does not
 * overwrite the evidence; the message says where it went.
 */
export function readJsonState<T>(path: string, parse: (raw: unknown) => T | null, now: Date = new Date()): StateRead<T> {
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
    return { status: 'corrupt', message: `${path} could not be loaded (${reason}); moved it to ${aside} and started with empty state` };
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
