import chalk from 'chalk';
import { afterEach, describe, expect, it } from 'vitest';
import type { PaneId } from '../../source/state/types.js';
import { buildStore, DAGS } from './fixtures.js';
import { normalise, renderTui } from './render.js';
import { act } from './act.js';

let unmount: (() => void) | null = null;
afterEach(() => {
  unmount?.();
  unmount = null;
});

/** 119x31 is below the grid threshold: one pane (the focused one) gets the screen, so lines hold one pane only. */
function show(options: Parameters<typeof buildStore>[0] & { noColor?: boolean; focus?: PaneId } = {}) {
  const store = buildStore({ columns: 119, rows: 31, ...options });
  if (options.focus) act(store, { ui: { focus: options.focus } });
  const ui = renderTui({ store, noColor: options.noColor ?? true });
  unmount = ui.unmount;
  return { store, ui };
}

const lines = (frame: string) => frame.split('\n');
const lineWith = (frame: string, text: string) => lines(frame).find((l) => l.includes(text)) ?? '';

describe('main screen', () => {
  it('header: Airflow, component health, poll times, overall status and score', async () => {
    const { ui } = show();
    const frame = normalise(await ui.waitForContent('DAG health'));
    expect(lines(frame)[0]).toMatch(
      /airtop http:\/\/127\.0\.0\.1:8080 {2}Airflow 3\.0\.2 \(v2\).*CRITICAL: 2 threshold violations, 1 SLA miss at L2\+ {2}health 99\.4/,
    );
    expect(lines(frame)[1]).toContain('scheduler ● ok  triggerer ● ok  dag_processor ✖ down');
    expect(lines(frame)[1]).toContain('last poll HH:MM:SS (N ago)  next in 5m');
    expect(lines(frame)[2]).toMatch(/^DAGs/);
  });

  it('header: STALE with the reason while polls fail, PAUSED while paused', async () => {
    const { store, ui } = show();
    await ui.waitForContent('DAG health');
    store
      .getState()
      .pollFailed({ error: '401 from http://127.0.0.1:8080/auth/token: check AIRFLOW_USERNAME', at: new Date() });
    const frame = await ui.waitForContent('STALE: 401 from');
    expect(lines(frame)[0]).toContain('STALE');
    await ui.sendKeys('p');
    expect(lines(await ui.waitForContent('PAUSED'))[0]).toContain('PAUSED');
  });

  it('pane 1: DAG health with state, runs, success rate, durations, SLA and a sparkline', async () => {
    const { ui } = show();
    const frame = await ui.waitForContent('DAG health');
    expect(lineWith(frame, DAGS.processing)).toMatch(
      /✖ capstone_processing_pipeline +3 +50\.0% +1 L3 +15m00s +15m00s █▁/,
    );
    expect(lineWith(frame, DAGS.ingestion)).toMatch(
      /✔ capstone_ingestion_pipeline +4 +100\.0% +— +6m51s +5m30s [▁-█]{4}/,
    );
    expect(lineWith(frame, DAGS.vector)).toContain('▶ capstone_vector_store_pipeline');
    expect(lineWith(frame, DAGS.monitoring)).toMatch(/‖ capstone_monitoring +0 +— /);
  });

  it('pane 1 on a wide screen: every figure ends under its title, the sparkline starts under its own', async () => {
    const { ui } = show({ columns: 250, rows: 70 });
    const frame = await ui.waitForContent('DAG health');
    const titles = lineWith(frame, 'runs/1h');
    const row = lineWith(frame, DAGS.processing);
    const end = (line: string, text: string) => line.indexOf(text) + text.length;
    expect(end(row, ' 3 ')).toBe(end(titles, 'runs/1h') + 1);
    expect(end(row, '50.0%')).toBe(end(titles, 'success'));
    expect(end(row, '1 L3')).toBe(end(titles, 'SLA'));
    // One successful run in the hour: p95 and avg are the same 15m00s, the first under p95, the last under avg.
    expect(end(row, '15m00s')).toBe(end(titles, 'p95'));
    expect(row.lastIndexOf('15m00s') + '15m00s'.length).toBe(end(titles, 'avg'));
    expect(row.indexOf('█▁')).toBe(titles.indexOf('recent runs'));
  });

  it('pane 1 at 120x40: the name gives way last, so columns drop before a DAG id is cut', async () => {
    const { ui } = show({ columns: 120, rows: 40 });
    const frame = await ui.waitForContent('DAG health');
    for (const id of Object.values(DAGS)) expect(lineWith(frame, id)).toContain(id);
    expect(frame).not.toMatch(/capstone_\w*…/);
    expect(lineWith(frame, 'runs/1h')).toMatch(/runs\/1h +success/);
  });

  it('pane 2: pools as used / queued / open bars, fullest first', async () => {
    const { ui } = show({ focus: 'pools' });
    const frame = await ui.waitForContent('[2] Pools');
    const pools = lines(frame)
      .filter((l) => /_pool /.test(l))
      .map((l) => l.match(/(\w+_pool)/)![1]);
    expect(pools).toEqual(['embedding_pool', 'llm_pool', 'default_pool']);
    expect(lineWith(frame, 'llm_pool')).toMatch(/█+▒+ 9\/10 q3 +90%/);
    expect(lineWith(frame, 'default_pool')).toMatch(/█+░+ 8\/128 q0 +6%/);
  });

  it('pane 3: budget, cost per document and charts per poll and per day', async () => {
    const { ui } = show({ columns: 160, rows: 31, focus: 'costs' });
    const frame = await ui.waitForContent('[3] Costs');
    expect(frame).toContain('$44.52 of $100.00 budget');
    expect(frame).toContain('45%');
    expect(frame).toContain('per document $0.1060 (420 docs)');
    expect(frame).toContain('total cost per poll');
    expect(frame).toContain('total cost per day');
    expect(frame).toMatch(/\$52\.90 ┤/); // the per-day maximum labels the chart
  });

  it('pane 4: quality scores per component with status and issues', async () => {
    const { ui } = show({ focus: 'quality' });
    const frame = await ui.waitForContent('[4] Quality');
    expect(frame).toContain('overall 74.4 degraded');
    expect(lineWith(frame, 'embedding ')).toMatch(/embedding +50\.0 +100 +critical/);
    expect(lineWith(frame, 'extraction ')).toMatch(/extraction +98\.8 +100 +healthy/);
    expect(lineWith(frame, ' LLM ')).toMatch(/LLM +— +— +no data/);
    expect(frame).toContain('! Embedding quality below threshold');
  });

  it('pane 5: alerts (firing first, who acked), sink status and dead letters with reasons', async () => {
    const { ui } = show({ focus: 'alerts' });
    const frame = normalise(await ui.waitForContent('[5] Alerts'));
    const states = lines(frame)
      .map((l) => l.match(/(?:CRIT|WARN|INFO) HH:MM:SS (firing|acknowledged|silenced|resolved) /)?.[1])
      .filter(Boolean);
    expect(states).toEqual(['firing', 'acknowledged', 'silenced', 'resolved']);
    expect(lineWith(frame, 'acknowledged')).toContain('ack alice: scaling workers');
    expect(lineWith(frame, 'pagerduty ')).toMatch(
      /✖ last ok HH:MM:SS {2}queue 2 {2}dead 1 {2}last error HH:MM:SS: 400 from https:\/\/events\.pagerduty\.com/,
    );
    expect(frame).toContain('dead letters (1)');
    expect(frame).toContain('400 invalid routing_key');
  });
});

