import { Text } from 'ink';
import { memo, useMemo } from 'react';
import type { DagRun } from '../../airflow/types.js';
import { Frame } from '../panes/frame.js';
import { fit, formatDuration, formatStamp } from '../format.js';
import { ratioBar } from '../glyphs.js';
import { tableRows, visibleWindow } from '../layout.js';
import { selectRunRows } from '../model/lists.js';
import { useAirtop } from '../store-context.js';
import { stateToken, useTheme } from '../theme.js';
import { DrillStatus, spanSeconds } from './status.js';

const RunLine = memo(function RunLine({ run, seconds, longest, idWidth, barWidth, selected }: { run: DagRun; seconds: number | null; longest: number; idWidth: number; barWidth: number; selected: boolean }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate" inverse={selected}>
      {selected ? '›' : ' '}
      <Text color={theme.status[stateToken(run.state)]}>{fit(run.state, 9)}</Text>
      {` ${fit(run.runId, idWidth)} ${fit(formatStamp(run.startDate), 14)} ${fit(formatDuration(seconds), 7, 'right')} `}
      <Text color={theme.status[stateToken(run.state)]}>{ratioBar(longest > 0 && seconds !== null ? seconds / longest : 0, barWidth)}</Text>
    </Text>
  );
});

/** A DAG's recent runs: state, start, duration and a bar relative to the longest run shown. */
export function DagView({ dagId, width, height }: { dagId: string; width: number; height: number }) {
  const runs = useAirtop(selectRunRows);
  const total = useAirtop((s) => s.drill.runs?.length ?? 0);
  const fetchedAt = useAirtop((s) => s.drill.fetchedAt ?? null);
  const selection = useAirtop((s) => s.ui.selection['dag'] ?? 0);
  const now = fetchedAt ? Date.parse(fetchedAt) : Date.now();
  const seconds = useMemo(() => runs.map((r) => spanSeconds(r.startDate, r.endDate, now)), [runs, now]);
  const longest = Math.max(0, ...seconds.map((s) => s ?? 0));
  const inner = width - 2;
  const barWidth = Math.max(6, Math.min(30, Math.floor(inner * 0.2)));
  const idWidth = Math.max(12, inner - 1 - 9 - 1 - 14 - 1 - 7 - 1 - barWidth - 1);
  const rows = tableRows({ height });
  const selected = Math.max(0, Math.min(selection, runs.length - 1));
  const { start, end } = visibleWindow(runs.length, selected, rows - 1);
  return (
    <Frame width={width} height={height} focused title={`DAG ${dagId}  runs ${runs.length}${runs.length !== total ? ` of ${total}` : ''}  (Enter: task instances · Esc: back)`}>
      <Text wrap="truncate" dimColor>
        {` ${fit('state', 9)} ${fit('run id', idWidth)} ${fit('started', 14)} ${fit('took', 7, 'right')} duration`}
      </Text>
      <DrillStatus what={`runs of ${dagId}`} />
      {runs.slice(start, end).map((run, i) => (
        <RunLine key={run.runId} run={run} seconds={seconds[start + i] ?? null} longest={longest} idWidth={idWidth} barWidth={barWidth} selected={start + i === selected} />
      ))}
    </Frame>
  );
}
