// `npm install` / `npm ci` in a checkout of airtop: applies patches/ (two speed patches to Ink and its
// tokenizer, README "Benchmarks") with patch-package, and fails loudly if they no longer apply.
// Installed as a package elsewhere there is no patches/ (nor patch-package) beside it: nothing to do, and
// Ink runs as upstream ships it, only slower.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(new URL('../patches', import.meta.url))) process.exit(0);
let patchPackage;
try {
  patchPackage = createRequire(import.meta.url).resolve('patch-package/index.js');
} catch {
  process.exit(0);
}
const run = spawnSync(process.execPath, [patchPackage, '--error-on-fail'], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
