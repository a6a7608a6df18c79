import type { Silence } from '../alerts/types.js';
import type { AlertView, Report } from '../report/types.js';
import type { Snapshot } from '../airflow/types.js';
import type { AirtopState, AirtopStore } from '../state/store.js';
import type { DeadLetter, HistoryPoint, PollStatus, SinkStatus } from '../state/types.js';

// What the hub serves: the daemon's store, as a full state (for a client that just connected) and as
// updates carrying only the fields that changed (by reference: the store replaces what it changes).
// Bursts of store changes (a poll sets several fields) are coalesced into one update.

export const HUB_API_VERSION = 1;

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
};

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
