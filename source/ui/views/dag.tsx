import { Text } from 'ink';
import { useMemo } from 'react';
import type { DagRun } from '../../airflow/types.js';
import { Frame } from '../panes/frame.js';
import { fit, formatDuration, formatStamp } from '../format.js';
import { ratioBar } from '../glyphs.js';
import { tableRows, visibleWindow } from '../layout.js';
import { selectRunRows } from '../model/lists.js';
import { useAirtop } from '../store-context.js';
import { stateToken, useTheme } from '../theme.js';
import { type ListColumn, SelectableList } from './list.js';
import { DrillStatus, spanSeconds } from './status.js';

const runKey = (run: DagRun) => run.runId;

/** A DAG's recent runs: state, start, duration and a bar relative to the longest run shown. */
export function DagView({ dagId, width, height }: { dagId: string; width: number; height: number }) {
  const theme = useTheme();
  const runs = useAirtop(selectRunRows);
  const total = useAirtop((s) => s.drill.runs?.length ?? 0);
  const fetchedAt = useAirtop((s) => s.drill.fetchedAt ?? null);
  const selection = useAirtop((s) => s.ui.selection['dag'] ?? 0);
  const now = fetchedAt ? Date.parse(fetchedAt) : Date.now();
  const seconds = useMemo(() => new Map(runs.map((r) => [r, spanSeconds(r.startDate, r.endDate, now)])), [runs, now]);
  const longest = Math.max(0, ...[...seconds.values()].map((s) => s ?? 0));
  const inner = width - 2;
  const barWidth = Math.max(6, Math.min(30, Math.floor(inner * 0.2)));
  const idWidth = Math.max(12, inner - 1 - 9 - 1 - 14 - 1 - 7 - 1 - barWidth - 1);
  const rows = tableRows({ height });
  const selected = Math.max(0, Math.min(selection, runs.length - 1));
  const { start, end } = visibleWindow(runs.length, selected, rows - 1);
  const columns = useMemo((): ListColumn<DagRun>[] => {
    const colour = (run: DagRun) => theme.status[stateToken(run.state)];
    const took = (run: DagRun) => seconds.get(run) ?? null;
    return [
      { width: 9, text: (run) => run.state, colour },
      { width: idWidth, text: (run) => run.runId },
      { width: 14, text: (run) => formatStamp(run.startDate) },
      { width: 7, align: 'right', text: (run) => formatDuration(took(run)) },
      { width: barWidth, text: (run) => ratioBar((took(run) ?? 0) / (longest || 1), barWidth), colour },
    ];
  }, [theme, seconds, longest, idWidth, barWidth]);
  return (
    <Frame
      width={width}
      height={height}
      focused
      title={`DAG ${dagId}  runs ${runs.length}${runs.length !== total ? ` of ${total}` : ''}  (Enter: task instances · Esc: back)`}
    >
      <Text wrap="truncate" dimColor>
        {` ${fit('state', 9)} ${fit('run id', idWidth)} ${fit('started', 14)} ${fit('took', 7, 'right')} duration`}
      </Text>
      <DrillStatus what={`runs of ${dagId}`} />
      <SelectableList
        rows={runs.slice(start, end)}
        rowKey={runKey}
        columns={columns}
        selected={selected - start}
        width={inner}
      />
    </Frame>
  );
}
