import chalk from 'chalk';
import { afterEach, describe, expect, it } from 'vitest';
import { createDrillController } from '../../source/collect/drill.js';
import { buildStore, DAGS, NOW, processingRuns } from './fixtures.js';
import { FakeSource, ManualTimers } from './fake-source.js';
import { KEY, renderTui } from './render.js';

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup) f();
  cleanup = [];
});

const FAILED_RUN = processingRuns()[1]!.runId;

function drillable(size = { columns: 119, rows: 31 }) {
  const store = buildStore(size);
  const source = new FakeSource();
  const timers = new ManualTimers();
  const controller = createDrillController({ store, source, timers, clock: () => NOW });
  const ui = renderTui({ store });
  cleanup.push(ui.unmount, controller.stop);
  return { store, source, timers, ui };
}

/** From the main screen to the failed run's generate_summary log (try 2 of 2). */
async function openLog(ui: ReturnType<typeof renderTui>) {
  await ui.waitForContent('›✖ capstone_processing_pipeline');
  await ui.sendKeys(KEY.enter);
  await ui.waitForContent('›running');
  await ui.sendKeys(KEY.down, KEY.enter);
  await ui.waitForContent('generate_summary');
  await ui.sendKeys(KEY.down, KEY.enter);
  await ui.waitForContent('try 2/2');
}

describe('drill-down', () => {
  it('DAG → runs → task instances → log, and back, as a stack in the store', async () => {
    const { store, ui } = drillable();
    await ui.waitForContent('›✖ capstone_processing_pipeline');
    await ui.sendKeys(KEY.enter);
    let frame = await ui.waitForContent(`DAG ${DAGS.processing}  runs 5`);
    expect(frame).toContain(`DAGs › ${DAGS.processing}`);
    expect(frame).toMatch(/›running +scheduled__/);
    expect(frame).toMatch(/ failed +scheduled__\S+ +\d\d-\d\d \d\d:\d\d:\d\d +12m00s █+░*/);
    await ui.sendKeys(KEY.down, KEY.enter);
    frame = await ui.waitForContent('3 task instances');
    expect(frame).toContain(`DAGs › ${DAGS.processing} › ${FAILED_RUN}`);
    expect(frame).toMatch(/›success +extract_text +1\/3 +4m00s +█+/);
    expect(frame).toMatch(/ failed +generate_summary +2\/3 +6m00s +█+/);
    expect(frame).toMatch(/ upstream_failed +classify_document +0\/3 +—/);
    expect(store.getState().ui.stack.map((v) => v.kind)).toEqual(['main', 'dag', 'run']);
    await ui.sendKeys(KEY.escape);
    await ui.waitForContent(`DAG ${DAGS.processing}  runs 5`);
    await ui.sendKeys(KEY.backspace);
    await ui.waitForContent('[1] DAG health');
    expect(store.getState().ui.stack).toHaveLength(1);
  });

  it('on a narrow screen rows are cut with … at the border; the selected one is highlighted to the cut', async () => {
    const level = chalk.level;
    chalk.level = 1;
    cleanup.push(() => (chalk.level = level));
    const { ui } = drillable({ columns: 60, rows: 15 });
    await ui.waitForContent('›✖ capstone_process');
    await ui.sendKeys(KEY.enter);
    await ui.waitForContent('›running');
    await ui.sendKeys(KEY.down, KEY.enter);
    await ui.sendKeys(KEY.down);
    const frame = await ui.waitForContent('›failed ');
    expect(frame).toContain('║ success         extract_text   1/3   4m00s ███████      …║');
    expect(frame).toContain('║›failed          generate_su…   2/3   6m00s       ███████…║');
    expect(frame).toContain('║ upstream_failed classify_do…   0/3       —              …║');
    // One inverse span from the mark to the '…': no gaps between the columns.
    expect(ui.rawFrame()).toContain('\x1b[7m›failed          generate_su…   2/3   6m00s       ███████…\x1b[27m');
  });

  it('a task that never started has no log to open', async () => {
    const { ui } = drillable();
    await ui.waitForContent('›✖ capstone_processing_pipeline');
    await ui.sendKeys(KEY.enter);
    await ui.waitForContent('›running');
    await ui.sendKeys(KEY.down, KEY.enter);
    await ui.waitForContent('classify_document');
    await ui.sendKeys('G', KEY.enter);
    await ui.waitForContent('classify_document has not started yet: no log to show');
  });

  it('a failing Airflow shows as text in the view, not a crash', async () => {
    const { source, ui } = drillable();
    source.failRuns = '503 from http://127.0.0.1:8080/api/v2/dags/x/dagRuns: the API server is restarting';
    await ui.waitForContent('›✖ capstone_processing_pipeline');
    await ui.sendKeys(KEY.enter);
    await ui.waitForContent(
      `could not load runs of ${DAGS.processing}: 503 from http://127.0.0.1:8080/api/v2/dags/x/dagRuns`,
    );
  });
});

