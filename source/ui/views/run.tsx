import { Text } from 'ink';
import { memo, useMemo } from 'react';
import type { TaskInstance } from '../../airflow/types.js';
import { Frame } from '../panes/frame.js';
import { fit, formatDuration } from '../format.js';
import { ganttBar } from '../glyphs.js';
import { tableRows, visibleWindow } from '../layout.js';
import { selectTaskRows } from '../model/lists.js';
import { shownSnapshot } from '../model/shown.js';
import { useAirtop } from '../store-context.js';
import { stateToken, useTheme } from '../theme.js';
import { DrillStatus, spanSeconds } from './status.js';

const TaskLine = memo(function TaskLine({ ti, span, nameWidth, barWidth, now, selected }: { ti: TaskInstance; span: { from: number; to: number }; nameWidth: number; barWidth: number; now: number; selected: boolean }) {
  const theme = useTheme();
  const colour = theme.status[stateToken(ti.state)];
  const start = ti.startDate ? Date.parse(ti.startDate) : NaN;
  const end = ti.endDate ? Date.parse(ti.endDate) : now;
  const name = ti.mapIndex >= 0 ? `${ti.taskId}[${ti.mapIndex}]` : ti.taskId;
  return (
    <Text wrap="truncate" inverse={selected}>
      {selected ? '›' : ' '}
      <Text color={colour}>{fit(ti.state ?? 'no status', 15)}</Text>
      {` ${fit(name, nameWidth)} ${fit(`${ti.tryNumber}/${ti.maxTries + 1}`, 5, 'right')} ${fit(formatDuration(ti.durationSeconds ?? spanSeconds(ti.startDate, ti.endDate, now)), 7, 'right')} `}
      <Text color={colour}>{ganttBar(start, end, span.from, span.to, barWidth)}</Text>
    </Text>
  );
});

/** A run's task instances, in start order, each with a bar placed on the run's own timeline. */
export function RunView({ dagId, runId, width, height }: { dagId: string; runId: string; width: number; height: number }) {
  const tis = useAirtop(selectTaskRows);
  const fetchedAt = useAirtop((s) => s.drill.fetchedAt ?? null);
  const run = useAirtop((s) => shownSnapshot(s)?.runs.find((r) => r.dagId === dagId && r.runId === runId) ?? null);
  const selection = useAirtop((s) => s.ui.selection['run'] ?? 0);
  const now = fetchedAt ? Date.parse(fetchedAt) : Date.now();
  const span = useMemo(() => {
    const starts = tis.map((t) => (t.startDate ? Date.parse(t.startDate) : NaN)).filter(Number.isFinite);
    const ends = tis.map((t) => (t.endDate ? Date.parse(t.endDate) : t.startDate ? now : NaN)).filter(Number.isFinite);
    const from = run?.startDate ? Date.parse(run.startDate) : Math.min(...starts);
    const to = run?.endDate ? Date.parse(run.endDate) : Math.max(...ends, from + 1000);
    return { from, to };
  }, [tis, run, now]);
  const inner = width - 2;
  const barWidth = Math.max(10, Math.floor(inner * 0.35));
  const nameWidth = Math.max(12, inner - 1 - 15 - 1 - 5 - 1 - 7 - 1 - barWidth - 1);
  const rows = tableRows({ height });
  const selected = Math.max(0, Math.min(selection, tis.length - 1));
  const { start, end } = visibleWindow(tis.length, selected, rows - 1);
  const runInfo = run ? `  ${run.state}  took ${formatDuration(spanSeconds(run.startDate, run.endDate, now))}` : '';
  return (
    <Frame width={width} height={height} focused title={`run ${runId} of ${dagId}${runInfo}  ${tis.length} task instances  (Enter: log · Esc: back)`}>
      <Text wrap="truncate" dimColor>
        {` ${fit('state', 15)} ${fit('task', nameWidth)} ${fit('try', 5, 'right')} ${fit('took', 7, 'right')} timeline`}
      </Text>
      <DrillStatus what={`task instances of ${runId}`} />
      {tis.slice(start, end).map((ti, i) => (
        <TaskLine key={`${ti.taskId}:${ti.mapIndex}`} ti={ti} span={span} nameWidth={nameWidth} barWidth={barWidth} now={now} selected={start + i === selected} />
      ))}
    </Frame>
  );
}
