// Text for cells. Pure; every function returns something printable for missing values ('—').

export const DASH = '—';

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return DASH;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/**
 * "<1m ago", "4m ago", then "2h05m ago"; future times (clock skew) read as "just now". Whole minutes, because
 * Ink redraws the whole screen whenever any text changes: a seconds counter would cost a frame every second.
 */
export function formatAge(fromIso: string | null | undefined, nowMs: number): string {
  if (!fromIso) return 'never';
  const at = Date.parse(fromIso);
  if (Number.isNaN(at)) return DASH;
  const seconds = Math.floor((nowMs - at) / 1000);
  if (seconds < 1) return 'just now';
  if (seconds < 60) return '<1m ago';
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  return `${formatDuration(seconds)} ago`;
}

/** "in 4m" (rounded up), "in <1m", and seconds for the last ten (the same frame budget as formatAge). */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s <= 10) return `in ${s}s`;
  if (s <= 60) return 'in <1m';
  if (s < 3600) return `in ${Math.ceil(s / 60)}m`;
  return `in ${formatDuration(s)}`;
}

/** Local wall-clock time HH:MM:SS: what an on-call engineer compares with their own clock. */
export function formatClock(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** MM-DD HH:MM:SS local. */
export function formatStamp(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${formatClock(iso)}`;
}

export function formatPct(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return DASH;
  return `${(rate * 100).toFixed(digits)}%`;
}

export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  if (Math.abs(value) < 1) return `$${value.toFixed(4)}`;
  return `$${value.toFixed(2)}`;
}

export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return DASH;
  return score.toFixed(1);
}

/** At most `width` characters, the cut marked with '…' as Ink's wrap="truncate" marks it; never padded. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/** Exactly `width` characters: truncated with '…' or padded. Cells of a row line up without a Box each. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const cut = truncate(text, width);
  return align === 'left' ? cut.padEnd(width) : cut.padStart(width);
}

/** Log lines may carry tabs and terminal escapes; either would break the layout or the terminal. */
export function printable(line: string): string {
  return (
    line
      .replace(/\t/g, '    ')
      // eslint-disable-next-line no-control-regex -- matching escape sequences is the point
      .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
      // eslint-disable-next-line no-control-regex -- and control characters
      .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
  );
}
