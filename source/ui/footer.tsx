import { Box, Text } from 'ink';
import { currentMode } from './dispatch.js';
import { fit } from './format.js';
import { actionsOff } from './action-keys.js';
import { footerHintsMarked } from './keymap.js';
import { useAirtop } from './store-context.js';
import { useTheme } from './theme.js';

/** One line: the filter being typed, else the last message, else key hints from the keymap; state chips on the right. */
export function Footer({ width, readonly }: { width: number; readonly: boolean }) {
  const theme = useTheme();
  const mode = useAirtop(currentMode);
  const filter = useAirtop((s) => s.ui.filter);
  const message = useAirtop((s) => s.ui.message);
  const faultsOnly = useAirtop((s) => s.ui.faultsOnly);
  const sort = useAirtop((s) => s.ui.sort);
  const atMain = useAirtop((s) => s.ui.stack.length <= 1);
  const dialogKind = useAirtop((s) => s.ui.dialog?.kind ?? null);
  const off = useAirtop(actionsOff);
  const role = useAirtop((s) => s.actions?.availability.role ?? null);
  const fleet = useAirtop((s) => (s.fleet?.length ?? 0) > 1);
  const chips = [
    filter.text && !filter.editing ? `filter: ${fit(filter.text, 24).trimEnd()}` : '',
    faultsOnly ? 'faults only' : '',
    atMain ? `sort: ${sort.replace('_', ' ')}` : '',
    readonly ? 'read-only' : '',
    // The greyed action keys' reason, short enough to always fit; the help and a key press give it whole.
    off && !readonly ? `actions off: ${role ? `${role} role` : fit(off, 32).trimEnd()}` : '',
  ].filter(Boolean);
  let left;
  if (mode === 'filter') {
    left = (
      <Text wrap="truncate">
        <Text color={theme.accent}>/</Text>
        {filter.text}
        <Text inverse> </Text>
        <Text dimColor>{'  Enter apply · Esc clear · re:REGEX or /REGEX/ · ! inverts'}</Text>
      </Text>
    );
  } else if (message) {
    left = (
      <Text wrap="truncate" color={message.level === 'error' ? theme.error : theme.accent}>
        {message.text}
      </Text>
    );
  } else {
    left = (
      <Text wrap="truncate">
        {footerHintsMarked(mode, readonly, off, fleet)
          .filter(
            (h) =>
              !(dialogKind !== 'silence' && h.text === 'duration') && !(dialogKind !== 'action' && h.text === 'option'),
          )
          .map((h) => (
            <Text key={h.key + h.text} dimColor={h.off}>
              <Text bold={!h.off}>{h.key}</Text>
              <Text dimColor>{` ${h.text}  `}</Text>
            </Text>
          ))}
      </Text>
    );
  }
  return (
    <Box width={width} height={1} flexShrink={0}>
      <Box flexGrow={1} flexShrink={1}>
        {left}
      </Box>
      {chips.length > 0 ? (
        <Box flexShrink={0}>
          <Text color={theme.accent}>{` ${chips.join(' · ')}`}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
