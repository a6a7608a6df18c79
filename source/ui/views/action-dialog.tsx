import { Text } from 'ink';
import { actionFields } from '../../actions/dialog.js';
import { itemText, targetText, verbText } from '../../actions/describe.js';
import { printable } from '../format.js';
import { Frame } from '../panes/frame.js';
import { useAirtop } from '../store-context.js';
import { useTheme } from '../theme.js';

/**
 * The confirmation for an action on Airflow, in the body's place: what will be sent, its options (Tab, Space),
 * and what Airflow's dry run says will change, with a count. Enter sends exactly that; Esc sends nothing.
 */
export function ActionDialogView({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const dialog = useAirtop((s) => (s.ui.dialog?.kind === 'action' ? s.ui.dialog : null));
  if (!dialog) return null;
  const { request, preview } = dialog;
  const fields = actionFields(dialog);
  const focused = fields.length === 0 ? -1 : dialog.field % fields.length;
  // A fleet: the instance it goes to, fixed when the dialog opened.
  const where = dialog.instance ? ` on ${printable(dialog.instance)}` : '';
  const title = `${verbText(request).replace(/^./, (c) => c.toUpperCase())} ${printable(targetText(request))}${where}?`;
  let heading: string;
  let items: string[] = [];
  if (preview.status === 'loading') heading = 'asking Airflow for a dry run…';
  else if (preview.status === 'none') heading = preview.reason;
  else if (preview.status === 'error') heading = `dry run refused: ${printable(preview.reason)}`;
  else {
    heading = `Airflow's dry run: ${preview.total} task instance${preview.total === 1 ? '' : 's'} will change${preview.total === 0 ? ' (nothing to do)' : ':'}`;
    items = preview.items.map((i) => `  ${printable(itemText(i))}`);
  }
  // Title, options, blank, heading, hint and error take the rest; the list gets what remains.
  const room = Math.max(1, height - 3 - fields.length - 4 - (dialog.error ? 1 : 0));
  const shown = items.length > room ? [...items.slice(0, room - 1), `  … and ${items.length - room + 1} more`] : items;
  const hint =
    dialog.phase === 'sending'
      ? 'sent; waiting for Airflow (a second Enter sends nothing)'
      : `Enter ${verbText(request)}${fields.length > 0 ? ' · Tab next option · Space or ←/→ toggles' : ''} · Esc cancel (nothing sent)`;
  return (
    <Frame width={width} height={height} focused title={<Text color={theme.accent}>{title}</Text>}>
      {fields.map((f, i) => (
        <Text key={f.id} wrap="truncate">
          <Text inverse={i === focused}>{` ${f.label}: `}</Text>
          {f.kind === 'text' ? (
            <Text>
              {' '}
              {printable(f.value)}
              {i === focused ? <Text inverse> </Text> : null}
            </Text>
          ) : (
            <Text bold>{` ${f.value}`}</Text>
          )}
        </Text>
      ))}
      {dialog.ack ? (
        <Text wrap="truncate" dimColor>
          {`  firing alert: ${printable(dialog.ack.summary)}`}
        </Text>
      ) : null}
      <Text wrap="truncate" color={preview.status === 'error' ? theme.error : undefined} bold>
        {heading}
      </Text>
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate">
          {line}
        </Text>
      ))}
      {dialog.error ? (
        <Text wrap="truncate" color={theme.error}>
          {dialog.error}
        </Text>
      ) : null}
      <Text wrap="truncate" dimColor>
        {hint}
      </Text>
    </Frame>
  );
}
