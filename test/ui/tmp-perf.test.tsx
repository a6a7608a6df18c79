import { it } from 'vitest';
import { buildStore } from './fixtures.js';
import { renderTui } from './render.js';

it('perf', async () => {
  for (const [c, r] of [[250, 70], [250, 70], [119, 31], [80, 24], [250,70]]) {
    const t0 = performance.now();
    const store = buildStore({ columns: c, rows: r });
    const t1 = performance.now();
    const ui = renderTui({ store });
    const t2 = performance.now();
    await ui.waitForContent('DAG health');
    const t3 = performance.now();
    await ui.sendKeys('j');
    await ui.waitForContent('›▶');
    const t4 = performance.now();
    ui.unmount();
    console.log(c, r, 'store', (t1 - t0).toFixed(1), 'render', (t2 - t1).toFixed(1), 'wait', (t3 - t2).toFixed(1), 'key', (t4 - t3).toFixed(1), 'frames', ui.stdout.frames.length);
  }
});
