import { Box, Text } from 'ink';
import { memo } from 'react';
import type { HistoryPoint } from '../../state/types.js';
import { formatPct, formatUsd } from '../format.js';
import { ratioBar } from '../glyphs.js';
import { type PaneBox, paneContentHeight, paneContentWidth } from '../layout.js';
import { memoLast } from '../model/memo.js';
import { shownHistory, shownReport } from '../model/shown.js';
import { instanceTag } from '../model/fleet.js';
import { useAirtop } from '../store-context.js';
import { useTheme } from '../theme.js';
import { Chart } from './chart.js';
import { Empty, Frame } from './frame.js';

const MAX_CHART_HEIGHT = 12;

const perPoll = memoLast((history: HistoryPoint[]) => history.map((p) => p.totalCostUsd));
const money = (v: number) => `$${v >= 100 ? v.toFixed(0) : v.toFixed(2)}`;

/** Today's spend against the budget, cost per document, and the spend per poll and per day. */
export const CostsPane = memo(function CostsPane({ box, focused }: { box: PaneBox; focused: boolean }) {
  const tag = useAirtop(instanceTag);
  const theme = useTheme();
  const report = useAirtop(shownReport);
  const polls = useAirtop((s) => perPoll(shownHistory(s)));
  const width = paneContentWidth(box);
  const height = paneContentHeight(box);
  const costs = report?.costs;
  const byDay = costs?.by_day.map((d) => d.total_cost_usd) ?? [];
  // A taller chart adds no information and Ink redraws every character of it on each frame.
  const chartHeight = Math.min(MAX_CHART_HEIGHT, height - 2);
  const sideBySide = width >= 70;
  const budgetColour = costs?.budget.exceeded
    ? theme.status.critical
    : (costs?.budget.used_ratio ?? 0) >= 0.8
      ? theme.status.warning
      : theme.status.healthy;
  return (
    <Frame
      width={box.width}
      height={box.height}
      title={`[3] Costs${tag}  ${costs ? `${formatUsd(costs.costs.total_cost_usd)} today` : ''}`}
      focused={focused}
    >
      {!costs ? (
        <Empty text="no cost data yet" />
      ) : (
        <>
          <Text wrap="truncate">
            {`${formatUsd(costs.costs.total_cost_usd)} of ${formatUsd(costs.budget.daily_budget_usd)} budget `}
            <Text color={budgetColour}>
              {ratioBar(costs.budget.used_ratio, 12)} {formatPct(costs.budget.used_ratio, 0)}
              {costs.budget.exceeded ? ' EXCEEDED' : ''}
            </Text>
          </Text>
          <Text wrap="truncate">
            {`per document ${formatUsd(costs.costs.cost_per_document_usd)} (${costs.costs.documents_processed} docs)  embedding ${formatUsd(costs.costs.embedding_cost_usd)}  LLM in ${formatUsd(costs.costs.llm_input_cost_usd)} out ${formatUsd(costs.costs.llm_output_cost_usd)}`}
          </Text>
          {sideBySide ? (
            <Box>
              <Chart
                title="total cost per poll"
                values={polls}
                width={Math.floor(width / 2)}
                height={chartHeight}
                format={money}
              />
              <Chart
                title="total cost per day"
                values={byDay}
                width={width - Math.floor(width / 2)}
                height={chartHeight}
                format={money}
              />
            </Box>
          ) : (
            <>
              <Chart title="total cost per poll" values={polls} width={width} height={chartHeight - 1} format={money} />
              <Chart title="per day" values={byDay} width={width} height={1} format={money} />
            </>
          )}
        </>
      )}
    </Frame>
  );
});
