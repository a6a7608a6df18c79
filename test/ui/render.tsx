// The one render helper for UI tests: Ink into fake streams (debug: every commit is a whole frame), a fixed
// size, an injected store and clock, waiting for content instead of sleeping.
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink';
import { vi } from 'vitest';
import type { AirtopStore } from '../../source/state/store.js';
import { App } from '../../source/ui/app.js';
import type { Commands } from '../../source/ui/commands.js';
import { fakeStdin, fakeTtyRenderOptions } from '../helpers/fake-tty.js';
import { NOW } from './fixtures.js';

export const KEY = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  shiftTab: '\x1b[Z',
  backspace: '\x7f',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  ctrlC: '\x03',
};

class FakeStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = true;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write(chunk: string) {
    this.frames.push(String(chunk));
    return true;
  }
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function renderTui(options: {
  store: AirtopStore;
  readonly?: boolean;
  noColor?: boolean;
  clock?: () => Date;
  tickMs?: number;
  commands?: Commands;
}) {
  const { columns, rows } = options.store.getState().ui.size;
  const stdout = new FakeStdout(columns, rows);
  const stdin = fakeStdin();
  const commands = {
    refresh: vi.fn(),
    quit: vi.fn(),
    ack: vi.fn(),
    unack: vi.fn(),
    silence: vi.fn(),
  } satisfies Commands;
  const instance = render(
    <App
      store={options.store}
      commands={options.commands ?? commands}
      readonly={options.readonly ?? false}
      noColor={options.noColor ?? true}
      clock={options.clock ?? (() => new Date(NOW.getTime() + 30_000))}
      tickMs={options.tickMs ?? 1000}
    />,
    fakeTtyRenderOptions(stdout, stdin),
  );
  const rawFrame = () => stdout.frames[stdout.frames.length - 1] ?? '';
  const lastFrame = () => stripVTControlCharacters(rawFrame());
  return {
    commands,
    stdout,
    lastFrame,
    rawFrame,
    /** Resolves with the frame once it contains `match`; fails with the last frame after `timeoutMs`. */
    async waitForContent(match: string | RegExp, timeoutMs = 5000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const frame = lastFrame();
        if (typeof match === 'string' ? frame.includes(match) : match.test(frame)) return frame;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(match)}; last frame:\n${frame}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    /** Types keys one by one; a macrotask between them lets Ink flush a lone Esc before the next key. */
    async sendKeys(...keys: string[]): Promise<void> {
      for (const key of keys) {
        stdin.write(key);
        await macrotask();
        await macrotask();
      }
    },
    unmount: () => instance.unmount(),
  };
}

/** Clock text and ages vary between runs; compare frames without them. */
export function normalise(frame: string): string {
  return frame.replace(/\d\d:\d\d:\d\d/g, 'HH:MM:SS').replace(/(\b\d+[smhd](\d+[smh])?|<1m) ago\b/g, 'N ago');
}
