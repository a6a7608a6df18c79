// sla_miss_history is a log several writers append to: the reference's _log_sla_miss reads the Variable,
// appends one notification and keeps the last 100. airtop does the same with the entries it made, so the
// reference's DAGs (or anyone else) writing beside it lose nothing. Pure: the sink does the reading and writing.

export type HistoryMerge =
  | { ok: true; value: unknown[]; appended: number }
  /** The Variable holds something that is not a JSON list: it is left alone, and `reason` says what it holds. */
  | { ok: false; reason: string };

/**
 * An entry's identity: the reference notification's own fields that tell two notifications apart (the same
 * task's miss at another level, or repeated later, differs in escalation_level or timestamp).
 */
export function historyIdentity(entry: unknown): string | null {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return null;
  const e = entry as Record<string, unknown>;
  return JSON.stringify([
    e.type ?? null,
    e.dag_id ?? null,
    e.task_id ?? null,
    e.execution_date ?? null,
    e.escalation_level ?? null,
    e.timestamp ?? null,
  ]);
}

/** The reference writes naive UTC isoformat() ("2024-06-01T12:00:00.123456"); airtop ISO 8601 with Z. */
function entryTime(entry: unknown): number | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const ts = (entry as Record<string, unknown>).timestamp;
  if (typeof ts !== 'string') return null;
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/.test(ts) ? ts : `${ts}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? null : ms;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Appends to what the Variable holds (`existingRaw`, null when it does not exist) the entries of `ours`
 * (oldest first) it does not hold yet, and keeps the last `cap`, as _log_sla_miss does.
 *
 * Only entries newer than the last of ours already there are appended, so an entry that aged out of the
 * Variable under the cap is not written a second time at the end. When none of ours is there and the
 * Variable is full, ours older than its oldest entry aged out the same way and are not appended either.
 */
export function mergeSlaHistory(
  existingRaw: string | null,
  ours: readonly Record<string, unknown>[],
  cap: number,
): HistoryMerge {
  let existing: unknown[] = [];
  if (existingRaw !== null && existingRaw.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(existingRaw);
    } catch (error) {
      return { ok: false, reason: `is not valid JSON (${(error as Error).message})` };
    }
    if (!Array.isArray(parsed)) return { ok: false, reason: `holds ${describeValue(parsed)}, not a list` };
    existing = parsed;
  }

  const present = new Set(existing.map(historyIdentity).filter((id): id is string => id !== null));
  let lastPresent = -1;
  ours.forEach((entry, i) => {
    const id = historyIdentity(entry);
    if (id !== null && present.has(id)) lastPresent = i;
  });

  let candidates = ours.slice(lastPresent + 1);
  if (lastPresent === -1 && existing.length >= cap) {
    const times = existing.map(entryTime).filter((t): t is number => t !== null);
    if (times.length > 0) {
      let oldest = times[0]!;
      for (const t of times) if (t < oldest) oldest = t;
      candidates = candidates.filter((entry) => (entryTime(entry) ?? Number.POSITIVE_INFINITY) >= oldest);
    }
  }
  const added = candidates.filter((entry) => {
    const id = historyIdentity(entry);
    return id === null || !present.has(id);
  });
  return { ok: true, value: [...existing, ...added].slice(-Math.max(1, cap)), appended: added.length };
}
