import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import { DASH, formatDuration, formatPct, truncate } from '../format.js';
import { type PaneBox, tableRows, visibleWindow } from '../layout.js';
import {
  type DagRow,
  dagRowKey,
  type DagStatus,
  isFaultyDag,
  selectDagRows,
  SPARK_WIDTH,
  unfilteredDagRows,
} from '../model/dag-rows.js';
import { isAllView } from '../model/fleet.js';
import { sanitizeText } from '../../text/sanitize.js';
import { useAirtop } from '../store-context.js';
import { type Theme, useTheme } from '../theme.js';
import { blockLines, type Column, ColumnBlock, columnText, fitColumns, titleLine } from './columns.js';
import { Empty, Frame } from './frame.js';

export const DAG_GLYPHS: Record<DagStatus, string> = {
  critical: '✖',
  warning: '▲',
  running: '▶',
  healthy: '✔',
  idle: '·',
  paused: '‖',
};

export function dagColour(theme: Theme, status: DagStatus): string | undefined {
  return {
    critical: theme.status.critical,
    warning: theme.status.warning,
    running: theme.status.running,
    healthy: theme.status.healthy,
    idle: theme.status.idle,
    paused: theme.status.paused,
  }[status];
}

// In order of importance: narrow screens drop from the end.
const COLUMNS: Column<DagRow>[] = [
  { title: 'runs/1h', width: 7, cell: (r) => String(r.runs) },
  { title: 'success', width: 7, cell: (r) => formatPct(r.successRate) },
  { title: 'SLA', width: 7, cell: (r) => (r.slaMisses ? `${r.slaMisses} L${r.slaLevel}` : DASH) },
  { title: 'p95', width: 7, cell: (r) => formatDuration(r.p95Seconds) },
  { title: 'avg', width: 7, cell: (r) => formatDuration(r.avgSeconds) },
  { title: 'recent runs', width: SPARK_WIDTH + 1, align: 'left', cell: (r) => r.spark },
];

/** Long enough for real DAG ids; on a wide screen the numbers stay near the names. */
const MAX_NAME = 64;
/**
 * The name gives way last: columns drop, least important first, until the longest name fits, up to this many
 * characters; only a longer name is cut. Never narrower than MIN_NAME.
 */
const NAME_CLAIM = 40;
const MIN_NAME = 16;
/** Selection mark, status glyph and a space before the name. */
const NAME_LEAD = 3;
/** The all view's instance column: as wide as the longest name shown, within these bounds. */
const INSTANCE_MIN = 8;
const INSTANCE_MAX = 16;

/** The selection mark and the status glyph, in the status colour. */
const GlyphLine = memo(function GlyphLine({ status, selected }: { status: DagStatus; selected: boolean }) {
  const theme = useTheme();
  return (
    <Text color={dagColour(theme, status)} inverse={selected}>
      {`${selected ? '›' : ' '}${DAG_GLYPHS[status]}`}
    </Text>
  );
});

export const DagsPane = memo(function DagsPane({ box, focused }: { box: PaneBox; focused: boolean }) {
  const rows = useAirtop(selectDagRows);
  const total = useAirtop((s) => unfilteredDagRows(s).length);
  const all = useAirtop(isAllView);
  const selection = useAirtop((s) => s.ui.selection['dags'] ?? 0);
  // The all view: an instance column between the glyph and the name, taken from the name's room.
  const instanceWidth = useMemo(
    () => (all ? Math.min(INSTANCE_MAX, Math.max(INSTANCE_MIN, ...rows.map((r) => (r.instance ?? '').length))) : 0),
    [all, rows],
  );
  const inner = box.width - 2 - (instanceWidth ? instanceWidth + 1 : 0);
  const longest = useMemo(() => rows.reduce((most, row) => Math.max(most, row.dagId.length), 0), [rows]);
  const minName = Math.max(MIN_NAME, Math.min(longest, NAME_CLAIM));
  const { columns, flex: room } = useMemo(() => fitColumns(COLUMNS, inner - NAME_LEAD, minName), [inner, minName]);
  const nameWidth = Math.min(room, MAX_NAME);
  const height = tableRows(box);
  const selected = Math.max(0, Math.min(selection, rows.length - 1));
  const { start, end } = visibleWindow(rows.length, selected, height);
  const faulty = useMemo(() => rows.filter(isFaultyDag).length, [rows]);
  const shown = useMemo(() => rows.slice(start, end), [rows, start, end]);
  const blocks = useMemo(
    () => columns.map((column) => ({ column, text: columnText(column, shown) })),
    [columns, shown],
  );
  const mark = (i: number) => focused && start + i === selected;
  const name = (row: DagRow, i: number) => {
    const text = truncate(row.dagId, nameWidth);
    return mark(i) ? (
      <Text inverse bold>
        {text}
      </Text>
    ) : (
      text
    );
  };
  const instanceText = useMemo(
    () => (instanceWidth ? shown.map((r) => truncate(sanitizeText(r.instance ?? ''), instanceWidth)).join('\n') : ''),
    [instanceWidth, shown],
  );
  const title = `[1] DAG health  ${rows.length}${rows.length !== total ? ` of ${total}` : ''} DAGs${all ? ' · all instances' : ''}${faulty ? ` · ${faulty} need attention` : ''}`;
  return (
    <Frame width={box.width} height={box.height} title={title} focused={focused}>
      <Text wrap="truncate" dimColor>
        {titleLine(
          ' '.repeat(NAME_LEAD) + (instanceWidth ? `${'instance'.slice(0, instanceWidth).padEnd(instanceWidth)} ` : ''),
          'DAG',
          nameWidth,
          columns,
        )}
      </Text>
      {rows.length === 0 ? (
        <Empty text={total ? 'no DAG matches the filter' : 'no DAGs yet: waiting for the first poll'} />
      ) : (
        // A block per column, so ↓ re-renders two lines of the glyph and name blocks and nothing else.
        <Box flexShrink={0} columnGap={1}>
          <Text>
            {blockLines(shown, dagRowKey, (row, i) => (
              <GlyphLine status={row.status} selected={mark(i)} />
            ))}
          </Text>
          {instanceWidth ? (
            <Box width={instanceWidth} flexShrink={0}>
              <Text wrap="truncate" dimColor>
                {instanceText}
              </Text>
            </Box>
          ) : null}
          <Box width={nameWidth} flexShrink={0}>
            <Text wrap="truncate">{blockLines(shown, dagRowKey, name)}</Text>
          </Box>
          {blocks.map(({ column, text }) => (
            <ColumnBlock key={column.title} column={column} text={text} />
          ))}
        </Box>
      )}
    </Frame>
  );
});
