import { Box, Text } from 'ink';
import { memo } from 'react';
import type { PaneId } from '../../state/types.js';
import { PANES } from '../../state/types.js';
import { formatScore, formatUsd } from '../format.js';
import type { Layout, PaneBox } from '../layout.js';
import { isAllView, paneAlerts } from '../model/fleet.js';
import { unfilteredDagRows } from '../model/dag-rows.js';
import { shownReport } from '../model/shown.js';
import { useAirtop } from '../store-context.js';
import { AlertsPane } from './alerts.js';
import { CostsPane } from './costs.js';
import { DagsPane } from './dags.js';
import { PoolsPane } from './pools.js';
import { QualityPane } from './quality.js';

const PANE_COMPONENTS: Record<PaneId, typeof DagsPane> = {
  dags: DagsPane,
  pools: PoolsPane,
  costs: CostsPane,
  quality: QualityPane,
  alerts: AlertsPane,
};

function Pane({ box, focused }: { box: PaneBox; focused: boolean }) {
  const Component = PANE_COMPONENTS[box.id];
  return <Component box={box} focused={focused} />;
}

/** On a small terminal, the panes not shown become a tab bar with one figure each. */
function TabBar({ focus }: { focus: PaneId }) {
  const report = useAirtop(shownReport);
  const firing = useAirtop((s) => paneAlerts(s).filter((a) => a.state === 'firing').length);
  const all = useAirtop(isAllView);
  const dags = useAirtop((s) => unfilteredDagRows(s).length);
  const maxUtil = Math.max(0, ...Object.values(report?.resources.pools ?? {}).map((p) => p.utilization));
  const labels: Record<PaneId, string> = {
    dags: `DAGs ${all ? dags : Object.keys(report?.pipeline.dags ?? {}).length}`,
    pools: `Pools ${Math.round(maxUtil * 100)}%`,
    costs: `Costs ${formatUsd(report?.costs.costs.total_cost_usd)}`,
    quality: `Quality ${formatScore(report?.quality.overall_score)}`,
    alerts: `Alerts ${firing}`,
  };
  return (
    <Text wrap="truncate">
      {PANES.map((id, i) => (
        <Text key={id} inverse={id === focus} bold={id === focus}>
          {` ${i + 1} ${labels[id]} `}
        </Text>
      ))}
    </Text>
  );
}

export const MainPanes = memo(function MainPanes({ layout, focus }: { layout: Layout; focus: PaneId }) {
  if (layout.kind === 'tabs') {
    return (
      <Box flexDirection="column" width={layout.width} height={layout.bodyHeight}>
        <TabBar focus={focus} />
        <Pane box={layout.pane} focused />
      </Box>
    );
  }
  if (layout.kind !== 'grid') return null;
  return (
    <Box width={layout.width} height={layout.bodyHeight}>
      {layout.columns.map((column, i) => (
        <Box key={i} flexDirection="column" width={column.width} height={layout.bodyHeight}>
          {column.panes.map((box) => (
            <Pane key={box.id} box={box} focused={box.id === focus} />
          ))}
        </Box>
      ))}
    </Box>
  );
});
