import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

// Recent operator actions, as the actions feature records them: JSON lines in <state dir>/actions.log.
// The hub only reads the file's tail (bounded), so a long log costs nothing, and shows lines that parse
// as JSON objects, newest last.

export const ACTIONS_LOG = 'actions.log';
const TAIL_BYTES = 256 * 1024;

export function recentActions(
  stateDir: string,
  limit: number,
): { actions: Record<string, unknown>[]; available: boolean } {
  let fd: number;
  try {
    fd = openSync(join(stateDir, ACTIONS_LOG), 'r');
  } catch {
    return { actions: [], available: false };
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    // The first line of a tail read may be cut in half.
    if (length < size) lines.shift();
    const actions: Record<string, unknown>[] = [];
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        const value: unknown = JSON.parse(line);
        if (value && typeof value === 'object' && !Array.isArray(value)) actions.push(value as Record<string, unknown>);
      } catch {
        // A line being written right now, or not JSON: skip it.
      }
    }
    return { actions: actions.slice(-limit), available: true };
  } finally {
    closeSync(fd);
  }
}
