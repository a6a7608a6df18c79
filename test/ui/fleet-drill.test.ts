// The drill controller in a fleet: a view fetches from the source of the instance it carries, never another's.
import { afterEach, describe, expect, it } from 'vitest';
import { createDrillController } from '../../source/collect/drill.js';
import { reduce } from '../../source/ui/actions.js';
import { dispatch } from '../../source/ui/dispatch.js';
import { selectDagRows } from '../../source/ui/model/dag-rows.js';
import type { AirtopStore } from '../../source/state/store.js';
import { buildFleetStore } from './fleet-fixtures.js';
import { DAGS, NOW } from './fixtures.js';
import { FakeSource, ManualTimers } from './fake-source.js';

let stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops) stop();
  stops = [];
});

function setUp() {
  const { store, stop } = buildFleetStore();
  const sources = { prod: new FakeSource(), staging: new FakeSource(), dev: new FakeSource() };
  const fallback = new FakeSource();
  const controller = createDrillController({
    store,
    source: fallback,
    sourceFor: (name) => sources[name as keyof typeof sources],
    timers: new ManualTimers(),
    clock: () => NOW,
  });
  stops.push(controller.stop, stop);
  return { store, sources, fallback };
}

const press = (store: AirtopStore, key: string) => {
  const effect = dispatch(store.getState(), key, key, { readonly: false });
  if (effect) store.setState(reduce(store.getState(), effect));
};
const settled = (store: AirtopStore) =>
  expect.poll(() => store.getState().drill.loading, { timeout: 5000 }).toBe(false);

describe('drill controller in a fleet', () => {
  it("Enter on staging's DAG row fetches its runs from staging, and its task instances too", async () => {
    const { store, sources, fallback } = setUp();
    const at = selectDagRows(store.getState()).findIndex(
      (r) => r.instance === 'staging' && r.dagId === DAGS.processing,
    );
    for (let i = 0; i < at; i++) press(store, 'down');
    press(store, 'enter');
    await settled(store);
    expect(sources.staging.calls).toEqual([`dagRuns ${DAGS.processing} 100`]);
    expect(sources.prod.calls).toEqual([]);
    expect(sources.dev.calls).toEqual([]);
    expect(fallback.calls).toEqual([]);
    expect(store.getState().drill.runs).toHaveLength(5);
    press(store, 'enter');
    await settled(store);
    expect(sources.staging.calls[1]).toMatch(/^taskInstances capstone_processing_pipeline /);
    expect(sources.prod.calls).toEqual([]);
  });

  it('the same DAG of two instances is two views: going from one to the other fetches again', async () => {
    const { store, sources } = setUp();
    store.setState(
      reduce(store.getState(), { nav: { push: { kind: 'dag', dagId: DAGS.processing, instance: 'prod' } } }),
    );
    await settled(store);
    store.setState(reduce(store.getState(), { nav: { pop: true } }));
    store.setState(
      reduce(store.getState(), { nav: { push: { kind: 'dag', dagId: DAGS.processing, instance: 'dev' } } }),
    );
    await settled(store);
    expect(sources.prod.calls).toHaveLength(1);
    expect(sources.dev.calls).toHaveLength(1);
  });

  it('a view of an instance the fleet does not have shows an error, not another instance’s data', async () => {
    const { store, fallback } = setUp();
    store.setState(
      reduce(store.getState(), { nav: { push: { kind: 'dag', dagId: DAGS.processing, instance: 'gone' } } }),
    );
    await settled(store);
    expect(store.getState().drill.error).toBe('no instance named "gone" in this fleet');
    expect(store.getState().drill.runs).toBeNull();
    expect(fallback.calls).toEqual([]);
  });
});
