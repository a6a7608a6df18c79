// Given a failed run in the real Airflow, when a person drives the interactive UI in a real terminal (tmux):
// drill from the failing DAG to its run, to the failed task's log and back, refresh, open and close help,
// acknowledge an alert and quit, then each screen shows what it should and the terminal is given back intact.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AirflowApi, type RunRef } from './support/api.js';
import { writeConfig } from './support/cli.js';
import { cliPath, harness, REPO, scratchDir } from './support/context.js';
import { Tmux } from './support/tmux.js';
import { notYet, waitFor } from './support/wait.js';

const DAG = 'capstone_ingestion_pipeline';

describe('airtop in a real terminal', () => {
  const tmux = new Tmux();
  let failed: RunRef;

  beforeAll(async () => {
    const api = AirflowApi.as('admin');
    await api.waitQuiet();
    failed = await api.trigger(DAG, { fail: ['download_documents'] });
    await api.waitForRuns([failed]);
    const h = harness();
    const scratch = scratchDir('tmux');
    await tmux.start(
      {
        AIRFLOW_USERNAME: h.users.admin.username,
        AIRFLOW_PASSWORD: h.users.admin.password,
        XDG_CONFIG_HOME: join(scratch, 'config'),
        XDG_STATE_HOME: join(scratch, 'state'),
        TERM: 'xterm-256color',
        LANG: 'C.UTF-8',
        PATH: process.env.PATH ?? '/usr/bin:/bin',
      },
      REPO,
    );
    await tmux.waitFor(/\$|#/, 'the shell prompt');
    const command = `${process.execPath} ${cliPath()} --url ${h.url} --config ${writeConfig({})}`;
    await tmux.keys([command], true);
    await tmux.keys(['Enter']);
  }, 600_000);

  afterAll(async () => {
    await tmux.kill();
  });

  it("drills into the failing DAG down to the failed task's log, refreshes, helps, acknowledges and quits cleanly", async () => {
    const main = await tmux.waitFor(
      // Names may be cut to the column (capstone_ingestion_pipe…): match their start.
      (s) =>
        ['capstone_ingestion_p', 'capstone_processing_p', 'capstone_vector_store_p'].every((name) =>
          s.includes(name),
        ) && /last poll \d/.test(s),
      'the DAG rows after the first poll',
      90_000,
    );
    expect(main).toContain(harness().major === 2 ? 'Airflow 2.11.2' : 'Airflow 3.3.2');
    expect(await tmux.format('#{alternate_on}')).toBe('1');

    // ↓, then on to the failing DAG, and Enter: its runs, newest first.
    // One frame on screen: a terminal left with an earlier frame's lines shows stale and duplicated rows.
    expect(
      main.split('\n').filter((line) => line.startsWith('airtop ')),
      'header lines',
    ).toHaveLength(1);
    expect(main.match(/\[1\] DAG health/g), 'DAG pane titles').toHaveLength(1);
    expect(main).not.toContain('waiting for the first poll');

    const first = Tmux.selectedLine(main);
    await tmux.keys(['Down']);
    await tmux.waitFor((s) => Tmux.selectedLine(s) !== first, '↓ to move the selection');
    await tmux.select(/capstone_ingestion_p/, DAG);
    await tmux.keys(['Enter']);
    await tmux.waitFor(new RegExp(`DAG ${DAG}`), 'the DAG view');
    await tmux.waitFor((s) => s.includes(failed.runId.slice(0, 30)), 'the failed run in the list', 30_000);

    // Enter on the failed run: its task instances.
    await tmux.select(new RegExp(failed.runId.slice(0, 30).replace(/[.+]/g, '\\$&')), 'the failed run');
    await tmux.keys(['Enter']);
    await tmux.waitFor(/download_documents/, 'the run view with its task instances', 30_000);

    // Enter on the failed task: its log, with the line the task printed.
    await tmux.select(/failed\s+download_documents/, 'the failed task');
    await tmux.keys(['Enter']);
    await tmux.waitFor(
      /capstone: download_documents fails as conf\.fail asks/,
      "a line of the failed task's log",
      60_000,
    );

    // Esc: back to the run.
    await tmux.keys(['Escape']);
    await tmux.waitFor((s) => /task instances/.test(s) && !/conf\.fail asks/.test(s), 'the run view again');

    // r: poll now; the header's last-poll clock moves on.
    const clock = (s: string) => /last poll (\d\d:\d\d:\d\d)/.exec(s)?.[1] ?? '';
    const before = clock(await tmux.screen());
    await tmux.keys(['r']);
    await tmux.waitFor((s) => clock(s) !== '' && clock(s) !== before, 'a refreshed last-poll time', 60_000);

    // ?: the help, generated from the keymap; Esc closes it.
    await tmux.keys(['?']);
    await tmux.waitFor(/quit airtop/, 'the help overlay');
    await tmux.keys(['Escape']);
    await tmux.waitFor((s) => !/quit airtop/.test(s), 'the help to close');

    // Back to the main screen, focus the alerts pane, acknowledge the selected alert.
    // One Esc at a time: two ESC bytes in a row read as one Alt+Esc sequence.
    await tmux.keys(['Escape']);
    await tmux.waitFor(new RegExp(`DAG ${DAG}  runs`), 'the DAG view again');
    await tmux.keys(['Escape']);
    await tmux.waitFor(/\[1\] DAG health/, 'the main screen');
    await tmux.keys(['5']);
    await tmux.waitFor(
      (s) => /\[5\] Alerts/.test(s) && /(CRIT|WARN)/.test(Tmux.selectedLine(s)),
      'a selected alert in the focused alerts pane',
    );
    // The acknowledged alert keeps its row, marked with who acked it (firing ones sort first, so it may move).
    const alert = /(CRIT|WARN)\s+\d\d:\d\d:\d\d\s+firing\s+(\S+)/.exec(Tmux.selectedLine(await tmux.screen()));
    expect(alert, 'the selected alert row').not.toBeNull();
    await tmux.keys(['a']);
    await tmux.waitFor(/Acknowledge:/, 'the acknowledge dialog');
    await tmux.keys(['Enter']);
    await tmux.waitFor(
      (s) =>
        !/Acknowledge:/.test(s) &&
        s.split('\n').some((line) => line.includes(`acknowledged ${alert![2]!.slice(0, 20)}`) && / ack \S+/.test(line)),
      'the alert shown as acknowledged, with who acked it',
    );

    // q: quit, and the terminal is the shell's again.
    await tmux.keys(['q']);
    await waitFor(
      async () => {
        const state = await tmux.format('#{alternate_on} #{pane_current_command}');
        return state === '0 bash' ? true : notYet(`alternate_on and command: ${state}`);
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the alternate screen to be left and the shell to be back after q' },
    );
    await tmux.keys(['echo restored-$((6*7))'], true);
    await tmux.keys(['Enter']);
    await tmux.waitFor(/restored-42/, 'the shell to answer');
  }, 400_000);
});
