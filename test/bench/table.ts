// Formatting of the bench's results: a fixed-width table, ratios and PASS/FAIL lines. Pure.

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes >= 1048576) return `${(bytes / 1048576).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export interface Target {
  name: string;
  /** null when it could not be measured (a size not selected, a budget hit). */
  pass: boolean | null;
  detail: string;
}

export function targetLine(target: Target): string {
  const verdict = target.pass === null ? 'N/A ' : target.pass ? 'PASS' : 'FAIL';
  return `${verdict}  ${target.name}: ${target.detail}`;
}

export function ratio(slow: number | null | undefined, fast: number | null | undefined): number | null {
  if (slow === null || slow === undefined || fast === null || fast === undefined || fast <= 0) return null;
  return slow / fast;
}

export const formatRatio = (value: number | null): string =>
  value === null ? '—' : `${value >= 10 ? value.toFixed(0) : value.toFixed(1)}×`;
