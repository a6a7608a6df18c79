// The action runner between the TUI and the demo Airflow: the role probe, the dry run written into the open
// dialog, one request on Enter, the audit record in actions.log, the ack, the refresh; Airflow down mid-action
// shows the error and records nothing as done; --source sql without a URL turns the keys off with the reason.
import { buildReport } from '../ui/fixtures.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readRecentAudit } from '../../source/actions/audit-log.js';
import type { ActionDialog } from '../../source/actions/dialog.js';
import type { AuditRecord } from '../../source/actions/types.js';
import { startDemoServer, type DemoServer } from '../../source/demo/index.js';
import { createRestSource, type RestSource } from '../../source/airflow/rest/index.js';
import type { AirflowSource } from '../../source/airflow/types.js';
import { loadConfig } from '../../source/config/load.js';
import { createActionRunner, type ActionRunner } from '../../source/modes/action-runner.js';
import { createAirtopStore, type AirtopStore } from '../../source/state/store.js';
import { reduce } from '../../source/ui/actions.js';
import { dispatch } from '../../source/ui/dispatch.js';
import { restOptionsFor } from '../helpers/http.js';

const NO_ENV = { HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' };
let demo: DemoServer;
let stateDir: string;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  demo = await startDemoServer();
});
afterAll(async () => {
  await demo.close();
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

async function until<T>(what: () => T | null | undefined | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = what();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function setup(user: {
  username: string;
  password: string;
}): Promise<{ store: AirtopStore; runner: ActionRunner; source: RestSource; refreshes: number[]; acks: string[] }> {
  stateDir = mkdtempSync(join(tmpdir(), 'airtop-actions-'));
  const source = await createRestSource(
    restOptionsFor({ url: demo.url, credentials: user }, { clock: () => new Date() }),
  );
  closers.push(() => source.close());
  const { config } = loadConfig({ url: demo.url }, NO_ENV);
  const store = createAirtopStore();
  const refreshes: number[] = [];
  const acks: string[] = [];
  const runner = await createActionRunner({
    store,
    config,
    source,
    stateDir,
    osUser: 'tester',
    clock: () => new Date(),
    refresh: async () => void refreshes.push(Date.now()),
    ack: async (fingerprint, note) => void acks.push(`${fingerprint}:${note}`),
  });
  closers.push(() => runner.close());
  // What a poll would bring: the DAGs (for the probe) and a firing alert on the failing DAG.
  const dags = demo.scenario.dags.map((d) => ({ dagId: d.dagId, isPaused: false, tags: [], owners: [] }));
  store.setState({ snapshot: { dags, taskInstances: [], runs: [] } as never });
  return { store, runner, source, refreshes, acks };
}

async function failedTask(source: AirflowSource) {
  for (const dag of demo.scenario.dags) {
    for (const run of (await source.dagRuns(dag.dagId, 100)).filter((r) => r.state === 'failed')) {
      const ti = (await source.taskInstances(dag.dagId, run.runId)).find((t) => t.state === 'failed');
      if (ti) return ti;
    }
  }
  throw new Error('no failed task in the demo');
}

function press(store: AirtopStore, runner: ActionRunner, key: string, input = key) {
  const effect = dispatch(store.getState(), key, input, { readonly: false });
  if (!effect) return;
  store.setState(reduce(store.getState(), effect));
  const call = effect.command;
  if (call?.name === 'actionPreview') runner.commands.preview(call.request, call.seq);
  if (call?.name === 'actionApply') runner.commands.apply(call);
}

async function openClear(store: AirtopStore, source: AirflowSource) {
  const ti = await failedTask(source);
  // The report's alerts are the one alert list.
  store.setState((s) => ({
    report: {
      ...(s.report ?? buildReport()),
      alerts: [
        {
          fingerprint: 'f1',
          labels: { alertname: 'task_failed', dag_id: ti.dagId, task_id: ti.taskId },
          annotations: { summary: `${ti.taskId} failed` },
          severity: 'warning',
          state: 'firing',
          since: new Date().toISOString(),
          escalation_level: null,
          ack: null,
        },
      ],
    },
    ui: {
      ...s.ui,
      stack: [{ kind: 'main' }, { kind: 'dag', dagId: ti.dagId }, { kind: 'run', dagId: ti.dagId, runId: ti.runId }],
    },
    drill: { ...s.drill, loading: false, taskInstances: [ti] },
  }));
  return ti;
}

describe('the action runner against the demo Airflow', () => {
  it('as admin: probe allows; c previews from the dry run; Enter clears once, acks, refreshes and writes the audit record', async () => {
    const { store, runner, source, refreshes, acks } = await setup(demo.credentials);
    await until(() => store.getState().actions?.availability.allowed === true);
    expect(store.getState().actions?.availability.role).toBe('admin');
    const ti = await openClear(store, source);
    press(store, runner, 'c');
    const dialog = await until(() => {
      const d = store.getState().ui.dialog as ActionDialog | null;
      return d?.preview.status === 'ready' ? d : null;
    });
    expect(dialog.preview).toMatchObject({
      total: expect.any(Number),
      items: expect.arrayContaining([expect.objectContaining({ taskId: ti.taskId, state: 'failed' })]),
    });
    demo.stats.reset();
    press(store, runner, 'enter', '');
    press(store, runner, 'enter', '');
    await until(() => store.getState().ui.dialog === null);
    expect(demo.stats.log.filter((r) => r.method === 'POST' && r.path.endsWith('/clearTaskInstances'))).toHaveLength(1);
    expect(store.getState().ui.message).toMatchObject({
      level: 'info',
      text: expect.stringMatching(/^cleared .*Airflow cleared \d+ task instances?; alert acknowledged$/),
    });
    expect(refreshes).toHaveLength(1);
    expect(acks).toEqual([`f1:cleared ${ti.dagId}.${ti.taskId} in ${ti.runId}`]);
    const lines = readFileSync(join(stateDir, 'actions.log'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!) as AuditRecord;
    expect(record).toMatchObject({
      os_user: 'tester',
      airflow_user: 'admin',
      action: 'clearTask',
      outcome: 'done',
      status: 200,
      acknowledged_alert: 'f1',
      dry_run: dialog.preview.status === 'ready' ? dialog.preview.items : null,
    });
    expect((await source.taskInstances(ti.dagId, ti.runId)).find((t) => t.taskId === ti.taskId)?.state).not.toBe(
      'failed',
    );
    expect(await readRecentAudit(stateDir)).toHaveLength(1);
  });

  it('as viewer: the probe turns the keys off with the reason, and c sends nothing', async () => {
    const { store, runner } = await setup({ username: 'viewer', password: 'viewer' });
    const reason = await until(() => store.getState().actions?.availability.reason);
    expect(reason).toBe('your Airflow role (viewer) may only read: clear, mark, trigger and pause need op');
    store.setState((s) => ({ ui: { ...s.ui, stack: [{ kind: 'main' }, { kind: 'dag', dagId: 'etl_daily_sales' }] } }));
    demo.stats.reset();
    press(store, runner, 't');
    expect(store.getState().ui.dialog).toBeNull();
    expect(store.getState().ui.message?.text).toContain(reason);
    await new Promise((r) => setTimeout(r, 100));
    expect(demo.stats.log.filter((r) => r.method !== 'GET' && r.path !== '/auth/token')).toHaveLength(0);
  });

  it('Airflow down mid-action: the error is shown, the record says failed, nothing is marked done', async () => {
    const { store, runner, source, refreshes } = await setup(demo.credentials);
    await until(() => store.getState().actions?.availability.allowed === true);
    const ti = await openClear(store, source);
    press(store, runner, 'c');
    await until(() => (store.getState().ui.dialog as ActionDialog | null)?.preview.status === 'ready');
    demo.faults.add({ method: 'POST', path: `/api/v2/dags/${ti.dagId}/clearTaskInstances`, status: 503 });
    press(store, runner, 'enter', '');
    await until(() => store.getState().ui.dialog === null);
    demo.faults.clear();
    expect(store.getState().ui.message).toMatchObject({ level: 'error', text: expect.stringMatching(/not done: 503/) });
    expect(refreshes).toHaveLength(0);
    const records = await readRecentAudit(stateDir);
    expect(records.map((r) => r.outcome)).toEqual(['failed']);
    expect((await source.taskInstances(ti.dagId, ti.runId)).find((t) => t.taskId === ti.taskId)?.state).toBe('failed');
  });

  it('--source sql without a URL: the keys are off with the reason', async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'airtop-actions-'));
    const { config } = loadConfig({ source: 'sql', db: 'postgres://x@127.0.0.1:1/airflow' }, NO_ENV);
    const store = createAirtopStore();
    const runner = await createActionRunner({
      store,
      config,
      source: { url: '' } as AirflowSource,
      stateDir,
      osUser: 't',
      clock: () => new Date(),
      refresh: async () => undefined,
      ack: async () => undefined,
    });
    closers.push(() => runner.close());
    expect(store.getState().actions?.availability).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(
        /--source sql without --url: actions go through Airflow's REST API, never the metadata DB/,
      ),
    });
  });
});
