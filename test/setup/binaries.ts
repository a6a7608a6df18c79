import { DEBIAN_BINARIES, missingBinaries, type DebianBinary } from '../helpers/binaries.js';

// Runs once before the unit project: one line saying which tests are skipped for want of a Debian tool,
// or, under CI=true, a failed run (missingBinaries throws).
export default function setup(): void {
  const reason = missingBinaries(Object.keys(DEBIAN_BINARIES) as DebianBinary[]);
  if (reason !== false) process.stderr.write(`airtop tests: skipping what needs a missing tool: ${reason}\n`);
}
