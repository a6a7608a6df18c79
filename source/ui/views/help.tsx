import { Text } from 'ink';
import { useMemo } from 'react';
import { Frame } from '../panes/frame.js';
import { actionsOff } from '../action-keys.js';
import { helpLines } from '../keymap.js';
import { useAirtop } from '../store-context.js';

export function HelpView({ width, height, readonly }: { width: number; height: number; readonly: boolean }) {
  const off = useAirtop(actionsOff);
  const fleet = useAirtop((s) => (s.fleet?.length ?? 0) > 1);
  const lines = useMemo(() => helpLines(readonly, off, fleet), [readonly, off, fleet]);
  const scroll = useAirtop((s) => s.ui.selection['help'] ?? 0);
  const page = Math.max(1, height - 3);
  const offset = Math.max(0, Math.min(scroll, lines.length - page));
  const more =
    lines.length > page
      ? `  ↑/↓ scroll (${offset + 1}-${Math.min(lines.length, offset + page)} of ${lines.length})`
      : '';
  return (
    <Frame
      width={width}
      height={height}
      focused
      title={`Keys${readonly ? ' (read-only: ack, silence and actions on Airflow are off)' : ''}  ? or Esc closes${more}`}
    >
      {lines.slice(offset, offset + page).map((line, i) => (
        <Text key={offset + i} wrap="truncate" bold={line.heading} dimColor={line.off === true}>
          {line.text}
        </Text>
      ))}
    </Frame>
  );
}
