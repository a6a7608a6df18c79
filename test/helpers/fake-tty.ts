import { PassThrough } from 'node:stream';
import type { RenderOptions } from 'ink';

// Ink without a terminal: a stdin it takes for an interactive one, and the render options the UI tests and the
// UI benches pass with their own stdout. Type-only Ink import, so a bench can still load Ink after NODE_ENV.

/** A stdin Ink treats as a TTY in raw mode; the test writes key sequences into it. */
export function fakeStdin() {
  return Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: () => undefined,
    ref: () => undefined,
    unref: () => undefined,
  });
}

/** Ink's options over fake streams: each commit written at once as a whole frame (debug), Ctrl-C and console alone. */
export function fakeTtyRenderOptions(stdout: object, stdin: object): RenderOptions {
  return {
    stdout: stdout as NodeJS.WriteStream,
    stdin: stdin as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  };
}
