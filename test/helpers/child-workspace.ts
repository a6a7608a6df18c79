import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';

// The kill -9 tests run a child process on the real modules; Node 20 cannot run .ts, so the child gets
// source/ transpiled into a scratch dir, beside the repo's node_modules.

const ROOT = resolve(import.meta.dirname, '../..');

function transpileTree(from: string, to: string): void {
  for (const name of readdirSync(from)) {
    if (statSync(join(from, name)).isDirectory()) {
      transpileTree(join(from, name), join(to, name));
      continue;
    }
    // Every non-UI module (.ts; the TUI's .tsx is not needed), so a moved import never breaks the child.
    if (!name.endsWith('.ts') || name.endsWith('.d.ts')) continue;
    const source = readFileSync(join(from, name), 'utf8');
    const output = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: name,
    }).outputText;
    mkdirSync(to, { recursive: true });
    writeFileSync(join(to, name.replace(/\.ts$/, '.js')), output);
  }
}

/** A scratch dir holding source/ as JavaScript and `child.mjs` (the child's script, importing ./source/…). */
export function childWorkspace(prefix: string, childScript: string): string {
  const work = mkdtempSync(join(tmpdir(), prefix));
  transpileTree(join(ROOT, 'source'), join(work, 'source'));
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));
  writeFileSync(join(work, 'package.json'), '{"type":"module"}');
  writeFileSync(join(work, 'child.mjs'), childScript);
  return work;
}
