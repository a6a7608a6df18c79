import { describe, expect, it } from 'vitest';
import { reduce } from '../../source/ui/actions.js';
import { currentMode, dispatch } from '../../source/ui/dispatch.js';
import { keyName, keyPresses } from '../../source/ui/key-names.js';
import { KEYMAP } from '../../source/ui/keymap.js';
import { parseFilter } from '../../source/ui/model/filter.js';
import { selectDagRows } from '../../source/ui/model/dag-rows.js';
import type { AirtopStore } from '../../source/state/store.js';
import { buildStore, DAGS } from './fixtures.js';

/** Dispatches a key and applies the effect to the store, as the Keys component does. */
function press(store: AirtopStore, key: string, input = key, readonly = false) {
  const effect = dispatch(store.getState(), key, input, { readonly });
  if (effect) store.setState(reduce(store.getState(), effect));
  return effect;
}

describe('keyName', () => {
  it('reads Ink 6 keys the way the terminal sends them', () => {
    expect(keyName('', { escape: true, meta: true })).toBe('escape');
    expect(keyName('', { delete: true })).toBe('backspace');
    expect(keyName('', { tab: true, shift: true })).toBe('shift-tab');
    expect(keyName('c', { ctrl: true })).toBe('ctrl-c');
    expect(keyName('', { pageDown: true })).toBe('pagedown');
    expect(keyName('G', { shift: true })).toBe('G');
  });
});

describe('keyPresses', () => {
  it('splits characters that arrived together into key presses', () => {
    expect(keyPresses('jj\r', {})).toEqual([
      { name: 'j', input: 'j' },
      { name: 'j', input: 'j' },
      { name: 'enter', input: '' },
    ]);
    expect(keyPresses('', { downArrow: true })).toEqual([{ name: 'down', input: '' }]);
    expect(keyPresses('q', {})).toEqual([{ name: 'q', input: 'q' }]);
  });
});

describe('parseFilter', () => {
  it.each([
    ['proc', 'capstone_processing_pipeline', true],
    ['PROC', 'capstone_processing_pipeline', true],
    ['proc', 'capstone_ingestion_pipeline', false],
    ['!proc', 'capstone_ingestion_pipeline', true],
    ['re:^capstone_(ingestion|vector)', 'capstone_vector_store_pipeline', true],
    ['/ing.*pipe/', 'capstone_ingestion_pipeline', true],
    ['!/ing.*pipe/', 'capstone_ingestion_pipeline', false],
  ])('%s against %s → %s', (filter, text, expected) => {
    expect(parseFilter(filter).test(text)).toBe(expected);
  });

  it('falls back to plain text on a broken regex and says why', () => {
    const filter = parseFilter('re:(unclosed');
    expect(filter.error).toMatch(/invalid regex "\(unclosed"/);
    expect(filter.test('a (unclosed paren')).toBe(true);
  });
});

describe('dispatch', () => {
  it('routes by mode: a typed "q" edits the filter instead of quitting', () => {
    const store = buildStore();
    press(store, '/');
    expect(currentMode(store.getState())).toBe('filter');
    expect(press(store, 'q')?.command).toBeUndefined();
    expect(store.getState().ui.filter).toEqual({ editing: true, text: 'q' });
    press(store, 'escape', '');
    expect(store.getState().ui.filter).toEqual({ editing: false, text: '' });
    expect(press(store, 'q')?.command).toEqual({ name: 'quit' });
  });

  it('pushes and pops the drill-down stack, keeping each view its own filter', () => {
    const store = buildStore();
    press(store, '/');
    for (const ch of 'processing') press(store, ch);
    press(store, 'enter', '');
    press(store, 'enter', '');
    expect(store.getState().ui.stack).toEqual([
      { kind: 'main', filter: 'processing' },
      { kind: 'dag', dagId: DAGS.processing },
    ]);
    expect(store.getState().ui.filter.text).toBe('');
    expect(store.getState().drill.loading).toBe(true);
    press(store, 'escape', '');
    expect(store.getState().ui.stack.map((v) => v.kind)).toEqual(['main']);
    expect(store.getState().ui.filter.text).toBe('processing');
  });

  it('refuses dangerous keys in read-only mode and says so', () => {
    const store = buildStore();
    press(store, '5');
    for (const key of ['a', 'u', 's']) {
      const effect = press(store, key, key, true);
      expect(effect?.command).toBeUndefined();
      expect(store.getState().ui.dialog).toBeNull();
      expect(store.getState().ui.message?.text).toMatch(/^read-only mode/);
    }
  });

  it('every dangerous binding is an alert action or an action on Airflow, and only those', () => {
    expect(KEYMAP.filter((b) => b.dangerous).map((b) => b.command)).toEqual([
      'ack',
      'unack',
      'silence',
      'clear',
      'mark',
      'trigger',
      'pauseDag',
    ]);
  });

  it('moves the selection within the list and pages by what fits', () => {
    const store = buildStore({ extraDags: 100, columns: 80, rows: 24 });
    press(store, 'G');
    expect(store.getState().ui.selection['dags']).toBe(selectDagRows(store.getState()).length - 1);
    press(store, 'j');
    expect(store.getState().ui.selection['dags']).toBe(103);
    press(store, 'g');
    press(store, 'pagedown', '');
    // 80x24: body 19 rows, a tab bar, a bordered pane with title and column header → 14 rows a page.
    expect(store.getState().ui.selection['dags']).toBe(14);
    press(store, 'k');
    expect(store.getState().ui.selection['dags']).toBe(13);
  });

  it('pausing freezes what is shown while polls keep landing', () => {
    const store = buildStore();
    const before = selectDagRows(store.getState());
    press(store, 'p');
    expect(store.getState().ui.paused).toBe(true);
    store.setState({ report: { ...store.getState().report!, pipeline: { timestamp: 'x', dags: {} } } });
    expect(selectDagRows(store.getState())).toBe(before);
    press(store, 'p');
    expect(selectDagRows(store.getState()).every((r) => r.runs === 0)).toBe(true);
  });

  it('cycles the DAG sort order', () => {
    const store = buildStore();
    const orders: string[][] = [];
    for (let i = 0; i < 4; i++) {
      orders.push(selectDagRows(store.getState()).map((r) => r.dagId));
      press(store, 'o');
    }
    expect(store.getState().ui.sort).toBe('status');
    expect(orders[0]![0]).toBe(DAGS.processing); // status: critical first
    expect(orders[1]).toEqual([...orders[1]!].sort()); // name
    expect(orders[2]![0]).toBe(DAGS.processing); // success rate: worst first
    expect(orders[3]![0]).toBe(DAGS.vector); // duration: longest p95 first
  });

  it('clears a message on the next key', () => {
    const store = buildStore();
    press(store, 'o');
    expect(store.getState().ui.message).not.toBeNull();
    press(store, 'j');
    expect(store.getState().ui.message).toBeNull();
  });
});
