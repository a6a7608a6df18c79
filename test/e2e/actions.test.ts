// Given the real Airflow (3.3.2 over /api/v2, or 2.11.2 over /api/v1) and airtop in a real terminal (tmux) as the op user: a run whose task fails
// (conf fail_first) raises the DAG's success-rate alert; from the alert, `l` jumps to the failed task's log,
// `c` opens a confirmation listing Airflow's dry run, Enter clears it, the task runs again and succeeds, the
// alert resolves on a later poll and actions.log holds the record. `t` with a conf creates a run with that
// conf (a conf that is not JSON is refused with where, and nothing is sent); `P` pauses the DAG in Airflow.
// As the viewer the keys are off with the reason and a press sends nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../source/actions/types.js';
import { AirflowApi, type RunRef } from './support/api.js';
import { writeConfig } from './support/cli.js';
import { apiPrefix, cliPath, harness, REPO, scratchDir } from './support/context.js';
import { Tmux } from './support/tmux.js';
import { notYet, waitFor } from './support/wait.js';

const DAG = 'capstone_vector_store_pipeline';
const TASK = 'upsert_vectors';
const WINDOW_SECONDS = 240;

interface DagRunBody {
  dag_run_id: string;
  state: string;
  conf: Record<string, unknown>;
  /** Airflow 3 */
  run_after?: string;
  /** Airflow 2 (no run_after: its runs are windowed and sorted on execution_date) */
  execution_date?: string;
}

async function startAirtop(tmux: Tmux, user: 'op' | 'viewer', stateHome: string): Promise<void> {
  const h = harness();
  await tmux.start(
    {
      AIRFLOW_USERNAME: h.users[user].username,
      AIRFLOW_PASSWORD: h.users[user].password,
      XDG_CONFIG_HOME: join(stateHome, 'config'),
      XDG_STATE_HOME: join(stateHome, 'state'),
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      PATH: process.env.PATH ?? '/usr/bin:/bin',
    },
    REPO,
  );
  await tmux.waitFor(/\$|#/, 'the shell prompt');
  // Only this DAG, a short window (so only this test's run counts), frequent polls.
  const config = writeConfig({ interval: 5, dags: { ids: [DAG] }, window: { recent: WINDOW_SECONDS } });
  await tmux.keys([`${process.execPath} ${cliPath()} --url ${h.url} --config ${config}`], true);
  await tmux.keys(['Enter']);
  await tmux.waitFor((s) => s.includes('capstone_vector_store_p') && /last poll \d/.test(s), 'the first poll', 90_000);
}

const records = (stateHome: string): AuditRecord[] => {
  const file = join(stateHome, 'state', 'airtop', 'actions.log');
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AuditRecord)
    : [];
};

