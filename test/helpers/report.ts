// The one report fixture: a Snapshot run through the engines' own deriveReport at the shared NOW, so every number
// a test reads from a fixture report is what airtop computes for that Snapshot and cannot drift from it.
import type { Snapshot } from '../../source/airflow/types.js';
import type { Config } from '../../source/config/schema.js';
import { deriveReport, type EngineInput } from '../../source/engines/index.js';
import type { AlertCandidate, AlertView, Report } from '../../source/report/types.js';
import { config as parseConfig, NOW } from './snapshot.js';

export interface DeriveOptions {
  config?: Config;
  now?: Date;
  stale?: EngineInput['stale'];
  /** The alert lifecycle's view; deriveReport leaves `alerts` empty because the lifecycle fills it. */
  alerts?: AlertView[];
}

export interface DerivedFixture {
  report: Report;
  candidates: AlertCandidate[];
}

export function deriveFixture(snapshot: Snapshot, options: DeriveOptions = {}): DerivedFixture {
  const now = options.now ?? NOW;
  const stale = options.stale ?? { stale: false, reason: null, lastSuccess: now.toISOString() };
  const { report, candidates } = deriveReport({ snapshot, config: options.config ?? parseConfig(), now, stale });
  return { report: { ...report, alerts: options.alerts ?? [] }, candidates };
}

/** The report deriveReport computes for `snapshot` (see deriveFixture). */
export function derivedReport(snapshot: Snapshot, options: DeriveOptions = {}): Report {
  return deriveFixture(snapshot, options).report;
}