describe('log view', () => {
  it('scrolls with ↓/PgDn/G/g and says which lines it shows', async () => {
    const { ui } = drillable();
    await openLog(ui);
    // 119x31: 26 body rows, a border, a title → 23 log lines a page.
    await ui.waitForContent('lines 1-23 of 200');
    expect(ui.lastFrame()).toContain('try 2 line 1');
    await ui.sendKeys(KEY.down, KEY.down);
    await ui.waitForContent('lines 3-25 of 200');
    await ui.sendKeys(KEY.pageDown);
    await ui.waitForContent('lines 26-48 of 200');
    await ui.sendKeys('G');
    const frame = await ui.waitForContent('lines 178-200 of 200');
    expect(frame).toContain('try 2 line 200');
    await ui.sendKeys('g');
    await ui.waitForContent('lines 1-23 of 200');
  });

  it('[ and ] switch tries; each try is fetched on its own', async () => {
    const { source, ui } = drillable();
    await openLog(ui);
    await ui.sendKeys('[');
    const frame = await ui.waitForContent('ERROR - LLM timeout after 60s');
    expect(frame).toContain('try 1/2');
    await ui.sendKeys('[');
    await ui.waitForContent('try 1 of 2: no earlier try');
    await ui.sendKeys(']');
    await ui.waitForContent('try 2 line 1');
    expect(source.calls.filter((c) => c.startsWith('taskLog'))).toEqual([
      'taskLog generate_summary 2 -',
      'taskLog generate_summary 1 -',
      'taskLog generate_summary 2 -',
    ]);
  });

  it('F follows: new lines arrive through the continuation token and the view sticks to the end', async () => {
    const { source, timers, ui } = drillable();
    await openLog(ui);
    await ui.sendKeys('F');
    await ui.waitForContent('FOLLOWING');
    await ui.waitForContent('lines 178-200 of 200');
    source.logs.get(2)!.push('[2025-03-14 11:59:00] INFO - a new line while following');
    expect(timers.fire()).toBe(1);
    await ui.waitForContent('lines 179-201 of 201');
    expect(ui.lastFrame()).toContain('a new line while following');
    expect(source.calls.at(-1)).toBe('taskLog generate_summary 2 200');
    // Scrolling up stops following, and with it the polling.
    await ui.sendKeys(KEY.up);
    await ui.waitForContent('F: follow');
    expect(timers.pending.size).toBe(0);
  });

  it('the view that loses the top stops its polling', async () => {
    const { store, timers, ui } = drillable();
    await openLog(ui);
    await ui.sendKeys('F');
    await ui.waitForContent('FOLLOWING');
    await expect.poll(() => timers.pending.size, { timeout: 5000 }).toBe(1);
    await ui.sendKeys(KEY.escape);
    await ui.waitForContent('3 task instances');
    expect(timers.pending.size).toBe(0);
    expect(store.getState().drill.log).toBeNull();
  });

  it('f keeps only the lines that explain a failure; / greps the log', async () => {
    const { ui } = drillable();
    await openLog(ui);
    await ui.sendKeys('[');
    await ui.waitForContent('ERROR - LLM timeout');
    await ui.sendKeys('f');
    let frame = await ui.waitForContent('(3 unfiltered)');
    expect(frame).not.toContain('Starting generate_summary');
    expect(frame).toContain('Traceback');
    await ui.sendKeys('f', '/', ...'starting', KEY.enter);
    frame = await ui.waitForContent('lines 1-1 of 1');
    expect(frame).toContain('Starting generate_summary');
  });
});
