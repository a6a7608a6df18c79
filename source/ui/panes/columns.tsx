import { Box, Text } from 'ink';
import { fit } from '../format.js';

// Table rows as one Box per cell instead of one space-padded string: Ink 6 tokenizes every character it
// writes on every frame, so padding costs as much as text, while the blank of a sized Box costs nothing.

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
  // Shown in the order they were declared, not the order of importance.
  return { columns: byImportance.filter((c) => kept.includes(c)), flex: Math.max(1, total - used) };
}

export interface Cell {
  text: string;
  width: number;
  align?: 'left' | 'right';
  color?: string | undefined;
  inverse?: boolean;
  bold?: boolean;
}

/** One table row: each cell truncated to its width, a space before every cell but the first. */
export function Cells({ cells }: { cells: Cell[] }) {
  return (
    <Box height={1} flexShrink={0}>
      {cells.map((cell, i) => (
        <Box key={i} width={cell.width + (i > 0 ? 1 : 0)} flexShrink={0} justifyContent={cell.align === 'right' ? 'flex-end' : 'flex-start'} paddingLeft={i > 0 && cell.align !== 'right' ? 1 : 0}>
          <Text wrap="truncate" color={cell.color} inverse={cell.inverse ?? false} bold={cell.bold ?? false}>
            {cell.text}
          </Text>
        </Box>
      ))}
    </Box>
  );
}

export function columnCells<R>(columns: Column<R>[], row: R): Cell[] {
  return columns.map((c) => ({ text: c.cell(row), width: c.width, align: c.align ?? 'right' }));
}

/** Column titles as one dim line (one write; it is a single line per table). */
export function titleLine<R>(lead: string, flexTitle: string, flex: number, columns: Column<R>[]): string {
  return lead + fit(flexTitle, flex) + columns.map((c) => ' ' + fit(c.title, c.width, c.align ?? 'right')).join('');
}
