import type { Key } from 'ink';

/** Ink's (input, key) as one name: 'up', 'enter', 'escape', 'shift-tab', 'ctrl-c', or the typed text. */
export function keyName(input: string, key: Partial<Key>): string {
  if (key.ctrl && input) return `ctrl-${input}`;
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  // Ink 6 reports Backspace (0x7f) as `delete`.
  if (key.backspace || key.delete) return 'backspace';
  // Ink 6 reports Esc as meta + escape; a bare meta with text is Alt+key, which we read as the key.
  if (key.escape || (key.meta && !input)) return 'escape';
  return input;
}

const CONTROL_KEYS: Record<string, string> = {
  '\r': 'enter',
  '\n': 'enter',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\t': 'tab',
};

/**
 * Ink 6 hands over a run of plain characters that arrive together (fast typing, key repeat, a paste, tmux
 * send-keys) as one input. Each character is a key press of its own.
 */
export function keyPresses(input: string, key: Partial<Key>): { name: string; input: string }[] {
  const name = keyName(input, key);
  if (name !== input || [...input].length <= 1) return [{ name, input }];
  return [...input].map((ch) => (CONTROL_KEYS[ch] ? { name: CONTROL_KEYS[ch]!, input: '' } : { name: ch, input: ch }));
}
