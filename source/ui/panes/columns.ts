import { fit } from '../format.js';

// Fixed-width columns around one flexible column, dropping the least important ones on a narrow screen.

export interface Column<R> {
  title: string;
  width: number;
  align?: 'left' | 'right';
  cell(row: R): string;
}

/** Keeps columns in the given order of importance while the flexible column stays at least `minFlex` wide. */
export function fitColumns<R>(byImportance: Column<R>[], total: number, minFlex: number): { columns: Column<R>[]; flex: number } {
  const kept: Column<R>[] = [];
  let used = 0;
  for (const col of byImportance) {
    if (total - used - col.width - 1 < minFlex) break;
    kept.push(col);
    used += col.width + 1;
  }
  // Show them in the order they were declared, not the order of importance.
  const columns = byImportance.filter((c) => kept.includes(c));
  return { columns, flex: Math.max(1, total - used) };
}

export function renderCells<R>(columns: Column<R>[], row: R): string {
  return columns.map((c) => ' ' + fit(c.cell(row), c.width, c.align ?? 'right')).join('');
}

export function renderTitles<R>(columns: Column<R>[]): string {
  return columns.map((c) => ' ' + fit(c.title, c.width, c.align ?? 'right')).join('');
}
