import { Text } from 'ink';
import { memo } from 'react';
import { fit, formatPct } from '../format.js';
import { slotBar } from '../glyphs.js';
import { type PaneBox, tableRows, visibleWindow } from '../layout.js';
import { type Level, type PoolRow, selectPoolRows } from '../model/lists.js';
import { instanceTag } from '../model/fleet.js';
import { useAirtop } from '../store-context.js';
import { type Theme, useTheme } from '../theme.js';
import { Empty, Frame } from './frame.js';

export function levelColour(theme: Theme, level: Level): string | undefined {
  return level === 'critical'
    ? theme.status.critical
    : level === 'warning'
      ? theme.status.warning
      : theme.status.healthy;
}

const slots = (n: number) => (n < 0 || !Number.isFinite(n) ? '∞' : String(n));

const PoolLine = memo(function PoolLine({
  pool,
  width,
  selected,
}: {
  pool: PoolRow;
  width: number;
  selected: boolean;
}) {
  const theme = useTheme();
  const numbers = ` ${slots(pool.used_slots)}/${slots(pool.total_slots)} q${pool.queued_slots} ${formatPct(pool.utilization, 0).padStart(4)}`;
  const nameWidth = Math.min(24, Math.max(8, Math.floor(width * 0.3)));
  const barWidth = Math.max(4, width - nameWidth - numbers.length - 3);
  const unlimited = pool.total_slots < 0;
  const bar = slotBar(
    pool.used_slots,
    pool.queued_slots,
    unlimited ? pool.used_slots + pool.queued_slots + pool.open_slots : pool.total_slots,
    barWidth,
  );
  return (
    <Text wrap="truncate" inverse={selected}>
      {selected ? '›' : ' '}
      <Text color={levelColour(theme, pool.level)}>{fit(pool.name, nameWidth)}</Text>{' '}
      {bar.map((seg) => (
        <Text key={seg.token} color={theme.bar[seg.token]}>
          {seg.chars}
        </Text>
      ))}
      <Text color={levelColour(theme, pool.level)}>{numbers}</Text>
    </Text>
  );
});

/** Slots per pool: █ used, ▒ queued, ░ open; the colour follows the utilization thresholds' findings. */
export const PoolsPane = memo(function PoolsPane({ box, focused }: { box: PaneBox; focused: boolean }) {
  const tag = useAirtop(instanceTag);
  const pools = useAirtop(selectPoolRows);
  const selection = useAirtop((s) => s.ui.selection['pools'] ?? 0);
  const height = tableRows(box);
  const selected = Math.max(0, Math.min(selection, pools.length - 1));
  const { start, end } = visibleWindow(pools.length, selected, height);
  const busy = pools.filter((p) => p.level !== 'ok').length;
  return (
    <Frame
      width={box.width}
      height={box.height}
      title={`[2] Pools${tag}  ${pools.length}${busy ? ` · ${busy} near capacity` : ''}`}
      focused={focused}
    >
      <Text wrap="truncate" dimColor>
        {' pool   █ used ▒ queued ░ open   used/total queued util'}
      </Text>
      {pools.length === 0 ? <Empty text="no pools reported" /> : null}
      {pools.slice(start, end).map((pool, i) => (
        <PoolLine key={pool.name} pool={pool} width={box.width - 2} selected={focused && start + i === selected} />
      ))}
    </Frame>
  );
});
