import asciichart from 'asciichart';
import { Box, Text } from 'ink';
import { memo } from 'react';
import { sparkline } from '../glyphs.js';
import { useTheme } from '../theme.js';

const LABEL_WIDTH = 9;

/** The chart's lines for the last points that fit `width`; a flat line when fewer than two points. Pure. */
export function chartLines(
  values: readonly number[],
  width: number,
  height: number,
  format: (v: number) => string,
): string[] {
  const points = values.filter((v) => Number.isFinite(v)).slice(-Math.max(1, width - LABEL_WIDTH - 2));
  if (points.length === 0) return [];
  // A flat series (one point, or all equal) is drawn on one row, which asciichart labels with that row's
  // rounded index (1.38 → "$1.00") rather than the value; label it with the value itself.
  const flat = points.every((v) => v === points[0]);
  const label = (v: number) =>
    format(flat ? points[0]! : v)
      .slice(0, LABEL_WIDTH)
      .padStart(LABEL_WIDTH);
  return asciichart.plot(points, { height: Math.max(1, height - 1), format: label }).split('\n');
}

/** A titled line chart `width` × `height` (title included); a sparkline when there is no room for a chart. */
export const Chart = memo(function Chart({
  title,
  values,
  width,
  height,
  format,
}: {
  title: string;
  values: readonly number[];
  width: number;
  height: number;
  format: (v: number) => string;
}) {
  const theme = useTheme();
  if (height < 3) {
    return (
      <Text wrap="truncate">
        {title} <Text color={theme.chart}>{sparkline(values, Math.max(1, width - title.length - 1))}</Text>
      </Text>
    );
  }
  const lines = chartLines(values, width, height - 1, format);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" dimColor>
        {title}
        {lines.length === 0 ? ': no data yet' : ''}
      </Text>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate" color={theme.chart}>
          {line}
        </Text>
      ))}
    </Box>
  );
});
