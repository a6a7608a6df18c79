import { afterEach, describe, expect, it } from 'vitest';
import { formatAge, formatCountdown } from '../../source/ui/format.js';
import { statusDriver } from '../../source/ui/model/status-driver.js';
import { buildStore, NOW } from './fixtures.js';
import { renderTui } from './render.js';

let unmount: (() => void) | null = null;
afterEach(() => {
  unmount?.();
  unmount = null;
});

describe('header clock', () => {
  it('ages and countdowns change once a minute, and count seconds only at the very end', () => {
    const at = NOW.toISOString();
    expect(formatAge(at, NOW.getTime() + 42_000)).toBe('<1m ago');
    expect(formatAge(at, NOW.getTime() + 150_000)).toBe('2m ago');
    expect(formatAge(at, NOW.getTime() + 7_500_000)).toBe('2h05m ago');
    expect(formatCountdown(270)).toBe('in 5m');
    expect(formatCountdown(59.2)).toBe('in <1m');
    expect(formatCountdown(9.5)).toBe('in 10s');
    expect(formatCountdown(3)).toBe('in 3s');
  });

  it('ticks the countdown, but draws a frame only when the text on screen changes', async () => {
    const store = buildStore({ columns: 119, rows: 31 });
    let now = NOW.getTime() + 150_000; // 2m30s after the poll, 2m30s before the next
    let reads = 0;
    const clock = () => {
      reads++;
      return new Date(now);
    };
    const ui = renderTui({ store, clock, tickMs: 5 });
    unmount = ui.unmount;
    await ui.waitForContent('(2m ago)  next in 3m');
    const frames = ui.stdout.frames.length;
    // Ten ticks inside the same minute: nothing visible changes, so nothing is drawn.
    for (let i = 0; i < 10; i++) {
      const before = reads;
      now += 1000;
      await expect.poll(() => reads, { timeout: 5000 }).toBeGreaterThan(before);
    }
    expect(ui.stdout.frames.length).toBe(frames);
    now = NOW.getTime() + 250_000;
    await ui.waitForContent('(4m ago)  next in <1m');
    now = NOW.getTime() + 291_000;
    await ui.waitForContent('next in 9s');
    now += 1000;
    await ui.waitForContent('next in 8s');
  });
});

describe('header status', () => {
  it('says what drives a critical status beside it', async () => {
    const store = buildStore({ columns: 140, rows: 40 });
    const ui = renderTui({ store });
    unmount = ui.unmount;
    const report = store.getState().report!;
    const first = (await ui.waitForContent('CRITICAL')).split('\n')[0]!;
    expect(first).toContain(`CRITICAL: ${statusDriver(report)}`);
    expect(statusDriver(report)).toMatch(/^\d+ threshold violations?/);
  });
});
