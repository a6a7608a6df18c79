import type { Silence } from '../alerts/types.js';
import type { AlertView, Report } from '../report/types.js';
import type { Snapshot } from '../airflow/types.js';
import type { AirtopState, AirtopStore } from '../state/store.js';
import type { DeadLetter, HistoryPoint, InstanceData, PollStatus, SinkStatus } from '../state/types.js';

// What the hub serves: the daemon's store, as a full state (for a client that just connected) and as
// updates carrying only the fields that changed (by reference: the store replaces what it changes).
// Bursts of store changes (a poll sets several fields) are coalesced into one update.

export const HUB_API_VERSION = 1;

/**
 * Fleet mode: one instance's own data (the top-level fields are the first instance's). Each console works
 * out for itself what its user may do, so `availability` is not served.
 */
export type HubInstance = Omit<InstanceData, 'availability'>;

/** What changed in one instance; fields absent did not. `point` is its newest history point (append it). */
export interface HubInstanceUpdate {
  name: string;
  url?: string | null;
  snapshot?: Snapshot | null;
  report?: Report | null;
  point?: HistoryPoint;
  poll?: PollStatus;
}

export interface HubState {
  api: typeof HUB_API_VERSION;
  /** Increases with every update; an update's seq is its state's. */
  seq: number;
  snapshot: Snapshot | null;
  report: Report | null;
  history: HistoryPoint[];
  alerts: AlertView[];
  silences: Silence[];
  poll: PollStatus;
  sinks: Record<string, SinkStatus>;
  deadLetters: DeadLetter[];
  /** Fleet mode: every instance, in the config's order (absent for one Airflow). */
  fleet?: HubInstance[];
}

/** Fields absent did not change. `point` is the newest history point (append it). */
export interface HubUpdate {
  seq: number;
  snapshot?: Snapshot | null;
  report?: Report | null;
  point?: HistoryPoint;
  alerts?: AlertView[];
  silences?: Silence[];
  poll?: PollStatus;
  sinks?: Record<string, SinkStatus>;
  deadLetters?: DeadLetter[];
  /** Fleet mode: the instances that changed. */
  instances?: HubInstanceUpdate[];
}

export interface HubFeed {
  full(): HubState;
  /** The full state as JSON, serialised once per seq however many clients connect. */
  fullJson(): string;
  readonly seq: number;
  stop(): void;
}

type Watched = Pick<AirtopState, 'snapshot' | 'report' | 'history' | 'poll' | 'sinks' | 'deadLetters'> & {
  alerts: AlertView[];
  fleet: InstanceData[] | null;
};

const served = ({ availability: _availability, ...data }: InstanceData): HubInstance => data;

/** The instances whose entry was replaced since `before`, with the fields that changed (by reference). */
export function instanceUpdates(before: readonly InstanceData[], now: readonly InstanceData[]): HubInstanceUpdate[] {
  const old = new Map(before.map((i) => [i.name, i]));
  const out: HubInstanceUpdate[] = [];
  for (const entry of now) {
    const was = old.get(entry.name);
    if (was === entry) continue;
    const update: HubInstanceUpdate = { name: entry.name };
    if (was?.url !== entry.url) update.url = entry.url;
    if (was?.snapshot !== entry.snapshot) update.snapshot = entry.snapshot;
    if (was?.report !== entry.report) update.report = entry.report;
    if (was?.poll !== entry.poll) update.poll = entry.poll;
    if (was?.history !== entry.history) {
      const point = entry.history[entry.history.length - 1];
      if (point) update.point = point;
    }
    if (Object.keys(update).length > 1) out.push(update);
  }
  return out;
}

export function createHubFeed(options: {
  store: AirtopStore;
  silences: () => Silence[];
  /** The alert states (acks, silences) as alerts.json has them, shown until the first poll makes a report. */
  alertsBeforeReport?: () => AlertView[];
  onUpdate: (update: HubUpdate, json: string) => void;
  coalesceMs?: number;
}): HubFeed {
  const { store } = options;
  // The report's alerts are the one alert list; before the first poll there is no report yet.
  const alertsOf = (s: AirtopState): AlertView[] => s.report?.alerts ?? options.alertsBeforeReport?.() ?? [];
  const pick = (s: AirtopState): Watched => ({
    snapshot: s.snapshot,
    report: s.report,
    history: s.history,
    alerts: alertsOf(s),
    poll: s.poll,
    sinks: s.sinks,
    deadLetters: s.deadLetters,
    fleet: s.fleet ?? null,
  });
  let sent = pick(store.getState());
  let seq = 1;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let cache: { seq: number; json: string } | null = null;

  const flush = () => {
    timer = null;
    const now = pick(store.getState());
    const update: HubUpdate = { seq: seq + 1 };
    if (now.snapshot !== sent.snapshot) update.snapshot = now.snapshot;
    if (now.report !== sent.report) update.report = now.report;
    if (now.history !== sent.history) {
      const point = now.history[now.history.length - 1];
      if (point) update.point = point;
    }
    if (now.alerts !== sent.alerts) {
      update.alerts = now.alerts;
      update.silences = options.silences();
    }
    if (now.poll !== sent.poll) update.poll = now.poll;
    if (now.sinks !== sent.sinks) update.sinks = now.sinks;
    if (now.deadLetters !== sent.deadLetters) update.deadLetters = now.deadLetters;
    if (now.fleet !== sent.fleet && now.fleet) {
      const changed = instanceUpdates(sent.fleet ?? [], now.fleet);
      if (changed.length > 0) update.instances = changed;
    }
    sent = now;
    if (Object.keys(update).length === 1) return;
    seq = update.seq;
    options.onUpdate(update, JSON.stringify(update));
  };

  const unsubscribe = store.subscribe(() => {
    timer ??= setTimeout(flush, options.coalesceMs ?? 20);
  });

  const full = (): HubState => {
    const s = store.getState();
    return {
      api: HUB_API_VERSION,
      seq,
      snapshot: s.snapshot,
      report: s.report,
      history: s.history,
      alerts: alertsOf(s),
      silences: options.silences(),
      poll: s.poll,
      sinks: s.sinks,
      deadLetters: s.deadLetters,
      ...(s.fleet ? { fleet: s.fleet.map(served) } : {}),
    };
  };

  return {
    full,
    fullJson() {
      // A pending flush would make the cached copy older than the store: send what the store holds now.
      if (cache?.seq === seq && timer === null) return cache.json;
      cache = { seq, json: JSON.stringify(full()) };
      return cache.json;
    },
    get seq() {
      return seq;
    },
    stop() {
      unsubscribe();
      if (timer) clearTimeout(timer);
    },
  };
}
