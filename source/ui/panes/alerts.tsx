import { Text } from 'ink';
import { memo } from 'react';
import type { AlertView } from '../../report/types.js';
import type { DeadLetter, SinkStatus } from '../../state/types.js';
import { fit, formatClock, truncate } from '../format.js';
import { alertSections, type PaneBox, paneContentHeight, visibleWindow } from '../layout.js';
import { type AlertPaneRow, groupLabelText, inhibitedText, selectAlertPaneRows } from '../model/alert-rows.js';
import { selectAlertRowInstances } from '../model/current.js';
import { alertText, selectAlertRows, selectDeadLetters, selectSinks } from '../model/lists.js';
import { useAirtop } from '../store-context.js';
import { useTheme } from '../theme.js';
import { Empty, Frame } from './frame.js';

const SEVERITY_LABEL: Record<AlertView['severity'], string> = { critical: 'CRIT', warning: 'WARN', info: 'INFO' };

function ackText(alert: AlertView): string {
  if (alert.ack) return `ack ${alert.ack.by}${alert.ack.note ? `: ${alert.ack.note}` : ''}`;
  return alert.escalation_level ? `L${alert.escalation_level}` : '';
}

/** Who acknowledged a group: the one name when one person acked every live member, else how many are acked. */
function groupAckText(members: AlertView[]): string {
  const live = members.filter((m) => m.state !== 'resolved');
  const acked = live.filter((m) => m.ack);
  if (acked.length === 0) return '';
  const by = new Set(acked.map((m) => m.ack!.by));
  const [who] = by;
  return acked.length === live.length && by.size === 1 ? `ack ${who}` : `ack ${acked.length}/${live.length}`;
}

const STATE_WIDTH = 12;
/** The all view's instance column. */
const INSTANCE_WIDTH = 12;

/**
 * One line: severity (the selection mark before it), since, state, message and the acknowledgement.
 * A group's member is indented; an inhibited alert is dimmed and says what inhibits it.
 */
const AlertLine = memo(function AlertLine({
  alert,
  width,
  selected,
  member = false,
  inhibited = null,
  instance = null,
}: {
  alert: AlertView;
  width: number;
  selected: boolean;
  member?: boolean;
  inhibited?: string | null;
  /** The all view: the alert's instance, in a column after the time. */
  instance?: string | null;
}) {
  const theme = useTheme();
  const ack = inhibited ?? ackText(alert);
  const lead = instance === null ? 0 : INSTANCE_WIDTH + 1;
  // The acknowledgement (who, and their note) gets up to a third of the line; the message the rest.
  const ackWidth = ack ? Math.min(ack.length, Math.max(12, Math.floor(width / 3))) : 0;
  const messageWidth = Math.max(8, width - 5 - 9 - lead - (STATE_WIDTH + 1) - 1 - (ackWidth ? ackWidth + 1 : 0));
  const state = truncate(inhibited ? 'inhibited' : alert.state, STATE_WIDTH);
  const message = truncate(`${member ? '  ' : ''}${alertText(alert)}`, messageWidth);
  return (
    <Text wrap="truncate" dimColor={inhibited !== null}>
      <Text
        color={theme.severity[alert.severity]}
        inverse={selected}
      >{`${selected ? '›' : ' '}${SEVERITY_LABEL[alert.severity]}`}</Text>
      {` ${fit(formatClock(alert.since), 8)} `}
      {instance === null ? '' : `${fit(instance, INSTANCE_WIDTH)} `}
      <Text color={theme.alertState[alert.state]}>{state}</Text>
      {' '.repeat(STATE_WIDTH + 1 - state.length)}
      <Text bold={selected}>{message}</Text>
      {ack ? `${' '.repeat(messageWidth + 1 - message.length)}${truncate(ack, ackWidth)}` : ''}
    </Text>
  );
});

/** A group: worst severity, the newest member's time, the group's state, count, labels and newest summary. */
const GroupLine = memo(function GroupLine({
  row,
  width,
  selected,
  instance = null,
}: {
  row: Extract<AlertPaneRow, { kind: 'group' }>;
  width: number;
  selected: boolean;
  instance?: string | null;
}) {
  const theme = useTheme();
  const { group, members, newest, expanded } = row;
  const ack = groupAckText(members);
  const lead = instance === null ? 0 : INSTANCE_WIDTH + 1;
  const ackWidth = ack ? Math.min(ack.length, Math.max(12, Math.floor(width / 3))) : 0;
  const messageWidth = Math.max(8, width - 5 - 9 - lead - (STATE_WIDTH + 1) - 1 - (ackWidth ? ackWidth + 1 : 0));
  const state = truncate(group.state, STATE_WIDTH);
  const colour = group.state === 'inhibited' ? theme.alertState.silenced : theme.alertState[group.state];
  const message = truncate(
    `${expanded ? '▾' : '▸'} ${members.length} alerts · ${groupLabelText(group)} · ${alertText(newest)}`,
    messageWidth,
  );
  return (
    <Text wrap="truncate">
      <Text
        color={theme.severity[group.severity]}
        inverse={selected}
      >{`${selected ? '›' : ' '}${SEVERITY_LABEL[group.severity]}`}</Text>
      {` ${fit(formatClock(newest.since), 8)} `}
      {instance === null ? '' : `${fit(instance, INSTANCE_WIDTH)} `}
      <Text color={colour}>{state}</Text>
      {' '.repeat(STATE_WIDTH + 1 - state.length)}
      <Text bold>{message}</Text>
      {ack ? `${' '.repeat(messageWidth + 1 - message.length)}${truncate(ack, ackWidth)}` : ''}
    </Text>
  );
});

