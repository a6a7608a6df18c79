import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { Box, render, Text, useInput } from 'ink';
import { useState } from 'react';

class Out extends EventEmitter { frames = 0; last = 0; isTTY = true; constructor(public columns: number, public rows: number) { super(); } write(_s: string) { this.frames++; this.last = performance.now(); return true; } }
const [c, r, kind] = [Number(process.argv[2] ?? 250), Number(process.argv[3] ?? 70), process.argv[4] ?? 'ascii'];
function Lines() {
  const [n, setN] = useState(0);
  useInput(() => setN((x) => x + 1));
  const line = (i: number) => kind === 'ascii' ? `${i} ${n} `.padEnd(c - 1, 'x') : kind === 'box' ? `${i} ${n} `.padEnd(c - 1, '█') : `${i} ${n}`;
  return <Box flexDirection="column" width={c} height={r - 1}>{Array.from({ length: r - 1 }, (_, i) => <Text key={i} wrap="truncate">{line(i)}</Text>)}</Box>;
}
const out = new Out(c, r);
const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined, ref: () => undefined, unref: () => undefined });
const inst = render(<Lines />, { stdout: out as any, stdin: stdin as any, exitOnCtrlC: false, patchConsole: false, incrementalRendering: true, maxFps: 1000 });
const times: number[] = [];
for (let i = 0; i < 100; i++) {
  const before = out.frames; const t = performance.now();
  stdin.write('x');
  while (out.frames === before) await new Promise((res) => setImmediate(res));
  times.push(out.last - t);
}
times.sort((a, b) => a - b);
console.log(c, r, kind, 'p50', times[50]!.toFixed(1), 'p95', times[95]!.toFixed(1));
inst.unmount(); process.exit(0);
