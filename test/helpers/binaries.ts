import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// The Debian Prometheus tools some integration tests run for real. They are found on PATH (not at a fixed
// path) and must be executable files. Without them a developer's `npm test` skips those tests and says how
// to install them; under CI=true a missing tool fails the run, so CI never passes by skipping.

/** Each tool and the Debian package that ships it. */
export const DEBIAN_BINARIES = {
  'prometheus-pushgateway': 'prometheus-pushgateway',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  amtool: 'prometheus-alertmanager',
  promtool: 'prometheus',
} as const;

export type DebianBinary = keyof typeof DEBIAN_BINARIES;

/** The first executable file called `name` in the directories of `pathEnv`, or undefined. */
export function findOnPath(name: string, pathEnv: string | undefined = process.env.PATH): string | undefined {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Absent or not executable here; keep looking further along PATH.
    }
  }
  return undefined;
}

/** The one line that names what is missing and how to install it. */
export function missingMessage(missing: readonly DebianBinary[]): string {
  const packages = [...new Set(missing.map((name) => DEBIAN_BINARIES[name]))];
  return `${missing.join(', ')} not found on PATH as executable; install with: apt-get install ${packages.join(' ')}`;
}

/** CI=true (or any value but empty, 0 or false), as CI services set it. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * The skip reason when any of `names` is missing, or false when all are there (pass it to `describe.skipIf`).
 * Under CI=true a missing tool throws instead, failing the test file.
 */
export function missingBinaries(names: readonly DebianBinary[], env: NodeJS.ProcessEnv = process.env): string | false {
  const missing = names.filter((name) => findOnPath(name, env.PATH) === undefined);
  if (missing.length === 0) return false;
  const message = missingMessage(missing);
  if (isCi(env)) throw new Error(`CI=true and ${message}`);
  return message;
}

/** The path of `name` on PATH; throws with the install hint when it is not there. */
export function binaryPath(name: DebianBinary): string {
  const found = findOnPath(name);
  if (found === undefined) throw new Error(missingMessage([name]));
  return found;
}
