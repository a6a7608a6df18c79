import { Box, Text } from 'ink';
import { memo } from 'react';
import { truncate } from './format.js';
import { type InstanceCell, isAllView, selectFleetCells } from './model/fleet.js';
import { useAirtop } from './store-context.js';
import { type Theme, useTheme } from './theme.js';

// One line under the header, one cell per instance: status glyph, name, Airflow version, status, firing alerts
// by severity, STALE. On a narrow terminal the cells give way step by step (status word, then version, then the
// alert breakdown, then the names' length), and when even that does not fit, the line ends with "+N". Pure
// arithmetic decides the level (stripLayout), so tests can check it without a terminal.

export const STATUS_GLYPHS: Record<InstanceCell['overall'], string> = {
  critical: '✖',
  warning: '▲',
  healthy: '●',
  unknown: '?',
};

type Tone = 'status' | 'plain' | 'dim' | 'critical' | 'warning' | 'info' | 'stale';
export interface Segment {
  text: string;
  tone: Tone;
}

function counts(cell: InstanceCell, short: boolean): Segment[] {
  const { critical, warning, info } = cell.firing;
  if (short) {
    const total = critical + warning + info;
    return total ? [{ text: ` ${total}`, tone: critical ? 'critical' : warning ? 'warning' : 'info' }] : [];
  }
  const out: Segment[] = [];
  if (critical) out.push({ text: ` ${critical}C`, tone: 'critical' });
  if (warning) out.push({ text: ` ${warning}W`, tone: 'warning' });
  if (info) out.push({ text: ` ${info}I`, tone: 'info' });
  return out;
}

/** A cell's text at a level of detail: 0 everything … 3 glyph, name, alert total and "!" when stale. */
export function cellSegments(cell: InstanceCell, level: number, nameWidth = 40): Segment[] {
  const glyph: Segment = { text: STATUS_GLYPHS[cell.overall], tone: 'status' };
  if (level >= 4) return [glyph, { text: truncate(cell.name, nameWidth), tone: 'plain' }];
  const out: Segment[] = [glyph, { text: ` ${cell.name}`, tone: 'plain' }];
  if (level <= 1 && cell.version) out.push({ text: ` ${cell.version}`, tone: 'dim' });
  if (level === 0) out.push({ text: ` ${cell.overall.toUpperCase()}`, tone: 'status' });
  out.push(...counts(cell, level >= 3));
  if (cell.stale) out.push({ text: level >= 3 ? '!' : ' STALE', tone: 'stale' });
  return out;
}

const width = (segments: Segment[]) => segments.reduce((n, s) => n + s.text.length, 0);

export interface StripLayout {
  level: number;
  /** Cells shown, from the first; the rest are counted as "+N". */
  shown: number;
  separator: string;
  nameWidth: number;
}

/** The most detail that fits `columns` (after `lead` characters), every cell at the same level. Pure. */
export function stripLayout(cells: readonly InstanceCell[], columns: number, lead = 0): StripLayout {
  const room = columns - lead;
  for (let level = 0; level <= 3; level++) {
    const separator = level <= 2 ? ' │ ' : '  ';
    const total = cells.reduce((n, c) => n + width(cellSegments(c, level)), 0) + separator.length * (cells.length - 1);
    if (total <= room) return { level, shown: cells.length, separator, nameWidth: 40 };
  }
  // Level 4: glyph and a name cut to an equal share; at least 3 characters of each name, else fewer cells.
  const separator = ' ';
  const longest = Math.max(1, ...cells.map((c) => c.name.length));
  const share = Math.floor((room - (cells.length - 1)) / cells.length) - 1;
  if (share >= 3) return { level: 4, shown: cells.length, separator, nameWidth: Math.min(longest, share) };
  const more = ` +${cells.length}`.length;
  const shown = Math.max(0, Math.floor((room - more + 1) / (1 + 3 + 1)));
  return { level: 4, shown: Math.min(shown, cells.length), separator, nameWidth: 3 };
}

function toneColour(theme: Theme, tone: Tone, overall: InstanceCell['overall']): string | undefined {
  switch (tone) {
    case 'status':
      return overall === 'critical'
        ? theme.status.critical
        : overall === 'warning'
          ? theme.status.warning
          : overall === 'healthy'
            ? theme.status.healthy
            : theme.status.unknown;
    case 'critical':
      return theme.severity.critical;
    case 'warning':
      return theme.severity.warning;
    case 'info':
      return theme.severity.info;
    case 'stale':
      return theme.error;
    default:
      return undefined;
  }
}

/** The fleet strip: drawn only when there is more than one instance (app.tsx). */
export const FleetStrip = memo(function FleetStrip({ width: columns }: { width: number }) {
  const theme = useTheme();
  const cells = useAirtop(selectFleetCells);
  const all = useAirtop(isAllView);
  const picked = useAirtop((s) => s.ui.instance ?? null);
  const current = useAirtop((s) => s.ui.current ?? null);
  const lead = all ? ' all ' : '';
  const layout = stripLayout(cells, columns, lead.length + 1);
  const hidden = cells.length - layout.shown;
  return (
    <Box width={columns} height={1} flexShrink={0}>
      <Text wrap="truncate">
        {all ? (
          <Text inverse bold>
            {lead}
          </Text>
        ) : null}{' '}
        {cells.slice(0, layout.shown).map((cell, i) => (
          <Text key={cell.name} inverse={cell.name === picked} bold={cell.name === current}>
            {i > 0 ? <Text dimColor>{layout.separator}</Text> : null}
            {cellSegments(cell, layout.level, layout.nameWidth).map((seg, j) => (
              <Text key={j} color={toneColour(theme, seg.tone, cell.overall)} dimColor={seg.tone === 'dim'}>
                {seg.text}
              </Text>
            ))}
          </Text>
        ))}
        {hidden > 0 ? <Text dimColor>{` +${hidden}`}</Text> : null}
      </Text>
    </Box>
  );
});
