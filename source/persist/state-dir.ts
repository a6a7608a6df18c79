import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

// The state dir is created one level at a time, each step checked. Node's recursive mkdir retries a parent
// that answers ENOENT to mkdir (as /proc and some FUSE mounts do) forever, synchronously: airtop then never
// polls and cannot even be stopped by a signal. Here every path ends in a directory or a clear error.

/** Deeper than this is not a directory someone meant. */
const MAX_LEVELS = 64;

export class StateDirError extends Error {
  override name = 'StateDirError';
}

const codeOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/** Creates `dir` (mode 0700) and any missing parents; throws StateDirError naming the level that failed. */
export function ensureDir(dir: string): void {
  const missing: string[] = [];
  let current = resolve(dir);
  for (let level = 0; ; level += 1) {
    if (level > MAX_LEVELS) throw new StateDirError(`${dir} is more than ${MAX_LEVELS} levels deep`);
    try {
      if (!statSync(current).isDirectory()) throw new StateDirError(`${current} exists and is not a directory`);
      break;
    } catch (error) {
      if (error instanceof StateDirError) throw error;
      if (codeOf(error) !== 'ENOENT' && codeOf(error) !== 'ENOTDIR')
        throw new StateDirError(`cannot inspect ${current} (${codeOf(error)})`);
      missing.unshift(current);
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  for (const level of missing) {
    try {
      mkdirSync(level, { mode: 0o700 });
    } catch (error) {
      if (codeOf(error) === 'EEXIST' && statSync(level, { throwIfNoEntry: false })?.isDirectory()) continue;
      throw new StateDirError(`cannot create ${level} (${codeOf(error)})`);
    }
  }
}

/** The state dir made ready for writing, or an error saying what to change (the CLI exits 3 with it). */
export function prepareStateDir(dir: string): void {
  try {
    ensureDir(dir);
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const why = error instanceof StateDirError ? error.message : `it is not writable (${codeOf(error)})`;
    throw new StateDirError(
      `the state dir ${dir} is not usable: ${why}; set alerts.state_dir (or XDG_STATE_HOME) to a writable directory`,
    );
  }
}
