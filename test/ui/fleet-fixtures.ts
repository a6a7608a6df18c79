// A fleet for the TUI tests: three instances (prod healthy-ish, staging on another Airflow version, dev whose last
// poll failed) built from the one fixture Snapshot, each in its own store as fleet/live.ts runs them, mirrored
// into the TUI's store by ui/fleet-sync.ts. Every alert carries its instance label and its own fingerprint.
import type { Snapshot } from '../../source/airflow/types.js';
import type { AlertView } from '../../source/report/types.js';
import { type AirtopStore, createAirtopStore } from '../../source/state/store.js';
import { mirrorFleet, type MirroredMember } from '../../source/ui/fleet-sync.js';
import { derivedReport } from '../helpers/report.js';
import { buildAlerts, buildHistory, buildSnapshot, NOW, SINKS } from './fixtures.js';

export interface InstanceFixture {
  name: string;
  version?: string;
  /** The last poll failed with this error (the data is kept, and stale). */
  error?: string;
  /** DAGs only this instance has. */
  ownDags?: string[];
  extraDags?: number;
}

export const FLEET: InstanceFixture[] = [
  { name: 'prod', version: '3.0.2' },
  { name: 'staging', version: '2.11.0', ownDags: ['staging_only_dag'] },
  { name: 'dev', version: '3.1.0', error: 'connect ECONNREFUSED 127.0.0.1:8082' },
];

export function instanceSnapshot(fixture: InstanceFixture, index: number): Snapshot {
  const base = buildSnapshot(fixture.extraDags === undefined ? {} : { extraDags: fixture.extraDags });
  const own = (fixture.ownDags ?? []).map((dagId) => ({ dagId, isPaused: false, tags: [], owners: [] }));
  return {
    ...base,
    airflow: { url: `http://127.0.0.1:${8080 + index}`, version: fixture.version ?? '3.0.2', api: 'v2' },
    dags: [...base.dags, ...own],
  };
}

/** The fixture alerts of one instance: labelled with it, fingerprints its own. */
export function instanceAlerts(name: string): AlertView[] {
  return buildAlerts().map((a) => ({
    ...a,
    fingerprint: `${name}-${a.fingerprint}`,
    labels: { ...a.labels, instance: name },
  }));
}

export function buildMember(fixture: InstanceFixture, index: number): MirroredMember {
  const snapshot = instanceSnapshot(fixture, index);
  const report = derivedReport(snapshot, { alerts: instanceAlerts(fixture.name) });
  const store = createAirtopStore({
    snapshot,
    report,
    history: buildHistory(),
    poll: {
      state: fixture.error ? 'error' : 'ok',
      lastAttemptAt: NOW.toISOString(),
      lastSuccessAt: NOW.toISOString(),
      nextPollAt: new Date(NOW.getTime() + 300_000).toISOString(),
      error: fixture.error ?? null,
      consecutiveFailures: fixture.error ? 2 : 0,
      failuresTotal: fixture.error ? 2 : 0,
    },
  });
  return { name: fixture.name, store, url: snapshot.airflow.url };
}

/** The TUI's store over a fleet of member stores, mirrored as the interactive mode mirrors them. */
export function buildFleetStore(
  fixtures: InstanceFixture[] = FLEET,
  size: { columns?: number; rows?: number } = {},
): { store: AirtopStore; members: MirroredMember[]; stop: () => void } {
  const store = createAirtopStore({ sinks: Object.fromEntries(SINKS.map((s) => [s.name, s])) });
  store.getState().setSize(size.columns ?? 120, size.rows ?? 40);
  const members = fixtures.map(buildMember);
  const stop = mirrorFleet(store, members);
  return { store, members, stop };
}
