import { render } from 'ink';
import type { AirtopStore } from '../state/store.js';
import { App } from './app.js';
import type { Commands } from './commands.js';

export interface RunTuiOptions {
  store: AirtopStore;
  commands: Commands;
  readonly: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Default: the NO_COLOR environment variable. */
  noColor?: boolean;
  /** Route console output around the frame (default true). Test runners that replace `console` need false. */
  patchConsole?: boolean;
}

export const NEEDS_TERMINAL = 'airtop needs an interactive terminal; use --once --json or --headless';
/** Alternate screen on, cursor hidden (Ink 6 has no option for it). */
export const ENTER_SCREEN = '\x1b[?1049h\x1b[?25l';
/** Cursor shown, alternate screen off: the user's scrollback comes back untouched. */
export const LEAVE_SCREEN = '\x1b[?25h\x1b[?1049l';

// SIGQUIT too: its default action (a core dump) would leave the alternate screen up and the cursor hidden.
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * Draws the TUI until the user quits, a signal arrives or something crashes, and restores the terminal on each
 * of those paths. Resolves on a clean exit; rejects with the error after a crash (terminal already restored).
 */
export async function runTui(options: RunTuiOptions): Promise<void> {
  const { store, commands, readonly } = options;
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function' || !stdout.isTTY) throw new Error(NEEDS_TERMINAL);

  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      stdout.write(LEAVE_SCREEN);
    } catch {
      // stdout is gone (terminal closed): nothing left to restore.
    }
  };
  const onResize = () => store.getState().setSize(stdout.columns || 80, stdout.rows || 24);

  stdout.write(ENTER_SCREEN);
  onResize();
  stdout.on('resize', onResize);
  process.on('exit', restore);

  let crash: (error: unknown) => void = () => undefined;
  const crashed = new Promise<never>((_, reject) => {
    crash = reject;
  });
  let instance: ReturnType<typeof render> | null = null;
  const onSignal = () => instance?.unmount();
  const onUncaught = (error: unknown) => {
    restore();
    instance?.unmount();
    crash(error);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('uncaughtException', onUncaught);
  // A rejection nobody handles would end the process through Node's default handler, past the restore.
  process.on('unhandledRejection', onUncaught);
  try {
    instance = render(
      <App
        store={store}
        commands={commands}
        readonly={readonly}
        {...(options.noColor === undefined ? {} : { noColor: options.noColor })}
      />,
      {
        stdout,
        stdin,
        exitOnCtrlC: false,
        patchConsole: options.patchConsole ?? true,
        // Not incrementalRendering: in Ink 6.8 it rewrites changed lines one row too low when the frame is
        // shorter than the terminal (seen in tmux: the header's second line doubled), which our frames always are.
      },
    );
    // Ask for the exit promise now: Ink only resolves one that exists when it unmounts.
    await Promise.race([instance.waitUntilExit(), crashed]);
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    process.off('exit', restore);
    stdout.off('resize', onResize);
    restore();
  }
}