// On both Airflows: the paths take apiPrefix() (/api/v2 or /api/v1), runs are windowed and sorted on run_after
// (Airflow 3) or execution_date (Airflow 2).
describe(`acting on the real Airflow ${harness().major} from the terminal, as op`, () => {
  const tmux = new Tmux();
  const admin = AirflowApi.as('admin');
  const api = apiPrefix();
  const time = admin.runTimeField;
  const newest = async (): Promise<DagRunBody & { note?: string | null }> => {
    const { dag_runs } = await admin.ok<{ dag_runs: (DagRunBody & { note?: string | null })[] }>(
      'GET',
      `${api}/dags/${DAG}/dagRuns?order_by=-${time}&limit=1`,
    );
    return dag_runs[0]!;
  };
  let stateHome: string;
  let failed: RunRef;
  const created: string[] = [];

  beforeAll(async () => {
    await admin.waitQuiet();
    // Only this test's run in the window: wait until older runs of the DAG have left it.
    await waitFor(
      async () => {
        const { dag_runs } = await admin.ok<{ dag_runs: DagRunBody[] }>(
          'GET',
          `${api}/dags/${DAG}/dagRuns?order_by=-${time}&limit=1`,
        );
        const age = dag_runs[0] ? (Date.now() - Date.parse(dag_runs[0][time]!)) / 1000 : Infinity;
        return age > WINDOW_SECONDS ? true : notYet(`the newest ${DAG} run is ${Math.round(age)} s old`);
      },
      { timeoutMs: (WINDOW_SECONDS + 30) * 1000, intervalMs: 2000, what: 'older runs to leave the window' },
    );
    failed = await admin.trigger(DAG, { fail_first: [TASK] });
    created.push(failed.runId);
    expect(await admin.waitForRuns([failed])).toEqual({ [`${DAG}/${failed.runId}`]: 'failed' });
    stateHome = scratchDir('actions-op');
    await startAirtop(tmux, 'op', stateHome);
  }, 900_000);

  afterAll(async () => {
    await tmux.kill();
    await admin.request('PATCH', `${api}/dags/${DAG}?update_mask=is_paused`, { is_paused: false });
    // The runs made here (one cleared to success, one triggered) would lift the DAG's success rate in the
    // window of the test files after this one, whose scenarios expect their own failures to show.
    for (const runId of created) {
      await admin.waitForRuns([{ dagId: DAG, runId }]).catch(() => undefined);
      await admin.request('DELETE', `${api}/dags/${DAG}/dagRuns/${encodeURIComponent(runId)}`);
    }
  }, 600_000);

  it('alert → l → c → the dry run → Enter: the task runs again and succeeds, the alert resolves, actions.log has the record', async () => {
    await tmux.keys(['5']);
    await tmux.waitFor(
      (s) => /\[5\] Alerts/.test(s) && /firing/.test(Tmux.selectedLine(s)),
      'the firing alert',
      60_000,
    );
    await tmux.select(/firing\s+capstone_vector_store/, 'the success-rate alert');
    await tmux.keys(['l']);
    // (Airflow 2's log prefix is longer: the 120-column pane cuts the line after "conf.fail_fi".)
    await tmux.waitFor(/upsert_vectors fails on try 1 as conf\.fail_fi/, "the failed task's log", 60_000);
    await tmux.keys(['c']);
    // The listed task with its state (Airflow 2's dry run names it without one: airtop reads the run's).
    const listed = new RegExp(`${DAG}\\.${TASK}\\s+${failed.runId.replace(/[.+]/g, '\\$&')}\\s+failed`);
    const dialog = await tmux.waitFor(
      (s) => /Airflow's dry run: \d+ task instances? will change/.test(s) && listed.test(s),
      'the dry-run list',
      30_000,
    );
    expect(dialog).toContain(`Clear ${DAG}.${TASK} in ${failed.runId}?`);
    expect(dialog).toMatch(/acknowledge the alert:\s+on/);
    await tmux.keys(['Enter']);
    await tmux.keys(['Enter']); // a second Enter sends nothing
    // (The dialog's prefilled ack note also reads "cleared …": wait for Airflow's answer itself. The poll asked
    // for right after it may already resolve the alert, whose line then replaces the result line.)
    await tmux.waitFor(
      /Airflow cleared \d+ task instances?; alert acknowledged|resolved after cleared/,
      'the result line',
      30_000,
    );

    // The task runs again (try 2) and succeeds, and so does its run.
    const tiPath = `${api}/dags/${DAG}/dagRuns/${encodeURIComponent(failed.runId)}/taskInstances/${TASK}`;
    await waitFor(
      async () => {
        const ti = await admin.ok<{ state: string; try_number: number }>('GET', tiPath);
        return ti.state === 'success' && ti.try_number === 2
          ? ti
          : notYet(`${TASK} is ${ti.state} on try ${ti.try_number}`);
      },
      { timeoutMs: 120_000, intervalMs: 1000, what: `${TASK} to run again and succeed` },
    );
    expect(await admin.waitForRuns([failed])).toEqual({ [`${DAG}/${failed.runId}`]: 'success' });
    await tmux.waitFor(
      /resolved after cleared capstone_vector_store_pipeline/,
      'the alert resolved on a later poll',
      60_000,
    );

    const log = records(stateHome);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      action: 'clearTask',
      airflow_user: 'op',
      outcome: 'done',
      status: 200,
      answer: expect.stringMatching(/^Airflow cleared \d+ task instances?$/),
      acknowledged_alert: expect.any(String),
    });
    expect(log[0]!.dry_run).toEqual(
      expect.arrayContaining([expect.objectContaining({ taskId: TASK, runId: failed.runId, state: 'failed' })]),
    );
    expect(log[0]!.os_user.length).toBeGreaterThan(0);
  });

  it('t with a conf: a conf that is not JSON is refused with where, then the run exists with that conf', async () => {
    await tmux.keys(['Escape']);
    await tmux.waitFor(/task instances/, 'the run view');
    const before = (await admin.ok<{ total_entries: number }>('GET', `${api}/dags/${DAG}/dagRuns?limit=1`))
      .total_entries;
    await tmux.keys(['t']);
    await tmux.waitFor(/Trigger capstone_vector_store_pipeline\?/, 'the trigger dialog');
    await tmux.keys(['{"sleep": {"x": 1},}'], true);
    await tmux.keys(['Enter']);
    await tmux.waitFor(/conf is not JSON at line 1, column 20/, 'where the conf is wrong');
    expect((await admin.ok<{ total_entries: number }>('GET', `${api}/dags/${DAG}/dagRuns?limit=1`)).total_entries).toBe(
      before,
    );
    await tmux.keys(['BSpace', 'BSpace', '}'], false);
    await tmux.keys(['Tab']);
    await tmux.keys(['from airtop e2e'], true);
    await tmux.keys(['Enter']);
    const screen = await tmux.waitFor(
      /triggered capstone_vector_store_pipeline: Airflow created run (\S+)/,
      'the created run',
    );
    const runId = /Airflow created run (\S+)/.exec(screen)![1]!.replace(/…$/, '');
    const run = await newest();
    expect(run.dag_run_id.startsWith(runId)).toBe(true);
    created.push(run.dag_run_id);
    expect(run).toMatchObject({ conf: { sleep: { x: 1 } }, note: 'from airtop e2e' });
    await admin.waitForRuns([{ dagId: DAG, runId: run.dag_run_id }]);
  });

  it('P: Airflow reports the DAG paused', async () => {
    await tmux.keys(['P']);
    await tmux.waitFor(/Pause capstone_vector_store_pipeline\?/, 'the pause dialog');
    await tmux.waitFor(/no dry run for pausing/, 'the dialog saying there is no dry run');
    await tmux.keys(['Enter']);
    await tmux.waitFor(/Airflow says the DAG is paused/, 'the result line');
    expect((await admin.ok<{ is_paused: boolean }>('GET', `${api}/dags/${DAG}`)).is_paused).toBe(true);
    expect(records(stateHome).map((r) => r.action)).toEqual(['clearTask', 'trigger', 'pause']);
  });
});

describe('the viewer', () => {
  const tmux = new Tmux();
  let stateHome: string;

  beforeAll(async () => {
    stateHome = scratchDir('actions-viewer');
    await startAirtop(tmux, 'viewer', stateHome);
  }, 300_000);
  afterAll(async () => {
    await tmux.kill();
  });

  it('sees the keys off with the reason; a press sends nothing', async () => {
    // Airflow 3's token names the role; Airflow 2's Basic auth does not, so there the role goes unnamed.
    await tmux.waitFor(/actions off: (viewer role|your Airflow role)/, 'the reason in the footer', 30_000);
    await tmux.keys(['t']);
    // The message line gives way to the footer's right side, so match only the refusal's start.
    await tmux.waitFor(/trigger: your Airflow role( \(viewer\))? may only read: clear, mark, tri/, 'the refusal');
    expect(await tmux.screen()).not.toMatch(/Trigger capstone/);
    await tmux.keys(['?']);
    await tmux.waitFor(
      (s) => /are off: your Airflow role( \(viewer\))? may only read/.test(s) && /t\s+\(off\) trigger a run/.test(s),
      'the greyed help lines',
    );
    expect(records(stateHome)).toEqual([]);
  });
});
