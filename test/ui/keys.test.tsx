import { afterEach, describe, expect, it } from 'vitest';
import { activeBindings, KEYMAP } from '../../source/ui/keymap.js';
import { buildStore, DAGS } from './fixtures.js';
import { KEY, renderTui } from './render.js';

let unmount: (() => void) | null = null;
afterEach(() => {
  unmount?.();
  unmount = null;
});

function show(options: { columns?: number; rows?: number; readonly?: boolean } = {}) {
  const store = buildStore({ columns: options.columns ?? 119, rows: options.rows ?? 31 });
  const ui = renderTui({ store, readonly: options.readonly ?? false });
  unmount = ui.unmount;
  return { store, ui };
}

const dagNames = (frame: string) => Object.values(DAGS).filter((id) => frame.includes(` ${id}`));

describe('focus', () => {
  it('1–5 jump to a pane; Tab and Shift-Tab cycle', async () => {
    const { store, ui } = show();
    await ui.waitForContent('[1] DAG health');
    await ui.sendKeys('3');
    await ui.waitForContent('[3] Costs');
    expect(store.getState().ui.focus).toBe('costs');
    await ui.sendKeys(KEY.tab);
    await ui.waitForContent('[4] Quality');
    await ui.sendKeys(KEY.tab, KEY.tab);
    await ui.waitForContent('[1] DAG health');
    await ui.sendKeys(KEY.shiftTab);
    await ui.waitForContent('[5] Alerts');
    expect(store.getState().ui.focus).toBe('alerts');
  });

  it('↓/j, G and g move the selection in the focused pane', async () => {
    const { store, ui } = show();
    await ui.waitForContent('›✖ capstone_processing');
    await ui.sendKeys(KEY.down);
    await ui.waitForContent('›▶ capstone_vector');
    await ui.sendKeys('G');
    await ui.waitForContent('›‖ capstone_monitoring');
    await ui.sendKeys('g', 'j');
    await ui.waitForContent('›▶ capstone_vector');
    expect(store.getState().ui.selection['dags']).toBe(1);
  });

  it('keys that arrive in one chunk (key repeat, tmux send-keys) each count', async () => {
    const { store, ui } = show();
    await ui.waitForContent('›✖ capstone_processing');
    await ui.sendKeys('jj\r');
    await ui.waitForContent(`DAG ${DAGS.ingestion}`);
    expect(store.getState().ui.stack.at(-1)).toEqual({ kind: 'dag', dagId: DAGS.ingestion });
  });
});

describe('filter', () => {
  it('substring as you type; Enter keeps it, Esc on the main screen clears it', async () => {
    const { ui } = show();
    await ui.waitForContent('[1] DAG health');
    await ui.sendKeys('/', 'i', 'n', 'g', 'e');
    let frame = await ui.waitForContent('1 of 4 DAGs');
    expect(dagNames(frame)).toEqual([DAGS.ingestion]);
    expect(frame).toContain('/inge');
    await ui.sendKeys(KEY.enter);
    await ui.waitForContent('filter: inge');
    await ui.sendKeys(KEY.escape);
    frame = await ui.waitForContent(/\[1\] DAG health {2}4 DAGs/);
    expect(dagNames(frame)).toHaveLength(4);
  });

  it('re: and /…/ are regular expressions; ! inverts; a bad regex says so', async () => {
    const { ui } = show();
    await ui.waitForContent('[1] DAG health');
    await ui.sendKeys('/', ...'re:(vector|monitor)', KEY.enter);
    let frame = await ui.waitForContent('2 of 4 DAGs');
    expect(dagNames(frame).sort()).toEqual([DAGS.monitoring, DAGS.vector]);
    await ui.sendKeys('/', ...Array(19).fill(KEY.backspace), ...'!/_pipeline$/', KEY.enter);
    frame = await ui.waitForContent('1 of 4 DAGs');
    expect(dagNames(frame)).toEqual([DAGS.monitoring]);
    await ui.sendKeys('/', ...Array(13).fill(KEY.backspace), ...'re:(', KEY.enter);
    await ui.waitForContent('invalid regex "(": ');
  });

  it('f shows faults only: failing DAGs and pools, open alerts', async () => {
    const { store, ui } = show();
    await ui.waitForContent('[1] DAG health');
    await ui.sendKeys('f');
    const frame = await ui.waitForContent('1 of 4 DAGs');
    expect(dagNames(frame)).toEqual([DAGS.processing]);
    expect(frame).toContain('faults only');
    await ui.sendKeys('2');
    expect(await ui.waitForContent('[2] Pools  2')).not.toContain('default_pool');
    await ui.sendKeys('5');
    expect(await ui.waitForContent('[5] Alerts')).not.toContain('resolved');
    expect(store.getState().ui.faultsOnly).toBe(true);
  });
});

