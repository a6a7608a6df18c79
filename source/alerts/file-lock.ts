import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

// A lock file next to a state file, so two airtop processes on one state dir (a TUI and the daemon, or two
// daemons in an HA pair) never interleave a read-modify-write of it. O_EXCL create is atomic on local
// filesystems and on NFSv3+; the holder's pid is inside, so a lock left by a killed process is taken over.

export interface LockOptions {
  /** Give up waiting after this long and run anyway (saying so): a stuck lock must not stop alerting. */
  timeoutMs?: number;
  /** A lock older than this is stale whoever holds it (a process on another host cannot be probed). */
  staleMs?: number;
  onProblem?: (message: string) => void;
}

/** How long a lock file may stay empty before it counts as abandoned. */
const EMPTY_GRACE_MS = 500;

const SLEEP = new Int32Array(new SharedArrayBuffer(4));

function sleepMs(ms: number): void {
  Atomics.wait(SLEEP, 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(path: string, token: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, token);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The lock is abandoned: its pid is gone (same host), or it is older than staleMs. */
function abandoned(path: string, staleMs: number): boolean {
  try {
    const [pidText] = readFileSync(path, 'utf8').split(' ');
    const pid = Number(pidText);
    const age = Date.now() - statSync(path).mtimeMs;
    if (age > staleMs) return true;
    // Empty: its creator was killed between creating and writing it (the two are microseconds apart).
    if (!Number.isInteger(pid) || pid <= 0) return age > EMPTY_GRACE_MS;
    return !alive(pid);
  } catch {
    // Removed between our create and our read: try again.
    return false;
  }
}

/** Runs `fn` holding `lockPath`; synchronous, because the alert store's writes are. */
export function withFileLock<T>(lockPath: string, fn: () => T, options: LockOptions = {}): T {
  const timeoutMs = options.timeoutMs ?? 3000;
  const staleMs = options.staleMs ?? 15_000;
  const token = `${process.pid} ${Date.now()} ${Math.random().toString(36).slice(2)}`;
  const deadline = Date.now() + timeoutMs;
  let held = false;
  try {
    mkdirSync(dirname(lockPath), { recursive: true, mode: 0o700 });
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      if (tryCreate(lockPath, token)) {
        held = true;
        break;
      }
      if (abandoned(lockPath, staleMs)) {
        try {
          unlinkSync(lockPath);
        } catch {
          // Another waiter removed it first.
        }
        continue;
      }
      if (Date.now() > deadline) {
        options.onProblem?.(
          `${lockPath} is held by another airtop process for over ${timeoutMs} ms; writing without it`,
        );
        break;
      }
      sleepMs(wait);
    }
  } catch (error) {
    options.onProblem?.(`cannot create the lock ${lockPath}: ${(error as Error).message}; writing without it`);
  }
  try {
    return fn();
  } finally {
    if (held) release(lockPath, token);
  }
}

function release(path: string, token: string): void {
  try {
    // Only our own lock: a stale-lock takeover may have replaced it.
    if (readFileSync(path, 'utf8') === token) unlinkSync(path);
  } catch {
    // Gone already.
  }
}
