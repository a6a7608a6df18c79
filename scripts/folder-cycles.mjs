/* global process, console */
// Fails when two folders under source/ import each other, directly or round a loop (e.g. headless/ → sinks/ →
// headless/), type-only imports included. dpdm (lint:cycles) finds cycles between files; this finds them
// between the layers, where a file-level check sees none. Files at the top of source/ (cli.tsx, log.ts,
// numbers.ts) each count as their own unit.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

const ROOT = 'source';
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The folder (or top-level file) a path under source/ belongs to. */
function unit(path) {
  const parts = relative(ROOT, path).split(sep);
  return parts.length > 1 ? `${parts[0]}/` : parts[0].replace(/\.js$/, '.ts');
}

const edges = new Map();
for (const file of files(ROOT)) {
  const from = unit(file);
  for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const to = unit(normalize(join(dirname(file), match[1])));
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    const targets = edges.get(from);
    if (!targets.has(to)) targets.set(to, `${file} → ${match[1]}`);
  }
}

// Tarjan's strongly connected components: any component of two or more units is a cycle.
let index = 0;
const stack = [];
const state = new Map();
const cycles = [];
function visit(node) {
  state.set(node, { index, low: index, onStack: true });
  index += 1;
  stack.push(node);
  for (const next of edges.get(node)?.keys() ?? []) {
    if (!state.has(next)) {
      visit(next);
      state.get(node).low = Math.min(state.get(node).low, state.get(next).low);
    } else if (state.get(next).onStack) {
      state.get(node).low = Math.min(state.get(node).low, state.get(next).index);
    }
  }
  if (state.get(node).low === state.get(node).index) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      state.get(member).onStack = false;
      component.push(member);
    } while (member !== node);
    if (component.length > 1) cycles.push(component.sort());
  }
}
for (const node of edges.keys()) if (!state.has(node)) visit(node);

if (cycles.length === 0) {
  console.log(`folder cycles: none under ${ROOT}/`);
} else {
  for (const cycle of cycles) {
    console.error(`folder cycle: ${cycle.join(' ⇄ ')}`);
    for (const from of cycle) {
      for (const [to, where] of edges.get(from) ?? [])
        if (cycle.includes(to)) console.error(`  ${from} → ${to}  (${where})`);
    }
  }
  process.exitCode = 1;
}
