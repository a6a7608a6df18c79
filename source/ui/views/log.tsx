import { Text } from 'ink';
import type { View } from '../../state/types.js';
import { Frame } from '../panes/frame.js';
import { selectLogLines } from '../model/lists.js';
import { useAirtop } from '../store-context.js';
import { useTheme } from '../theme.js';
import { DrillStatus } from './status.js';

type LogViewId = Extract<View, { kind: 'log' }>;

/** First line to show: the end while following, else the stored scroll offset, kept inside the log. */
export function logOffset(lines: number, page: number, stored: number, follow: boolean): number {
  const last = Math.max(0, lines - page);
  return follow ? last : Math.max(0, Math.min(stored, last));
}

/** A task try's log: scroll, follow (the drill controller fetches new lines every 2 s), switch tries. */
export function LogView({ view, width, height }: { view: LogViewId; width: number; height: number }) {
  const theme = useTheme();
  const lines = useAirtop(selectLogLines);
  const total = useAirtop((s) => s.drill.log?.lines.length ?? 0);
  const follow = useAirtop((s) => s.drill.log?.follow ?? false);
  const stored = useAirtop((s) => s.ui.selection['log'] ?? 0);
  const status = useAirtop((s) => (s.drill.error || s.drill.loading ? 1 : 0));
  const page = Math.max(1, height - 3 - status);
  const offset = logOffset(lines.length, page, stored, follow);
  const name = view.mapIndex >= 0 ? `${view.taskId}[${view.mapIndex}]` : view.taskId;
  const range = lines.length
    ? `lines ${offset + 1}-${Math.min(lines.length, offset + page)} of ${lines.length}${lines.length !== total ? ` (${total} unfiltered)` : ''}`
    : 'empty';
  return (
    <Frame
      width={width}
      height={height}
      focused
      title={
        <Text>
          {/* The DAG and run are in the breadcrumbs; the title keeps what changes as you read. */}
          {`log of ${name}  try ${view.tryNumber}/${view.maxTry ?? view.tryNumber}  `}
          <Text color={follow ? theme.status.running : undefined}>{follow ? 'FOLLOWING' : 'F: follow'}</Text>
          {`  ${range}`}
        </Text>
      }
    >
      <DrillStatus what={`the log of ${name}, try ${view.tryNumber}`} />
      {lines.slice(offset, offset + page).map((line, i) => (
        <Text key={offset + i} wrap="truncate">
          {line || ' '}
        </Text>
      ))}
    </Frame>
  );
}
