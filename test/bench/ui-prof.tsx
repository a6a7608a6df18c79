import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { render } from 'ink';
import { App } from '../../source/ui/app.js';
import { buildStore } from '../ui/fixtures.js';

class Out extends EventEmitter { frames = 0; last = 0; isTTY = true; constructor(public columns: number, public rows: number) { super(); } write(s: string) { this.frames++; this.last = performance.now(); return true; } }
const [c, r, dbg] = [Number(process.argv[2] ?? 250), Number(process.argv[3] ?? 70), process.argv[4] === 'debug'];
const store = buildStore({ columns: c, rows: r, extraDags: Number(process.env.DAGS ?? 2000) });
const out = new Out(c, r);
const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined, ref: () => undefined, unref: () => undefined });
const noop = () => undefined;
const inst = render(<App store={store} commands={{ refresh: noop, quit: noop, ack: noop, unack: noop, silence: noop }} readonly={false} noColor={false} />, { stdout: out as any, stdin: stdin as any, debug: dbg, exitOnCtrlC: false, patchConsole: false, incrementalRendering: true, maxFps: 1000 });
const times: number[] = [];
for (let i = 0; i < 100; i++) {
  const before = out.frames;
  const t = performance.now();
  stdin.write('\x1b[B');
  while (out.frames === before) await new Promise((res) => setImmediate(res));
  times.push(out.last - t);
}
times.sort((a, b) => a - b);
console.log(c, r, 'p50', times[50]!.toFixed(1), 'p95', times[95]!.toFixed(1));
inst.unmount();
process.exit(0);
