import { afterEach, describe, expect, it } from 'vitest';
import type { DagRun } from '../../source/airflow/types.js';
import { createDrillController } from '../../source/collect/drill.js';
import type { AirtopStore } from '../../source/state/store.js';
import { act } from './act.js';
import { buildHistory, buildReport, buildSnapshot, buildStore, DAGS, NOW } from './fixtures.js';
import { FakeSource, ManualTimers } from './fake-source.js';

let stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops) stop();
  stops = [];
});

function setUp() {
  const store = buildStore();
  const source = new FakeSource();
  const timers = new ManualTimers();
  const controller = createDrillController({ store, source, timers, clock: () => NOW });
  stops.push(controller.stop);
  return { store, source, timers, controller };
}

const settled = (store: AirtopStore) =>
  expect.poll(() => store.getState().drill.loading, { timeout: 5000 }).toBe(false);

function poll(store: AirtopStore, at: Date) {
  store.getState().pollSucceeded({ snapshot: buildSnapshot(), report: buildReport(), point: buildHistory(1)[0]!, at });
}

describe('drill controller', () => {
  it('fetches what the new top view needs and stamps when', async () => {
    const { store, source } = setUp();
    act(store, { nav: { push: { kind: 'dag', dagId: DAGS.processing } } });
    await settled(store);
    expect(source.calls).toEqual([`dagRuns ${DAGS.processing} 100`]);
    expect(store.getState().drill.runs).toHaveLength(5);
    expect(store.getState().drill.fetchedAt).toBe(NOW.toISOString());
  });

  it('drops an answer for a view that is no longer on top', async () => {
    const { store, source } = setUp();
    let release!: (runs: DagRun[]) => void;
    source.dagRuns = (dagId) => {
      source.calls.push(`dagRuns ${dagId}`);
      return dagId === 'slow' ? new Promise((resolve) => (release = resolve)) : Promise.resolve([]);
    };
    act(store, { nav: { push: { kind: 'dag', dagId: 'slow' } } });
    act(store, { nav: { pop: true } });
    act(store, { nav: { push: { kind: 'dag', dagId: 'fast' } } });
    await settled(store);
    release([{ ...buildSnapshot().runs[0]!, dagId: 'slow' }]);
    await expect.poll(() => source.calls, { timeout: 5000 }).toEqual(['dagRuns slow', 'dagRuns fast']);
    // Let the late answer's promise chain run to its end.
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.getState().drill.runs).toEqual([]);
  });

  it('a new poll refreshes the open view, except while paused', async () => {
    const { store, source } = setUp();
    act(store, { nav: { push: { kind: 'dag', dagId: DAGS.processing } } });
    await settled(store);
    poll(store, new Date(NOW.getTime() + 300_000));
    await expect.poll(() => source.calls.length, { timeout: 5000 }).toBe(2);
    act(store, { paused: true });
    poll(store, new Date(NOW.getTime() + 600_000));
    act(store, { paused: false });
    expect(source.calls).toHaveLength(2);
  });

  it('a failing follow keeps the lines, shows the error, and tries again', async () => {
    const { store, source, timers } = setUp();
    act(store, {
      nav: {
        push: {
          kind: 'log',
          dagId: DAGS.processing,
          runId: 'r',
          taskId: 'generate_summary',
          mapIndex: -1,
          tryNumber: 1,
          maxTry: 1,
        },
      },
    });
    await settled(store);
    act(store, { follow: true });
    expect(timers.pending.size).toBe(1);
    source.taskLog = async () => {
      throw new Error('504 from http://127.0.0.1:8080/api/v2/…/logs/1: gateway timeout');
    };
    timers.fire();
    await expect.poll(() => store.getState().drill.error, { timeout: 5000 }).toMatch(/^504 from/);
    expect(store.getState().drill.log?.lines).toHaveLength(3);
    await expect.poll(() => timers.pending.size, { timeout: 5000 }).toBe(1);
  });

  it('a slow answer for a view left behind does not hold up the new view', async () => {
    const { store, source, timers } = setUp();
    let release!: (runs: DagRun[]) => void;
    source.dagRuns = () => new Promise((resolve) => (release = resolve));
    act(store, { nav: { push: { kind: 'dag', dagId: DAGS.processing } } });
    act(store, { nav: { pop: true } });
    act(store, {
      nav: { push: { kind: 'log', dagId: DAGS.processing, runId: 'r', taskId: 't', mapIndex: -1, tryNumber: 2 } },
    });
    await settled(store);
    act(store, { follow: true });
    expect(timers.pending.size).toBe(1);
    release([]);
  });

  it('stop() ends the subscription and the follow timer', async () => {
    const { store, source, timers, controller } = setUp();
    act(store, {
      nav: { push: { kind: 'log', dagId: DAGS.processing, runId: 'r', taskId: 't', mapIndex: -1, tryNumber: 1 } },
    });
    await settled(store);
    act(store, { follow: true });
    controller.stop();
    expect(timers.pending.size).toBe(0);
    act(store, { nav: { push: { kind: 'dag', dagId: DAGS.ingestion } } });
    expect(source.calls).toEqual(['taskLog t 1 -']);
  });
});