describe('screen budget', () => {
  it.each([
    [80, 24],
    [250, 70],
    [60, 15],
  ])('the frame at %ix%i is never taller than rows - 1, nor wider than the terminal', async (columns, rows) => {
    const { ui } = show({ columns, rows, extraDags: 300 });
    const frame = await ui.waitForContent('DAG health');
    expect(lines(frame).length).toBeLessThanOrEqual(rows - 1);
    expect(Math.max(...lines(frame).map((l) => l.length))).toBeLessThanOrEqual(columns);
    // The list is windowed: 304 DAGs, only what fits is drawn.
    expect(lines(frame).filter((l) => l.includes('dag_0')).length).toBeLessThan(rows);
  });

  it('80x24 shows the focused pane with the others as tabs; 250x70 shows all five', async () => {
    const small = show({ columns: 80, rows: 24 });
    let frame = await small.ui.waitForContent('DAG health');
    expect(frame).toMatch(/1 DAGs 4 +2 Pools 100% +3 Costs \$44\.52 +4 Quality 74\.4 +5 Alerts 1/);
    expect(frame).not.toContain('[5] Alerts');
    await small.ui.sendKeys('5');
    frame = await small.ui.waitForContent('[5] Alerts');
    expect(frame).not.toContain('[1] DAG health');
    unmount?.();
    const large = show({ columns: 250, rows: 70 });
    frame = await large.ui.waitForContent('[5] Alerts');
    for (const title of ['[1] DAG health', '[2] Pools', '[3] Costs', '[4] Quality', '[5] Alerts'])
      expect(frame).toContain(title);
  });

  it('resizing through the store re-lays out; below 60x15 it says what is needed', async () => {
    const { store, ui } = show({ columns: 120, rows: 40 });
    await ui.waitForContent('DAG health');
    store.getState().setSize(59, 20);
    const frame = await ui.waitForContent('terminal too small');
    expect(frame.replace(/\n/g, ' ')).toContain('terminal too small: 60x15 needed, have 59x20');
    store.getState().setSize(100, 14);
    expect((await ui.waitForContent('have 100x14')).split('\n').length).toBeLessThanOrEqual(13);
  });
});

describe('colour', () => {
  // chalk decides colour support from stdout; the fake stdout is not a TTY, so force it and let the theme decide.
  const level = chalk.level;
  afterEach(() => {
    chalk.level = level;
  });
  const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[(3[0-7]|9[0-7]|38;)`);

  it('status colours come from the theme', async () => {
    chalk.level = 1;
    const { ui } = show({ noColor: false });
    await ui.waitForContent('DAG health');
    expect(ui.rawFrame()).toMatch(COLOUR);
  });

  it('NO_COLOR: no colour at all, state still readable from glyphs and words', async () => {
    chalk.level = 1;
    const { ui } = show({ noColor: true });
    const frame = await ui.waitForContent('DAG health');
    expect(ui.rawFrame()).not.toMatch(COLOUR);
    expect(frame).toContain('✖ capstone_processing_pipeline');
    expect(frame).toContain('CRITICAL');
  });
});
