import { Text } from 'ink';
import { fit, truncate } from '../format.js';
import { visibleWindow } from '../layout.js';
import { type InstanceCell, selectFleetCells } from '../model/fleet.js';
import { Frame } from '../panes/frame.js';
import { STATUS_GLYPHS } from '../fleet-strip.js';
import { useAirtop } from '../store-context.js';
import { useTheme } from '../theme.js';

function alertsText(cell: InstanceCell): string {
  const { critical, warning, info } = cell.firing;
  const parts = [critical ? `${critical} crit` : '', warning ? `${warning} warn` : '', info ? `${info} info` : ''];
  return parts.filter(Boolean).join(' ') || 'no alerts';
}

/** `i`: "all" and each instance with what the strip has no room for (URL, the whole stale reason). */
export function PickerView({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const cells = useAirtop(selectFleetCells);
  const at = useAirtop((s) => s.ui.picker ?? 0);
  const picked = useAirtop((s) => s.ui.instance ?? null);
  const inner = width - 2;
  const nameWidth = Math.min(24, Math.max('all instances'.length, ...cells.map((c) => c.name.length)));
  const rows = Math.max(1, height - 4);
  const { start, end } = visibleWindow(cells.length + 1, at, rows);
  const lines = [
    {
      key: '*',
      selected: at === 0,
      text: ` ${fit('all instances', nameWidth)}  every instance's DAGs and alerts, with an instance column`,
      cell: null as InstanceCell | null,
      shown: picked === null,
    },
    ...cells.map((cell, i) => ({
      key: cell.name,
      selected: at === i + 1,
      cell,
      shown: picked === cell.name,
      text: ` ${fit(cell.name, nameWidth)}  ${fit(cell.version ?? '—', 8)} ${fit(cell.overall, 8)} ${fit(alertsText(cell), 20)} ${cell.url ?? ''}${cell.stale ? `  STALE: ${cell.stale}` : ''}`,
    })),
  ].slice(start, end);
  return (
    <Frame width={width} height={height} focused title="Instances  ↑/↓ choose · Enter show · Esc close">
      <Text wrap="truncate" dimColor>
        {`  ${fit('name', nameWidth)}  ${fit('Airflow', 8)} ${fit('status', 8)} ${fit('firing alerts', 20)} url`}
      </Text>
      {lines.map((line) => (
        <Text key={line.key} wrap="truncate" inverse={line.selected}>
          <Text color={line.cell?.stale ? theme.error : undefined}>{line.selected ? '›' : line.shown ? '•' : ' '}</Text>
          {line.cell ? STATUS_GLYPHS[line.cell.overall] : '*'}
          {truncate(line.text, inner)}
        </Text>
      ))}
    </Frame>
  );
}
