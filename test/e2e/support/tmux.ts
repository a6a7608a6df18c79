// A real terminal for the interactive UI: a private tmux server (its own socket), one 120×40 window running
// a plain shell, into which the test types commands and keys and from which it reads the screen.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { notYet, waitFor } from './wait.js';

const run = promisify(execFile);

/**
 * The environment of a person's terminal: without CI markers, which make Ink draw nothing (CI=true is set by
 * .ci/e2e.sh), so the tmux server and everything it runs see an ordinary interactive session.
 */
function terminalEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key.startsWith('CI_')) delete env[key];
  return env;
}

export class Tmux {
  readonly socket = `airtop-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly target = 'main:0.0';

  async tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {
      timeout: 10_000,
      env: terminalEnv(),
    });
    return stdout;
  }

  /** A bash without rc files, so the prompt and keys are predictable; env holds what the command needs. */
  async start(env: Record<string, string>, cwd: string): Promise<void> {
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    await this.tmux(
      'new-session',
      '-d',
      '-s',
      'main',
      '-x',
      '120',
      '-y',
      '40',
      '-c',
      cwd,
      ...envArgs,
      'bash --norc --noprofile',
    );
    await this.tmux('set-option', '-t', 'main', 'status', 'off');
  }

  /** Keys as tmux names them: 'Down', 'Enter', 'Escape', or literal text with literal = true. */
  async keys(keys: string[], literal = false): Promise<void> {
    await this.tmux('send-keys', '-t', this.target, ...(literal ? ['-l'] : []), ...keys);
  }

  async screen(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-t', this.target);
  }

  async format(fmt: string): Promise<string> {
    return (await this.tmux('display-message', '-p', '-t', this.target, fmt)).trim();
  }

  /** Waits until the screen matches; returns it. Fails with the last screen seen. */
  async waitFor(pattern: RegExp | ((screen: string) => boolean), what: string, timeoutMs = 30_000): Promise<string> {
    const test = typeof pattern === 'function' ? pattern : (s: string) => pattern.test(s);
    let last = '';
    try {
      return await waitFor(
        async () => {
          last = await this.screen();
          return test(last) ? last : notYet('not on screen');
        },
        { timeoutMs, intervalMs: 200, what },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- last screen ---\n${last}`, { cause: error });
    }
  }

  /** The selected row of the screen: a pane row drawn with › right after the pane's left border (│, or ║ when focused); or ''. */
  static selectedLine(screen: string): string {
    for (const line of screen.split('\n')) {
      const match = /[│║]›([^│║]*)/.exec(line);
      if (match) return match[1]!;
    }
    return '';
  }

  /** Moves the selection up to the top, then down to the bottom, until the selected row matches `pattern`. */
  async select(pattern: RegExp, what: string, max = 40): Promise<void> {
    for (const key of ['Up', 'Down']) {
      for (let i = 0; i < max; i++) {
        const before = Tmux.selectedLine(await this.screen());
        if (pattern.test(before)) return;
        await this.keys([key]);
        // At the end of the list the selection stops moving: try the other way.
        const moved = await this.waitFor(
          (s) => Tmux.selectedLine(s) !== before,
          `the selection to move towards ${what}`,
          3_000,
        ).then(
          () => true,
          () => false,
        );
        if (!moved) break;
      }
    }
    if (pattern.test(Tmux.selectedLine(await this.screen()))) return;
    throw new Error(`could not select ${what}; screen:\n${await this.screen()}`);
  }

  async kill(): Promise<void> {
    const socket = await this.tmux('display-message', '-p', '#{socket_path}').catch(() => '');
    await this.tmux('kill-server').catch(() => undefined);
    // tmux leaves the socket file behind.
    if (socket.trim()) rmSync(socket.trim(), { force: true });
  }
}
