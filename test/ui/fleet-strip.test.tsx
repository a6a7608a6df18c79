// The fleet strip and the all view on screen: every instance named with its version, status, alerts and STALE;
// narrow and wide terminals; names and versions carrying terminal escapes, bidi overrides and sheer length
// never reach the terminal raw and never push a line past the screen's width.
import { afterEach, describe, expect, it } from 'vitest';
import { selectFleetCells, type InstanceCell } from '../../source/ui/model/fleet.js';
import { cellSegments, stripLayout } from '../../source/ui/fleet-strip.js';
import { buildFleetStore, FLEET, type InstanceFixture } from './fleet-fixtures.js';
import { buildStore } from './fixtures.js';
import { KEY, renderTui } from './render.js';

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup) f();
  cleanup = [];
});

const HOSTILE: InstanceFixture[] = [
  { name: 'prod\x1b[2J\x1b]0;owned\x07', version: '3.0.2\x1b[31m' },
  { name: '\u202eevil-staging', version: '2.11.0' + 'x'.repeat(300) },
  { name: 'a-very-long-instance-name-of-forty-chars', version: '3.1.0\u200b', error: 'timeout\x1b[1A after 30 s' },
];

function open(fixtures: InstanceFixture[], columns: number, rows: number) {
  const { store, stop } = buildFleetStore(fixtures, { columns, rows });
  const ui = renderTui({ store });
  cleanup.push(ui.unmount, stop);
  return { store, ui };
}

function expectFits(frame: string, columns: number, rows: number) {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const line of lines) expect([...line].length).toBeLessThanOrEqual(columns);
}

const cell = (name: string, overrides: Partial<InstanceCell> = {}): InstanceCell => ({
  name,
  url: 'http://127.0.0.1:8080',
  version: '3.0.2',
  overall: 'critical',
  stale: null,
  firing: { critical: 2, warning: 1, info: 0 },
  ...overrides,
});

describe('strip layout (pure)', () => {
  it('keeps every detail when it fits, and gives way step by step as the width shrinks', () => {
    const cells = [cell('prod'), cell('staging', { overall: 'warning', stale: 'timeout' }), cell('dev')];
    const text = (level: number) =>
      cellSegments(cells[1]!, level)
        .map((s) => s.text)
        .join('');
    expect(stripLayout(cells, 200).level).toBe(0);
    expect(text(0)).toBe('▲ staging 3.0.2 WARNING 2C 1W STALE');
    expect(text(1)).toBe('▲ staging 3.0.2 2C 1W STALE');
    expect(text(2)).toBe('▲ staging 2C 1W STALE');
    expect(text(3)).toBe('▲ staging 3!');
    const widths = [200, 90, 70, 50, 30, 12].map((w) => stripLayout(cells, w).level);
    expect(widths).toEqual([...widths].sort((a, b) => a - b));
    expect(stripLayout(cells, 30)).toMatchObject({ level: 4, shown: 3 });
  });

  it('twenty instances on 60 columns: as many cells as fit, the rest counted', () => {
    const cells = Array.from({ length: 20 }, (_, i) => cell(`instance-${String(i).padStart(2, '0')}`));
    const layout = stripLayout(cells, 60);
    expect(layout.shown).toBeLessThan(20);
    expect(layout.shown).toBeGreaterThan(0);
    const used = layout.shown * (1 + layout.nameWidth) + (layout.shown - 1) + ` +${20 - layout.shown}`.length;
    expect(used).toBeLessThanOrEqual(60);
  });
});

