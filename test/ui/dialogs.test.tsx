import { afterEach, describe, expect, it } from 'vitest';
import { buildStore } from './fixtures.js';
import { KEY, renderTui } from './render.js';

let unmount: (() => void) | null = null;
afterEach(() => {
  unmount?.();
  unmount = null;
});

const FIRING = 'a1b2c3d4e5f60001';
const ACKED = 'a1b2c3d4e5f60002';

async function atAlerts(readonly = false) {
  const store = buildStore({ columns: 119, rows: 31 });
  const ui = renderTui({ store, readonly });
  unmount = ui.unmount;
  await ui.waitForContent('[1] DAG health');
  await ui.sendKeys('5');
  await ui.waitForContent('›CRIT');
  return { store, ui };
}

describe('acknowledge', () => {
  it('a opens a dialog for a note; Enter acknowledges the selected alert with it', async () => {
    const { store, ui } = await atAlerts();
    await ui.sendKeys('a');
    await ui.waitForContent('Acknowledge: capstone_processing_pipeline: success rate 50.0% below 90.0%');
    await ui.sendKeys(...'on it, q', KEY.backspace, KEY.backspace, KEY.backspace);
    await ui.waitForContent('note (optional): on it');
    await ui.sendKeys(KEY.enter);
    await ui.waitForContent('acknowledged: capstone_processing_pipeline');
    expect(ui.commands.ack.mock.calls).toEqual([[FIRING, 'on it']]);
    expect(store.getState().ui.dialog).toBeNull();
  });

  it('Esc cancels without acknowledging', async () => {
    const { store, ui } = await atAlerts();
    await ui.sendKeys('a');
    await ui.waitForContent('Acknowledge:');
    await ui.sendKeys(KEY.escape);
    await expect.poll(() => store.getState().ui.dialog, { timeout: 5000 }).toBeNull();
    expect(ui.lastFrame()).not.toContain('Acknowledge:');
    expect(ui.commands.ack).not.toHaveBeenCalled();
  });

  it('u withdraws an acknowledgement, and explains when there is none', async () => {
    const { ui } = await atAlerts();
    await ui.sendKeys('u');
    await ui.waitForContent('not acknowledged: capstone_processing_pipeline');
    await ui.sendKeys(KEY.down, 'u');
    await ui.waitForContent('acknowledgement withdrawn: pool llm_pool');
    expect(ui.commands.unack.mock.calls).toEqual([[ACKED]]);
  });
});

describe('silence', () => {
  it('s picks a duration with ←/→ and takes a comment', async () => {
    const { ui } = await atAlerts();
    await ui.sendKeys('s');
    await ui.waitForContent('Silence: capstone_processing_pipeline');
    await ui.sendKeys(KEY.right, KEY.right, KEY.right, KEY.right, KEY.left, ...'db maintenance');
    await ui.waitForContent('comment: db maintenance');
    await ui.sendKeys(KEY.enter);
    await ui.waitForContent('silenced for 4h: capstone_processing_pipeline');
    expect(ui.commands.silence.mock.calls).toEqual([[FIRING, 4 * 3600, 'db maintenance']]);
  });

  it('defaults to the shortest silence, 15 minutes', async () => {
    const { ui } = await atAlerts();
    await ui.sendKeys('s');
    await ui.waitForContent('Silence:');
    await ui.sendKeys(KEY.enter);
    await expect.poll(() => ui.commands.silence.mock.calls, { timeout: 5000 }).toEqual([[FIRING, 900, '']]);
  });
});

describe('--readonly', () => {
  it('a, u and s open nothing and call nothing', async () => {
    const { store, ui } = await atAlerts(true);
    for (const key of ['a', 'u', 's']) {
      await ui.sendKeys(key);
      await ui.waitForContent('read-only mode:');
      expect(store.getState().ui.dialog).toBeNull();
    }
    expect(ui.commands.ack).not.toHaveBeenCalled();
    expect(ui.commands.unack).not.toHaveBeenCalled();
    expect(ui.commands.silence).not.toHaveBeenCalled();
  });
});
