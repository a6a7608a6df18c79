import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
// runTui renders for a real terminal (no debug mode), and Ink renders nothing but the last frame when
// it believes it runs in CI; the CLI clears CI for interactive terminals, so do the same before Ink loads.
vi.hoisted(() => {
  process.env.CI = 'false';
  delete process.env.CONTINUOUS_INTEGRATION;
});

import { ENTER_SCREEN, LEAVE_SCREEN, NEEDS_TERMINAL, runTui } from '../../source/ui/run.js';
import { buildStore } from './fixtures.js';

class Terminal extends EventEmitter {
  isTTY = true;
  columns = 100;
  rows = 30;
  written = '';
  write(chunk: string, callback?: () => void) {
    this.written += String(chunk);
    callback?.();
    return true;
  }
}

function terminal() {
  const stdout = new Terminal();
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: vi.fn(),
    ref: () => undefined,
    unref: () => undefined,
  });
  return { stdout, stdin };
}

const commands = () => ({ refresh: vi.fn(), quit: vi.fn(), ack: vi.fn(), unack: vi.fn(), silence: vi.fn() });

async function started(stdout: Terminal) {
  await expect.poll(() => stdout.written.includes('[1] DAG health'), { timeout: 5000 }).toBe(true);
}

function launch() {
  const store = buildStore({ columns: 100, rows: 30 });
  const { stdout, stdin } = terminal();
  const cmds = commands();
  const done = runTui({
    store,
    commands: cmds,
    readonly: false,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    patchConsole: false,
  });
  return { store, stdout, stdin, cmds, done };
}

const restoredLast = (stdout: Terminal) =>
  stdout.written.lastIndexOf(LEAVE_SCREEN) > stdout.written.lastIndexOf('[1] DAG health');

describe('runTui', () => {
  afterEach(() => vi.restoreAllMocks());

  it('refuses to start without an interactive terminal', async () => {
    const store = buildStore();
    const piped = Object.assign(new PassThrough(), { isTTY: false });
    await expect(
      runTui({ store, commands: commands(), readonly: false, stdin: piped as unknown as NodeJS.ReadStream }),
    ).rejects.toThrow(NEEDS_TERMINAL);
    expect(NEEDS_TERMINAL).toBe('airtop needs an interactive terminal; use --once --json or --headless');
  });

  it('enters the alternate screen, and q quits and restores it', async () => {
    const { stdout, stdin, cmds, done } = launch();
    expect(stdout.written.startsWith(ENTER_SCREEN)).toBe(true);
    await started(stdout);
    stdin.write('q');
    await done;
    expect(cmds.quit).toHaveBeenCalledTimes(1);
    expect(restoredLast(stdout)).toBe(true);
    expect(stdin.setRawMode).toHaveBeenLastCalledWith(false);
  });

  it('keeps the size in the store on resize', async () => {
    const { store, stdout, stdin, done } = launch();
    await started(stdout);
    stdout.columns = 70;
    stdout.rows = 20;
    stdout.emit('resize');
    expect(store.getState().ui.size).toEqual({ columns: 70, rows: 20 });
    stdin.write('q');
    await done;
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s unmounts and restores the terminal', async (signal) => {
    const before = process.listenerCount(signal);
    const { stdout, done } = launch();
    await started(stdout);
    process.emit(signal, signal);
    await done;
    expect(restoredLast(stdout)).toBe(true);
    expect(process.listenerCount(signal)).toBe(before);
  });

  it('an uncaught exception restores the terminal, then rejects with the error', async () => {
    // vitest reports uncaught exceptions itself; step aside while this one is raised on purpose.
    const theirs = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    try {
      const { stdout, done } = launch();
      await started(stdout);
      const boom = new Error('boom from a sink');
      process.emit('uncaughtException', boom, 'uncaughtException');
      await expect(done).rejects.toBe(boom);
      expect(restoredLast(stdout)).toBe(true);
      expect(process.listenerCount('uncaughtException')).toBe(0);
    } finally {
      for (const listener of theirs) process.on('uncaughtException', listener);
    }
  });
});
