import { Text } from 'ink';
import { useMemo } from 'react';
import type { TaskInstance } from '../../airflow/types.js';
import { Frame } from '../panes/frame.js';
import { fit, formatDuration } from '../format.js';
import { ganttBar } from '../glyphs.js';
import { tableRows, visibleWindow } from '../layout.js';
import { selectTaskRows } from '../model/lists.js';
import { shownSnapshot } from '../model/shown.js';
import { useAirtop } from '../store-context.js';
import { stateToken, useTheme } from '../theme.js';
import { type ListColumn, SelectableList } from './list.js';
import { DrillStatus, spanSeconds } from './status.js';

const tiKey = (ti: TaskInstance) => `${ti.taskId}:${ti.mapIndex}`;

/** A run's task instances, in start order, each with a bar placed on the run's own timeline. */
export function RunView({
  dagId,
  runId,
  width,
  height,
}: {
  dagId: string;
  runId: string;
  width: number;
  height: number;
}) {
  const theme = useTheme();
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
  const columns = useMemo((): ListColumn<TaskInstance>[] => {
    const colour = (ti: TaskInstance) => theme.status[stateToken(ti.state)];
    return [
      { width: 15, text: (ti) => ti.state ?? 'no status', colour },
      { width: nameWidth, text: (ti) => (ti.mapIndex >= 0 ? `${ti.taskId}[${ti.mapIndex}]` : ti.taskId) },
      { width: 5, align: 'right', text: (ti) => `${ti.tryNumber}/${ti.maxTries + 1}` },
      {
        width: 7,
        align: 'right',
        text: (ti) => formatDuration(ti.durationSeconds ?? spanSeconds(ti.startDate, ti.endDate, now)),
      },
      {
        width: barWidth,
        text: (ti) =>
          ganttBar(
            ti.startDate ? Date.parse(ti.startDate) : NaN,
            ti.endDate ? Date.parse(ti.endDate) : now,
            span.from,
            span.to,
            barWidth,
          ),
        colour,
      },
    ];
  }, [theme, nameWidth, barWidth, span, now]);
  const runInfo = run ? `  ${run.state}  took ${formatDuration(spanSeconds(run.startDate, run.endDate, now))}` : '';
  return (
    <Frame
      width={width}
      height={height}
      focused
      title={`run ${runId} of ${dagId}${runInfo}  ${tis.length} task instances  (Enter: log · Esc: back)`}
    >
      <Text wrap="truncate" dimColor>
        {` ${fit('state', 15)} ${fit('task', nameWidth)} ${fit('try', 5, 'right')} ${fit('took', 7, 'right')} timeline`}
      </Text>
      <DrillStatus what={`task instances of ${runId}`} />
      <SelectableList
        rows={tis.slice(start, end)}
        rowKey={tiKey}
        columns={columns}
        selected={selected - start}
        width={inner}
      />
    </Frame>
  );
}
