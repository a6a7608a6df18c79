import { DEBIAN_BINARIES, isCi, missingBinaries, type DebianBinary } from '../helpers/binaries.js';

// Runs once before the unit project and prints one line naming the Debian tools that are missing. Their tests
// skip, or under CI=true fail (missingBinaries throws in each test file that needs one); the other tests run.
export default function setup(): void {
  const reason = missingBinaries(Object.keys(DEBIAN_BINARIES) as DebianBinary[], { ...process.env, CI: '' });
  if (reason === false) return;
  process.stderr.write(
    `airtop tests: ${isCi() ? 'CI=true, so failing' : 'skipping'} what needs a missing tool: ${reason}\n`,
  );
}
