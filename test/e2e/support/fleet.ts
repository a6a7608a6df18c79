// What the fleet test needs beyond one Airflow: which second Airflow it can start without building a venv,
// whether this airtop knows `instances:` at all, /metrics series by label, and the exit-code order of a fleet.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AirflowMajor } from '../airflow/harness.js';
import { cliEnv } from './cli.js';
import { cliPath, HARNESS_DIR, scratchDir } from './context.js';

/**
 * The venv venv.sh would use for `major`, when it is already built (its ready marker exists); null otherwise.
 * Mirrors venv.sh's naming (`airflow[2]-venv-<sha256(lock):16>` under ${XDG_CACHE_HOME:-~/.cache}/airtop) without
 * running it, since venv.sh builds a missing venv, which takes minutes.
 */
export function cachedVenv(major: AirflowMajor): string | null {
  const lock = join(HARNESS_DIR, major === 2 ? 'requirements-2.lock' : 'requirements.lock');
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex').slice(0, 16);
  const cache = join(process.env.XDG_CACHE_HOME || join(process.env.HOME || homedir(), '.cache'), 'airtop');
  const venv = join(cache, `airflow${major === 2 ? '2' : ''}-venv-${hash}`);
  return existsSync(join(venv, '.airtop-ready')) ? venv : null;
}

/** The other major version when its venv is cached (a 2-and-3 fleet), else the suite's own version again. */
export function secondMajor(suite: AirflowMajor): { major: AirflowMajor; why: string } {
  const other: AirflowMajor = suite === 3 ? 2 : 3;
  return cachedVenv(other)
    ? { major: other, why: `Airflow ${other}'s venv is cached` }
    : { major: suite, why: `Airflow ${other}'s venv is not built (venv.sh ${other}), so a second Airflow ${suite}` };
}

/**
 * Whether the built airtop accepts a config with `instances:`. Asked of the CLI itself, with one instance on a
 * port nothing listens on: a CLI without fleet support refuses the key ("unknown key instances"); null when
 * it knows the key, else the CLI's refusal.
 */
export function fleetUnsupported(): string | null {
  const config = join(scratchDir('fleet-probe'), 'config.yaml');
  writeFileSync(config, 'instances:\n  - name: probe\n    airflow: { url: "http://127.0.0.1:9" }\n');
  const result = spawnSync(process.execPath, [cliPath(), '--once', '--json', '--config', config], {
    env: cliEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  const said = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  const refusal = /unknown key instances/.exec(said);
  return refusal ? refusal[0] : null;
}

/** Every sample of one /metrics series: its labels and value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export function samples(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1]!] = pair[2]!;
    out.push({ labels, value: Number(match[3]) });
  }
  return out;
}

/** `name{instance="…"}`'s value per instance (series without the label are left out). */
export async function perInstance(metricsUrl: string, name: string): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  return Object.fromEntries(
    samples(text, name)
      .filter((s) => s.labels.instance !== undefined)
      .map((s) => [s.labels.instance!, s.value]),
  );
}

/** ok(0) < warning(1) < unknown(3) < critical(2): the fleet exits with its worst instance's code. */
const RANK: Record<number, number> = { 0: 0, 1: 1, 3: 2, 2: 3 };

export function worstExitCode(codes: number[]): number {
  return codes.reduce((worst, code) => ((RANK[code] ?? 4) > (RANK[worst] ?? 4) ? code : worst), 0);
}