function SinkLine({ sink }: { sink: SinkStatus }) {
  const theme = useTheme();
  const failing = sink.lastError !== null && (!sink.lastSuccessAt || (sink.lastErrorAt ?? '') > sink.lastSuccessAt);
  return (
    <Text wrap="truncate">
      {` ${fit(sink.name, 14)} `}
      <Text color={failing ? theme.status.critical : theme.status.healthy}>{failing ? '✖' : '✔'}</Text>
      {` last ok ${formatClock(sink.lastSuccessAt)}  queue ${sink.queueDepth}  dead ${sink.deadLetters}`}
      {sink.lastError ? (
        <Text
          color={failing ? theme.error : undefined}
        >{`  last error ${formatClock(sink.lastErrorAt)}: ${sink.lastError}`}</Text>
      ) : null}
    </Text>
  );
}

function DeadLetterLine({ letter }: { letter: DeadLetter }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate">
      {` ${fit(letter.sink, 14)} ${formatClock(letter.at)} `}
      <Text color={theme.error}>{letter.reason}</Text>
      {`  ${letter.summary}`}
    </Text>
  );
}

/** Alerts (firing first), then where notifications go (sinks) and what could not be delivered. */
export const AlertsPane = memo(function AlertsPane({ box, focused }: { box: PaneBox; focused: boolean }) {
  const alerts = useAirtop(selectAlertRows);
  const rows = useAirtop(selectAlertPaneRows);
  const sinks = useAirtop(selectSinks);
  const dead = useAirtop(selectDeadLetters);
  const selection = useAirtop((s) => s.ui.selection['alerts'] ?? 0);
  const instances = useAirtop(selectAlertRowInstances);
  const all = instances !== null;
  const sections = alertSections(paneContentHeight(box), sinks.length, dead.length);
  const selected = Math.max(0, Math.min(selection, rows.length - 1));
  const { start, end } = visibleWindow(rows.length, selected, sections.alerts);
  const firing = alerts.filter((a) => a.state === 'firing' && !a.inhibited_by).length;
  const width = box.width - 2;
  return (
    <Frame
      width={box.width}
      height={box.height}
      focused={focused}
      title={`[5] Alerts  ${firing} firing · ${alerts.length} shown · ${rows.filter((r) => r.kind === 'group' || !r.member).length} groups`}
    >
      <Text wrap="truncate" dimColor>
        {all
          ? ` sev  since    ${fit('instance', INSTANCE_WIDTH)} state        message`
          : ' sev  since    state        message'}
      </Text>
      {alerts.length === 0 ? <Empty text="no alerts" /> : null}
      {rows
        .slice(start, end)
        .map((row, i) =>
          row.kind === 'group' ? (
            <GroupLine
              key={`g:${row.group.key}`}
              row={row}
              width={width}
              selected={focused && start + i === selected}
              instance={instances ? (instances[start + i] ?? null) : null}
            />
          ) : (
            <AlertLine
              key={row.alert.fingerprint}
              alert={row.alert}
              width={width}
              selected={focused && start + i === selected}
              member={row.member}
              inhibited={inhibitedText(row.alert, alerts)}
              instance={instances ? (instances[start + i] ?? null) : null}
            />
          ),
        )}
      {sections.sinks > 0 ? (
        <>
          <Text wrap="truncate" dimColor>
            {`sinks (${sinks.length})`}
          </Text>
          {sinks.slice(0, sections.sinks).map((sink) => (
            <SinkLine key={sink.name} sink={sink} />
          ))}
        </>
      ) : null}
      {sections.deadLetters > 0 ? (
        <>
          <Text wrap="truncate" dimColor>
            {`dead letters (${dead.length})`}
          </Text>
          {dead.slice(0, sections.deadLetters).map((letter) => (
            <DeadLetterLine key={letter.id} letter={letter} />
          ))}
        </>
      ) : null}
    </Frame>
  );
});
