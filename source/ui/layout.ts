import type { PaneId } from '../state/types.js';

// The screen budget, as pure arithmetic so the dispatcher (page sizes) and the components agree.
// Ink 6 clears the whole terminal on every frame once a frame is as tall as the terminal, so the frame is
// at most rows - 1 lines.

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 15;
export const HEADER_HEIGHT = 3;
export const FOOTER_HEIGHT = 1;
export const DIALOG_HEIGHT = 5;
/** Below this, the focused pane gets the screen and the others become a tab bar. */
export const GRID_MIN_COLUMNS = 120;
export const GRID_MIN_ROWS = 32;

export interface Size {
  columns: number;
  rows: number;
}

export interface PaneBox {
  id: PaneId;
  width: number;
  height: number;
}

export type Layout =
  | { kind: 'too-small'; message: string }
  | { kind: 'tabs'; width: number; bodyHeight: number; pane: PaneBox }
  | { kind: 'grid'; width: number; bodyHeight: number; columns: { width: number; panes: PaneBox[] }[] };

export function tooSmall(size: Size): boolean {
  return size.columns < MIN_COLUMNS || size.rows < MIN_ROWS;
}

/** Rows between header and footer (and above an open dialog); `strip`: rows the fleet strip takes. */
export function bodyHeight(size: Size, dialogOpen: boolean, strip = 0): number {
  return Math.max(0, size.rows - 1 - HEADER_HEIGHT - strip - FOOTER_HEIGHT - (dialogOpen ? DIALOG_HEIGHT : 0));
}

const WEIGHTS: Record<PaneId, number> = { dags: 3, alerts: 2, pools: 1, costs: 1.2, quality: 1 };
const LEFT: PaneId[] = ['dags', 'alerts'];
const RIGHT: PaneId[] = ['pools', 'costs', 'quality'];
const MIN_PANE = 5;

/** Splits `total` rows among panes by weight (the focused one counts 1.5×), never below MIN_PANE each. */
function split(ids: PaneId[], total: number, focus: PaneId, width: number): PaneBox[] {
  const weights = ids.map((id) => WEIGHTS[id] * (id === focus ? 1.5 : 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  const heights = weights.map((w) => Math.max(MIN_PANE, Math.floor((w / sum) * total)));
  // Rounding leftovers (or the MIN_PANE overshoot) go to / come from the first pane so the column fills exactly.
  heights[0] = Math.max(MIN_PANE, heights[0]! + total - heights.reduce((a, b) => a + b, 0));
  return ids.map((id, i) => ({ id, width, height: heights[i]! }));
}

export function screenLayout(size: Size, focus: PaneId, dialogOpen: boolean, strip = 0): Layout {
  if (tooSmall(size)) {
    return {
      kind: 'too-small',
      message: `terminal too small: ${MIN_COLUMNS}x${MIN_ROWS} needed, have ${size.columns}x${size.rows}`,
    };
  }
  const height = bodyHeight(size, dialogOpen, strip);
  if (size.columns < GRID_MIN_COLUMNS || size.rows < GRID_MIN_ROWS) {
    // One line for the tab bar naming the other panes.
    return {
      kind: 'tabs',
      width: size.columns,
      bodyHeight: height,
      pane: { id: focus, width: size.columns, height: height - 1 },
    };
  }
  const left = Math.floor(size.columns * 0.58);
  const right = size.columns - left;
  return {
    kind: 'grid',
    width: size.columns,
    bodyHeight: height,
    columns: [
      { width: left, panes: split(LEFT, height, focus, left) },
      { width: right, panes: split(RIGHT, height, focus, right) },
    ],
  };
}

export function paneBox(layout: Layout, id: PaneId): PaneBox | null {
  if (layout.kind === 'tabs') return layout.pane.id === id ? layout.pane : null;
  if (layout.kind === 'grid') return layout.columns.flatMap((c) => c.panes).find((p) => p.id === id) ?? null;
  return null;
}

/** Inside a bordered pane: the border takes 2 rows, the title 1. */
export function paneContentHeight(box: { height: number }): number {
  return Math.max(0, box.height - 3);
}

export function paneContentWidth(box: { width: number }): number {
  return Math.max(0, box.width - 2);
}

/** Rows for a table inside a bordered pane or view: border, title and column header. */
export function tableRows(box: { height: number }): number {
  return Math.max(1, box.height - 4);
}

/** The alert pane's content split: alerts first, then up to 3 sinks and 3 dead letters, each with a heading. */
export function alertSections(
  content: number,
  sinks: number,
  deadLetters: number,
): { alerts: number; sinks: number; deadLetters: number } {
  let rest = content;
  const take = (wanted: number) => {
    if (wanted === 0 || rest - (Math.min(wanted, 3) + 1) < 3) return 0;
    const n = Math.min(wanted, 3);
    rest -= n + 1;
    return n;
  };
  const s = take(sinks);
  const d = take(deadLetters);
  return { alerts: Math.max(1, rest - 1), sinks: s, deadLetters: d };
}

/** The rows of a list to draw: a window of `height` around the selection, so long lists cost what fits. */
export function visibleWindow(length: number, selected: number, height: number): { start: number; end: number } {
  if (length <= height) return { start: 0, end: length };
  const start = Math.max(0, Math.min(selected - Math.floor(height / 2), length - height));
  return { start, end: start + height };
}
