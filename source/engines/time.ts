// Time formats the reference writes with Python's strftime / str(timedelta), reproduced so that the keys of
// its Variables and the text of its notifications stay the same.

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `now.strftime("%Y-%m-%d-%H")` in UTC: the processing Variable's hour bucket key. */
export function hourKey(now: Date): string {
  return `${dayKey(now)}-${pad2(now.getUTCHours())}`;
}

/** `now.strftime("%Y-%m-%d")` in UTC: the cost Variable's day bucket key. */
export function dayKey(now: Date): string {
  return `${now.getUTCFullYear()}-${pad2(now.getUTCMonth() + 1)}-${pad2(now.getUTCDate())}`;
}

export const DAY_KEY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Milliseconds since the epoch, or null for a missing or unparseable time. */
export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Python's str(timedelta): "0:12:30", "1 day, 2:03:04", "2 days, 0:00:00", "0:00:01.500000",
 * and for negative spans "-1 day, 23:59:59" (days are floored, the rest is positive).
 */
export function formatTimedelta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '0:00:00';
  const totalMicros = Math.round(seconds * 1e6);
  const microsPerDay = 86_400 * 1e6;
  const days = Math.floor(totalMicros / microsPerDay);
  const rest = totalMicros - days * microsPerDay;
  const wholeSeconds = Math.floor(rest / 1e6);
  const micros = rest - wholeSeconds * 1e6;
  const h = Math.floor(wholeSeconds / 3600);
  const m = Math.floor((wholeSeconds % 3600) / 60);
  const s = wholeSeconds % 60;
  let text = `${h}:${pad2(m)}:${pad2(s)}`;
  if (micros > 0) text += `.${String(micros).padStart(6, '0')}`;
  if (days !== 0) text = `${days} day${Math.abs(days) === 1 ? '' : 's'}, ${text}`;
  return text;
}
