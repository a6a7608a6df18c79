import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { fit, truncate } from '../format.js';
import { blockLines } from '../panes/columns.js';

/** A column of a drill-down list; the first follows the selection mark, each later one a space. */
export interface ListColumn<R> {
  width: number;
  align?: 'left' | 'right';
  text(row: R): string;
  /** Colours the whole cell, padding included: on the inverse selected row the padding shows it. */
  colour?(row: R): string | undefined;
}

const coloured = (text: string, colour: string | undefined): ReactNode =>
  colour && text ? <Text color={colour}>{text}</Text> : text;

/**
 * Rows drawn a column at a time (see panes/columns.tsx) that look like one <Text> per row: the selected row is
 * inverse from its mark to its last cell, and rows wider than `width` are cut with '…' where Ink's
 * wrap="truncate" would cut them. Other rows leave trailing blanks unwritten: a run id column alone would
 * otherwise be 180 spaces per row on a wide screen, every frame.
 */
export function SelectableList<R>({
  rows,
  rowKey,
  columns,
  selected,
  width,
}: {
  rows: readonly R[];
  rowKey: (row: R) => string;
  columns: ListColumn<R>[];
  selected: number;
  width: number;
}) {
  const full = columns.reduce((sum, c) => sum + 1 + c.width, 0);
  // Of a row wider than `width`, Ink keeps width - 1 characters and adds '…'.
  const keep = full > width ? width - 1 : full;
  const blocks: ReactNode[] = [];
  let x = 0;
  for (const [index, column] of columns.entries()) {
    if (x > keep) break;
    // Characters of this column (its mark or space, then the cell) before the cut.
    const shown = Math.min(1 + column.width, keep - x);
    const cut = shown < 1 + column.width;
    const line = (row: R, i: number): ReactNode => {
      const isSelected = i === selected;
      const lead = shown === 0 ? '' : index > 0 ? ' ' : isSelected ? '›' : ' ';
      const raw = column.text(row);
      const padded = fit(raw, column.width, column.align ?? 'left');
      const text = cut
        ? padded.slice(0, Math.max(0, shown - 1))
        : isSelected || column.align === 'right'
          ? padded
          : truncate(raw, column.width).trimEnd();
      // cli-truncate gives '…' the style of the last character it keeps.
      const lastKept = shown === 0 ? columns[index - 1] : shown > 1 ? column : undefined;
      const content = (
        <>
          {lead}
          {coloured(text, column.colour?.(row))}
          {cut ? coloured('…', lastKept?.colour?.(row)) : null}
        </>
      );
      return isSelected ? <Text inverse>{content}</Text> : content;
    };
    blocks.push(
      <Box key={index} width={cut ? shown + 1 : shown} flexShrink={0}>
        <Text>{blockLines(rows, rowKey, line)}</Text>
      </Box>,
    );
    x += 1 + column.width;
  }
  return <Box flexShrink={0}>{blocks}</Box>;
}
