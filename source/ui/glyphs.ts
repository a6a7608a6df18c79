// Unicode drawings that read without colour: sparklines, stacked bars, Gantt spans.

const SPARKS = '▁▂▃▄▅▆▇█';

/** The last `width` values as a sparkline, scaled between their own min and max. */
export function sparkline(values: readonly number[], width: number): string {
  const data = values.filter((v) => Number.isFinite(v)).slice(-width);
  if (data.length === 0) return '';
  const min = Math.min(...data);
  const max = Math.max(...data);
  const span = max - min;
  return data
    .map((v) => SPARKS[span === 0 ? 3 : Math.min(SPARKS.length - 1, Math.floor(((v - min) / span) * SPARKS.length))])
    .join('');
}

export interface Segment {
  chars: string;
  token: 'used' | 'queued' | 'open';
}

/** A bar `width` wide split into used / queued / open slots; used and queued round up so one slot shows. */
export function slotBar(used: number, queued: number, total: number, width: number): Segment[] {
  if (width <= 0) return [];
  if (total <= 0) return [{ chars: '░'.repeat(width), token: 'open' }];
  const cells = (n: number) => (n <= 0 ? 0 : Math.max(1, Math.round((n / total) * width)));
  const u = Math.min(width, cells(used));
  const q = Math.min(width - u, cells(queued));
  return [
    { chars: '█'.repeat(u), token: 'used' as const },
    { chars: '▒'.repeat(q), token: 'queued' as const },
    { chars: '░'.repeat(width - u - q), token: 'open' as const },
  ].filter((s) => s.chars.length > 0);
}

/** A proportion bar: `ratio` of `width` filled. */
export function ratioBar(ratio: number, width: number): string {
  const r = Number.isFinite(ratio) ? Math.max(0, Math.min(1, ratio)) : 0;
  const filled = Math.round(r * width);
  return '█'.repeat(filled) + '░'.repeat(Math.max(0, width - filled));
}

/** A span [start, end] within [from, to] drawn `width` wide: spaces before, at least one block inside. */
export function ganttBar(start: number, end: number, from: number, to: number, width: number): string {
  if (width <= 0 || !(to > from) || !Number.isFinite(start)) return ' '.repeat(Math.max(0, width));
  const scale = width / (to - from);
  const offset = Math.max(0, Math.min(width - 1, Math.floor((start - from) * scale)));
  const length = Math.max(1, Math.min(width - offset, Math.round((Math.max(end, start) - start) * scale)));
  return ' '.repeat(offset) + '█'.repeat(length) + ' '.repeat(width - offset - length);
}
