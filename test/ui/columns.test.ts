import { describe, expect, it } from 'vitest';
import { truncate } from '../../source/ui/format.js';
import { type Column, columnText, titleLine } from '../../source/ui/panes/columns.js';

interface Row {
  name: string;
  runs: number;
}

const runs: Column<Row> = { title: 'runs', width: 5, cell: (r) => String(r.runs) };
const name: Column<Row> = { title: 'name', width: 6, align: 'left', cell: (r) => r.name };
const rows: Row[] = [
  { name: 'ingest', runs: 7 },
  { name: 'processing', runs: 1234 },
  { name: 'x', runs: 12 },
];

describe('a table column as one block of lines', () => {
  it('right-aligned cells are padded to the longest cell shown, not to the column width', () => {
    // The block sits at the right of a Box the column's width wide, so the figures still end under the title.
    expect(columnText(runs, rows)).toBe('   7\n1234\n  12');
    expect(titleLine('', '', 0, [runs])).toBe('  runs');
  });

  it("left-aligned cells are cut with '…' at the column width and never padded", () => {
    expect(columnText(name, rows)).toBe('ingest\nproce…\nx');
  });

  it("truncate marks a cut with '…' as Ink's wrap=\"truncate\" does, and leaves short text alone", () => {
    expect(truncate('capstone_processing_pipeline', 10)).toBe('capstone_…');
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('ab', 1)).toBe('…');
    expect(truncate('ab', 0)).toBe('');
  });
});
