import { Box, Text } from 'ink';
import type { ComponentHealth, Health } from '../airflow/types.js';
import { topView } from '../state/store.js';
import type { AirtopData, PollStatus, View } from '../state/types.js';
import { sanitizeText } from '../text/sanitize.js';
import { formatAge, formatClock, formatCountdown, formatScore } from './format.js';
import { shownReport } from './model/shown.js';
import { statusDriver } from './model/status-driver.js';
import { useAirtop } from './store-context.js';
import { useTheme } from './theme.js';
import { type Clock, useNow } from './use-now.js';

// Three fixed lines: where and what (Airflow, overall status), how fresh (components, polls), where you are
// (breadcrumbs) or why the data is stale. The only component with a clock.

function crumb(view: View): string {
  switch (view.kind) {
    case 'main':
      return 'DAGs';
    case 'dag':
      return view.dagId;
    case 'run':
      return view.runId;
    case 'log':
      return `${view.taskId}${view.mapIndex >= 0 ? `[${view.mapIndex}]` : ''} log, try ${view.tryNumber}`;
  }
}

/** `scope`: in a fleet, the instance the view belongs to (or "all instances"), named first. */
export function breadcrumbs(stack: readonly View[], scope: string | null = null): string {
  const path = stack.map(crumb).join(' › ');
  return scope === null ? path : `${scope} › ${path}`;
}

/** What the breadcrumb names first in a fleet: the top view's instance, the picked one, or all; null for one instance. */
export function scopeOf(s: AirtopData): string | null {
  if (!s.fleet || s.fleet.length === 0) return null;
  const top = topView(s);
  if (top.kind !== 'main' && top.instance) return top.instance;
  if (s.ui.instance) return s.ui.instance;
  return s.fleet.length > 1 ? 'all instances' : (s.ui.current ?? s.fleet[0]!.name);
}

const COMPONENTS: [keyof Health, string, string][] = [
  ['scheduler', 'scheduler', 'sched'],
  ['triggerer', 'triggerer', 'trig'],
  ['dagProcessor', 'dag_processor', 'dagproc'],
];
/** Below this width the second line uses short names, so the poll countdown still fits. */
const NARROW = 110;

function HealthDot({ health }: { health: ComponentHealth | undefined }) {
  const theme = useTheme();
  const status = health?.status ?? null;
  const colour =
    status === 'healthy' ? theme.status.healthy : status === 'unhealthy' ? theme.status.critical : theme.status.unknown;
  return <Text color={colour}>{status === 'healthy' ? '● ok' : status === 'unhealthy' ? '✖ down' : '? n/a'}</Text>;
}

function nextPollText(poll: PollStatus, nowMs: number): string {
  if (poll.state === 'polling') return 'polling…';
  if (!poll.nextPollAt) return 'no poll scheduled';
  return `next ${formatCountdown((Date.parse(poll.nextPollAt) - nowMs) / 1000)}`;
}

export function Header({ width, clock, tickMs = 1000 }: { width: number; clock: Clock; tickMs?: number }) {
  const theme = useTheme();
  const poll = useAirtop((s) => s.poll);
  const timeText = (ms: number) => `${formatAge(poll.lastSuccessAt, ms)}|${nextPollText(poll, ms)}`;
  const now = useNow(clock, timeText, tickMs);
  const report = useAirtop(shownReport);
  const paused = useAirtop((s) => s.ui.paused);
  const stack = useAirtop((s) => s.ui.stack);
  const scope = useAirtop(scopeOf);
  // A fleet: the instance the header's figures are of (the picked one, the view's, or the selected row's).
  const current = useAirtop((s) => (s.fleet && s.fleet.length > 1 ? (s.ui.current ?? null) : null));
  const url = useAirtop((s) => s.report?.airflow.url ?? s.snapshot?.airflow.url ?? null);
  const version = useAirtop((s) => s.report?.airflow.version ?? s.snapshot?.airflow.version ?? null);
  const api = useAirtop((s) => s.report?.airflow.api ?? s.snapshot?.airflow.api ?? null);
  const health = report?.airflow.health ?? null;
  const overall = report?.summary.overall;
  // On a narrow screen only the worst finding, so the status keeps its place beside the URL.
  const drivers = report ? statusDriver(report) : null;
  const driver = drivers && width < NARROW ? drivers.split(', ')[0]! : drivers;
  const staleRaw = poll.error ?? (report?.airflow.stale ? (report.airflow.stale_reason ?? 'data is stale') : null);
  const stale = staleRaw === null ? null : sanitizeText(staleRaw);
  const overallColour =
    overall === 'critical'
      ? theme.status.critical
      : overall === 'warning'
        ? theme.status.warning
        : theme.status.healthy;
  const nextText = nextPollText(poll, now);
  return (
    <Box flexDirection="column" width={width} height={3} flexShrink={0}>
      <Box width={width}>
        <Box flexGrow={1} flexShrink={1}>
          <Text wrap="truncate">
            <Text bold color={theme.accent}>
              airtop
            </Text>{' '}
            {current ? <Text bold>{`${sanitizeText(current, { max: 40 })} `}</Text> : null}
            {url ? sanitizeText(url, { max: 200 }) : 'connecting…'}
            {version ? `  Airflow ${sanitizeText(version, { max: 24 })}` : ''}
            {api ? ` (${api})` : ''}
          </Text>
        </Box>
        <Box flexShrink={0}>
          <Text>
            {paused ? (
              <Text inverse bold>
                {' PAUSED '}
              </Text>
            ) : null}
            {stale ? (
              <Text color={theme.error} bold>
                {' STALE'}
              </Text>
            ) : null}
            {overall ? (
              <Text color={overallColour} bold>
                {`  ${overall.toUpperCase()}${driver ? `: ${driver}` : ''}`}
              </Text>
            ) : (
              '  waiting for the first poll'
            )}
            {report ? `  health ${formatScore(report.summary.health_score)}` : ''}
          </Text>
        </Box>
      </Box>
      <Text wrap="truncate">
        {COMPONENTS.map(([key, label, short]) => (
          <Text key={key}>
            {width < NARROW ? short : label} <HealthDot health={health?.[key]} />
            {'  '}
          </Text>
        ))}
        {`│ ${width < NARROW ? 'poll' : 'last poll'} ${formatClock(poll.lastSuccessAt)} (${formatAge(poll.lastSuccessAt, now)})  ${nextText}`}
      </Text>
      <Text wrap="truncate">
        <Text dimColor>{breadcrumbs(stack, scope === null ? null : sanitizeText(scope, { max: 40 }))}</Text>
        {stale ? (
          <Text
            color={theme.error}
          >{`  STALE: ${stale}${poll.consecutiveFailures > 1 ? ` (${poll.consecutiveFailures} failed polls)` : ''}`}</Text>
        ) : null}
      </Text>
    </Box>
  );
}