describe('fleet strip on screen', () => {
  it('200×50: one cell per instance with name, version, status, alert counts and STALE', async () => {
    const { store, ui } = open(FLEET, 200, 50);
    const frame = await ui.waitForContent('all instances › DAGs');
    const strip = frame.split('\n')[3]!;
    expect(strip.startsWith(' all ')).toBe(true);
    const cells = selectFleetCells(store.getState());
    for (const c of cells) {
      expect(strip).toContain(`${c.name} ${c.version} ${c.overall.toUpperCase()}`);
    }
    expect(strip).toMatch(/dev 3\.1\.0 \w+ .*STALE/);
    expect(strip).toContain('1C');
    expectFits(frame, 200, 50);
  });

  it('60×20: the strip still names every instance on one line and the layout holds', async () => {
    const { ui } = open(FLEET, 60, 20);
    const frame = await ui.waitForContent('all instances › DAGs');
    const strip = frame.split('\n')[3]!;
    for (const name of ['prod', 'staging', 'dev']) expect(strip).toContain(name);
    expectFits(frame, 60, 20);
    // The tab bar and the pane are below the strip, not pushed off the screen.
    expect(frame).toMatch(/1 DAGs \d+/);
  });

  it('hostile names and versions are sanitized, cut, and never break a line, wide or narrow', async () => {
    for (const [columns, rows] of [
      [200, 50],
      [60, 20],
    ] as const) {
      const { ui } = open(HOSTILE, columns, rows);
      const frame = await ui.waitForContent('all instances › DAGs');
      const raw = ui.rawFrame();
      for (const bad of ['\x1b[2J', '\x1b]0;', '\x07', '\u202e', '\u200b', '\x1b[1A', '\x1b[31m'])
        expect(raw).not.toContain(bad);
      expectFits(frame, columns, rows);
      const strip = frame.split('\n')[3]!;
      expect(strip).toContain('prod');
      if (columns === 200) {
        // The bidi override is shown as text, not obeyed; the 300-character version is cut.
        expect(strip).toContain('\\u{202E}evil-staging');
        expect(strip).not.toContain('x'.repeat(30));
        expect(strip).toContain('STALE');
      }
      ui.unmount();
    }
  });

  it('twenty instances at 60 columns: the strip ends with +N and fits', async () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ name: `inst-${String(i).padStart(2, '0')}` }));
    const { ui } = open(many, 60, 20);
    const frame = await ui.waitForContent('all instances › DAGs');
    expect(frame.split('\n')[3]).toMatch(/\+\d+$/);
    expectFits(frame, 60, 20);
  });

  it('a single instance has no strip: the breadcrumb follows the header as today', async () => {
    const store = buildStore({ columns: 120, rows: 40 });
    const ui = renderTui({ store });
    cleanup.push(ui.unmount);
    const frame = await ui.waitForContent('[1] DAG health');
    const lines = frame.split('\n');
    expect(lines[2]).toMatch(/^DAGs/);
    expect(lines[3]).toMatch(/^[┌╔]/);
    expect(frame).not.toContain('instance');
  });
});

describe('all view and picker on screen', () => {
  it('the DAG and alert panes have an instance column naming each row’s instance', async () => {
    const { ui } = open(FLEET, 160, 45);
    const frame = await ui.waitForContent('all instances › DAGs');
    expect(frame).toMatch(/instance +DAG/);
    expect(frame).toMatch(/›✖ dev +capstone_processing_pipeline/);
    expect(frame).toMatch(/ ✖ staging +capstone_processing_pipeline/);
    expect(frame).toMatch(/sev +since +instance +state/);
    expect(frame).toMatch(/CRIT \d\d:\d\d:\d\d (prod|staging|dev) +firing/);
  });

  it('i lists all and each instance with URL and stale reason; Enter shows one, the strip and breadcrumb say so', async () => {
    const { store, ui } = open(FLEET, 160, 45);
    await ui.waitForContent('all instances › DAGs');
    await ui.sendKeys('i');
    let frame = await ui.waitForContent('Instances');
    expect(frame).toMatch(/›\* all instances/);
    expect(frame).toContain('http://127.0.0.1:8081');
    expect(frame).toContain('STALE: connect ECONNREFUSED 127.0.0.1:8082');
    await ui.sendKeys(KEY.down, KEY.down, KEY.enter);
    frame = await ui.waitForContent('staging › DAGs');
    expect(frame).toContain('staging_only_dag');
    expect(frame).not.toMatch(/instance +DAG/);
    expect(frame.split('\n')[3]!.startsWith(' all ')).toBe(false);
    expect(frame).toContain('[2] Pools · staging');
    expect(store.getState().ui.instance).toBe('staging');
    await ui.sendKeys('i');
    await ui.waitForContent('Instances');
    await ui.sendKeys(KEY.escape);
    await ui.waitForContent('[1] DAG health');
    expect(store.getState().ui.instance).toBe('staging');
  });
});
