import { Text } from 'ink';
import { memo } from 'react';
import type { QualityComponent, QualityReport } from '../../report/types.js';
import { fit, formatScore } from '../format.js';
import { type PaneBox, paneContentHeight } from '../layout.js';
import { shownReport } from '../model/shown.js';
import { instanceTag } from '../model/fleet.js';
import { useAirtop } from '../store-context.js';
import { type Theme, useTheme } from '../theme.js';
import { Empty, Frame } from './frame.js';

type QualityStatus = QualityReport['status'];

/** The reference's bands: ≥ 80 healthy, ≥ 60 degraded, else critical. */
export function qualityStatus(component: QualityComponent): QualityStatus {
  const score = component.quality_score;
  if (component.status === 'no_data' || typeof score !== 'number') return 'no_data';
  return score >= 80 ? 'healthy' : score >= 60 ? 'degraded' : 'critical';
}

function statusColour(theme: Theme, status: QualityStatus): string | undefined {
  return {
    healthy: theme.status.healthy,
    degraded: theme.status.warning,
    critical: theme.status.critical,
    no_data: theme.status.unknown,
  }[status];
}

const COMPONENTS: ['embedding' | 'extraction' | 'llm', string][] = [
  ['embedding', 'embedding'],
  ['extraction', 'extraction'],
  ['llm', 'LLM'],
];

export const QualityPane = memo(function QualityPane({ box, focused }: { box: PaneBox; focused: boolean }) {
  const tag = useAirtop(instanceTag);
  const theme = useTheme();
  const quality = useAirtop((s) => shownReport(s)?.quality ?? null);
  const budget = paneContentHeight(box);
  if (!quality) {
    return (
      <Frame width={box.width} height={box.height} title={`[4] Quality${tag}`} focused={focused}>
        <Empty text="no quality data yet" />
      </Frame>
    );
  }
  // Component rows first; issues and recommendations take what is left.
  const notes = [...quality.issues.map((t) => `! ${t}`), ...quality.recommendations.map((t) => `→ ${t}`)];
  const room = Math.max(0, budget - 1 - COMPONENTS.length - (notes.length ? 1 : 0));
  return (
    <Frame
      width={box.width}
      height={box.height}
      focused={focused}
      title={
        <Text>
          {`[4] Quality${tag}  overall `}
          <Text
            color={statusColour(theme, quality.status)}
          >{`${formatScore(quality.overall_score)} ${quality.status}`}</Text>
        </Text>
      }
    >
      <Text wrap="truncate" dimColor>
        {` ${fit('component', 12)} ${fit('score', 6, 'right')} ${fit('samples', 8, 'right')}  status`}
      </Text>
      {COMPONENTS.map(([key, label]) => {
        const c = quality.components[key];
        const status = qualityStatus(c);
        return (
          <Text key={key} wrap="truncate">
            {` ${fit(label, 12)} ${fit(status === 'no_data' ? '—' : formatScore(c.quality_score), 6, 'right')} ${fit(String(c.samples_analyzed ?? '—'), 8, 'right')}  `}
            <Text color={statusColour(theme, status)}>{status === 'no_data' ? 'no data' : status}</Text>
          </Text>
        );
      })}
      {notes.length ? (
        <Text wrap="truncate" dimColor>
          {`issues ${quality.issues.length}`}
        </Text>
      ) : null}
      {notes.slice(0, room).map((note, i) => (
        <Text key={i} wrap="truncate" color={note.startsWith('!') ? theme.status.warning : undefined}>
          {` ${note}`}
        </Text>
      ))}
    </Frame>
  );
});