describe('sort, pause, refresh', () => {
  it('o cycles the order and the footer names it', async () => {
    const { ui } = show();
    await ui.waitForContent('sort: status');
    await ui.sendKeys('o');
    const frame = await ui.waitForContent('sort: name');
    const order = dagNames(frame).sort((a, b) => frame.indexOf(` ${a}`) - frame.indexOf(` ${b}`));
    expect(order).toEqual([...order].sort());
  });

  it('p freezes the panes (header says PAUSED) while polls keep landing; p again shows the new data', async () => {
    const { store, ui } = show();
    await ui.waitForContent('health 99.4');
    await ui.sendKeys('p');
    await ui.waitForContent('PAUSED');
    const report = store.getState().report!;
    store.setState({ report: { ...report, summary: { ...report.summary, health_score: 42, overall: 'healthy' } } });
    store.getState().setUi({ message: { text: 'a poll landed', level: 'info' } });
    let frame = await ui.waitForContent('a poll landed');
    expect(frame).toContain('health 99.4');
    await ui.sendKeys('p');
    frame = await ui.waitForContent('health 42.0');
    expect(frame).not.toContain('PAUSED');
  });

  it('r asks for a poll now', async () => {
    const { ui } = show();
    await ui.waitForContent('[1] DAG health');
    await ui.sendKeys('r');
    await expect.poll(() => ui.commands.refresh.mock.calls.length, { timeout: 5000 }).toBe(1);
  });

  it('q and Ctrl-C quit through the command', async () => {
    const { ui } = show();
    await ui.waitForContent('[1] DAG health');
    await ui.sendKeys(KEY.ctrlC);
    await expect.poll(() => ui.commands.quit.mock.calls.length, { timeout: 5000 }).toBe(1);
  });
});

describe('help', () => {
  it('? lists every binding of the keymap with its description', async () => {
    const { ui } = show({ columns: 250, rows: 70 });
    await ui.waitForContent('[1] DAG health');
    await ui.sendKeys('?');
    const frame = await ui.waitForContent('? or Esc closes');
    for (const binding of KEYMAP) expect(frame).toContain(binding.description);
    await ui.sendKeys(KEY.escape);
    await ui.waitForContent('[1] DAG health');
  });

  it('--readonly: no dangerous binding in the help or the footer', async () => {
    const { ui } = show({ columns: 250, rows: 70, readonly: true });
    let frame = await ui.waitForContent('[1] DAG health');
    expect(frame).not.toMatch(/\ba ack\b|\bs silence\b/);
    expect(frame).toContain('read-only');
    await ui.sendKeys('?');
    frame = await ui.waitForContent('? or Esc closes');
    for (const binding of KEYMAP.filter((b) => b.dangerous)) expect(frame).not.toContain(binding.description);
    for (const binding of activeBindings(true)) expect(frame).toContain(binding.description);
  });

  it('the help scrolls when it does not fit', async () => {
    const { ui } = show({ columns: 80, rows: 24 });
    await ui.waitForContent('[1] DAG health');
    await ui.sendKeys('?');
    await ui.waitForContent(/scroll \(1-\d+ of \d+\)/);
    await ui.sendKeys(KEY.down, KEY.down);
    await ui.waitForContent(/scroll \(3-\d+ of \d+\)/);
  });
});
