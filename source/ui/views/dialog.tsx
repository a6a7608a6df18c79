import { Box, Text } from 'ink';
import { DIALOG_HEIGHT } from '../layout.js';
import { SILENCE_CHOICES } from '../keymap.js';
import { anyAlerts } from '../model/fleet.js';
import { alertText } from '../model/lists.js';
import { useAirtop } from '../store-context.js';
import { useTheme } from '../theme.js';

/** The ack / silence prompt, DIALOG_HEIGHT lines above the footer. */
export function Dialog({ width }: { width: number }) {
  const theme = useTheme();
  const dialog = useAirtop((s) => s.ui.dialog);
  const alert = useAirtop((s) => {
    const d = s.ui.dialog;
    return d && d.kind !== 'action' ? (anyAlerts(s).find((a) => a.fingerprint === d.fingerprint) ?? null) : null;
  });
  // The action dialog takes the body's place (views/action-dialog.tsx).
  if (!dialog || dialog.kind === 'action') return null;
  const one = alert ? alertText(alert) : dialog.fingerprint;
  const count = dialog.fingerprints?.length ?? 1;
  const subject = count > 1 ? `${count} alerts of a group (${one}, …)` : one;
  return (
    <Box
      flexDirection="column"
      width={width}
      height={DIALOG_HEIGHT}
      flexShrink={0}
      borderStyle="round"
      borderColor={theme.accent}
    >
      <Text wrap="truncate" bold>
        {dialog.kind === 'ack' ? `Acknowledge: ${subject}` : `Silence: ${subject}`}
      </Text>
      {dialog.kind === 'ack' ? (
        <Text wrap="truncate">
          {'note (optional): '}
          {dialog.note}
          <Text inverse> </Text>
        </Text>
      ) : (
        <Text wrap="truncate">
          {'for '}
          {SILENCE_CHOICES.map((c, i) => (
            <Text key={c.label} inverse={i === dialog.durationIndex} bold={i === dialog.durationIndex}>
              {` ${c.label} `}
            </Text>
          ))}
          {'  (←/→)   comment: '}
          {dialog.comment}
          <Text inverse> </Text>
        </Text>
      )}
      <Text wrap="truncate" dimColor>
        {dialog.kind === 'ack'
          ? 'Enter acknowledge · Esc cancel (stops escalation; the note is kept with the ack)'
          : 'Enter silence · Esc cancel'}
      </Text>
    </Box>
  );
}
