import { open, readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditRecord } from './types.js';

// actions.log in the state dir: one JSON object per line, appended and fsynced before the result is shown,
// so the record of what was asked of Airflow survives a crash right after.

export const AUDIT_FILE = 'actions.log';

export async function appendAudit(stateDir: string, record: AuditRecord): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const file = await open(join(stateDir, AUDIT_FILE), 'a', 0o600);
  try {
    await file.write(`${JSON.stringify(record)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** The newest `limit` records, oldest first; a torn or foreign line is skipped, a missing file is no records. */
export async function readRecentAudit(stateDir: string, limit = 20): Promise<AuditRecord[]> {
  let text: string;
  try {
    text = await readFile(join(stateDir, AUDIT_FILE), 'utf8');
  } catch {
    return [];
  }
  const records: AuditRecord[] = [];
  for (const line of text.split('\n').slice(-(limit * 2 + 1))) {
    if (!line.trim()) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed && typeof parsed === 'object' && 'action' in parsed && 'at' in parsed)
        records.push(parsed as AuditRecord);
    } catch {
      // a line cut by a crash mid-write: the others still count
    }
  }
  return records.slice(-limit);
}
