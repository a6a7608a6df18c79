import { Box, Text } from 'ink';
import { Fragment, type ReactNode } from 'react';
import { fit, truncate } from '../format.js';

// Tables are drawn a column at a time: one Text of lines per column, side by side, instead of a Box per cell.
// On every frame Ink lays out, measures and writes each Box and Text, so 40 rows × 8 cells cost ~650 nodes
// where 8 columns cost ~15. Ink also tokenizes every character it writes and measures non-ASCII text far more
// slowly than ASCII, so blanks are left unwritten where a Box can hold the width, and a column with glyphs
// (sparklines, '—') does not drag a whole row of ASCII onto the slow path.

export interface Column<R> {
  title: string;
  width: number;
  align?: 'left' | 'right';
  cell(row: R): string;
}

/** Keeps columns in the given order of importance while the flexible column stays at least `minFlex` wide. */
export function fitColumns<R>(
  byImportance: Column<R>[],
  total: number,
  minFlex: number,
): { columns: Column<R>[]; flex: number } {
  const kept: Column<R>[] = [];
  let used = 0;
  for (const col of byImportance) {
    if (total - used - col.width - 1 < minFlex) break;
    kept.push(col);
    used += col.width + 1;
  }
  // Shown in the order they were declared, not the order of importance.
  return { columns: byImportance.filter((c) => kept.includes(c)), flex: Math.max(1, total - used) };
}

/**
 * A column's cells as lines, cut to the column's width. Right-aligned cells are padded only to the longest cell
 * shown; the block is then placed at the right of the column's Box (ColumnBlock), so no line has more blanks
 * than it needs.
 */
export function columnText<R>(column: Column<R>, rows: readonly R[]): string {
  const cells = rows.map((row) => truncate(column.cell(row), column.width));
  if (column.align === 'left') return cells.join('\n');
  const longest = Math.max(0, ...cells.map((cell) => cell.length));
  return cells.map((cell) => cell.padStart(longest)).join('\n');
}

/** A column of a table: its lines (columnText) in a Box of the column's width, aligned as the column is. */
export function ColumnBlock<R>({ column, text }: { column: Column<R>; text: string }) {
  return (
    <Box width={column.width} flexShrink={0} justifyContent={column.align === 'left' ? 'flex-start' : 'flex-end'}>
      <Text wrap="truncate">{text}</Text>
    </Box>
  );
}

/** The children of a block of lines built from elements (for colour): one per row, a newline between them. */
export function blockLines<R>(
  rows: readonly R[],
  key: (row: R) => string,
  line: (row: R, i: number) => ReactNode,
): ReactNode[] {
  return rows.map((row, i) => (
    <Fragment key={key(row)}>
      {i > 0 ? '\n' : null}
      {line(row, i)}
    </Fragment>
  ));
}

/** Column titles as one dim line (one write; it is a single line per table). */
export function titleLine<R>(lead: string, flexTitle: string, flex: number, columns: Column<R>[]): string {
  return lead + fit(flexTitle, flex) + columns.map((c) => ' ' + fit(c.title, c.width, c.align ?? 'right')).join('');
}
