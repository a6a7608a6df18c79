import type { AlertView } from '../report/types.js';
import { HISTORY_CAPACITY, type AirtopStore } from '../state/store.js';
import { appendBounded } from '../state/ring.js';
import type { InstanceData, PollStatus } from '../state/types.js';
import type { Commands } from '../ui/commands.js';
import { withInstance } from '../ui/fleet-sync.js';
import {
  answerReason,
  hubRequest,
  openHubStream,
  type HubEndpoint,
  type HubStream,
  type StreamOptions,
} from './client.js';
import type { HubInstance, HubInstanceUpdate, HubState, HubUpdate } from './feed.js';
import { createActionQueue, type ActionQueue, type NewAction, type QueuedAction, type SendOutcome } from './queue.js';

// An attached TUI: the hub's state lands in the same store the panes read, so panes, keys and drill-down
// work as they do when polling. Nothing here talks to Airflow. Acks and silences go through an on-disk
// queue to the hub; while the hub is unreachable the header says STALE with the reason and the last state stays.

export interface AttachOptions {
  endpoint: HubEndpoint;
  store: AirtopStore;
  /** Where the queue of unsent actions lives (the TUI's state dir). */
  stateDir: string;
  /** Recorded as who acked or silenced. */
  user: string;
  stream?: StreamOptions;
  /** How often queued actions are retried while they wait (default 5 s). */
  retryEveryMs?: number;
}

export interface AttachSession {
  commands: Commands;
  queue: ActionQueue;
  readonly connected: boolean;
  stop(): void;
}

/** 5xx, 429 and timeouts are worth retrying; other refusals are final and said as they are. */
function outcomeOf(status: number, reason: string): SendOutcome {
  if (status >= 200 && status < 300) return { status: 'done' };
  if (status === 429 || status === 408 || status >= 500) return { status: 'retry', reason };
  return { status: 'refused', reason };
}

const VERB: Record<QueuedAction['kind'], string> = { ack: 'ack', unack: 'un-ack', silence: 'silence' };

export function startAttachSession(options: AttachOptions): AttachSession {
  const { store, endpoint } = options;
  let hubPoll: PollStatus | null = null;
  let lostReason: string | null = null;
  let lostAt: Date | null = null;
  let stream: HubStream | null = null;
  const say = (text: string, level: 'info' | 'error') => store.getState().setUi({ message: { text, level } });

  /** The hub's own poll statuses (its first instance's, and in a fleet each instance's), as it sent them. */
  const hubPolls = new Map<string, PollStatus>();
  /** A poll status marked stale while the hub is unreachable, with why; as it is otherwise. */
  const lost = (poll: PollStatus): PollStatus => {
    if (!lostReason) return poll;
    const since = lostAt ? ` since ${lostAt.toISOString().slice(11, 19)}Z` : '';
    return {
      ...poll,
      state: 'error',
      error: `hub ${endpoint.url} unreachable${since}: ${lostReason}; showing its last state`,
    };
  };

  /** Fleet: the hub's alert list (every instance's, each labelled) in each instance's report. */
  let hubAlerts: AlertView[] | null = null;
  /** Fleet: puts these instances' data in the store in one change (the hub's poll status, marked while it is lost). */
  const putInstances = (entries: readonly InstanceData[]) => {
    if (entries.length === 0) return;
    store.setState((st) => {
      let next = st;
      for (const entry of entries) {
        const poll = lost(hubPolls.get(entry.name) ?? entry.poll);
        const report = hubAlerts && entry.report ? { ...entry.report, alerts: hubAlerts } : entry.report;
        next = { ...next, ...withInstance(next, { ...entry, poll, report }) };
      }
      return next;
    });
  };

  /** The hub's own poll status, or, while the hub is unreachable, that status marked stale with why. */
  const showPoll = () => {
    const fleet = store.getState().fleet;
    // Fleet: every instance's cell goes STALE with the hub; the header's poll is the current instance's.
    if (fleet) return putInstances(fleet);
    store.setState({ poll: lost(hubPoll ?? store.getState().poll) });
  };

  const onFleet = (fleet: HubInstance[]) => {
    const known = new Map((store.getState().fleet ?? []).map((e) => [e.name, e]));
    for (const entry of fleet) hubPolls.set(entry.name, entry.poll);
    // A hub that just restarted has not polled yet: keep each instance's data until its first poll.
    putInstances(
      fleet.map((entry) => {
        const had = known.get(entry.name);
        return entry.report === null && had?.report
          ? { ...entry, snapshot: had.snapshot, report: had.report, history: had.history }
          : entry;
      }),
    );
  };
  const onInstanceUpdates = (updates: HubInstanceUpdate[]) => {
    const known = new Map((store.getState().fleet ?? []).map((e) => [e.name, e]));
    const changed: InstanceData[] = [];
    for (const u of updates) {
      const was = known.get(u.name);
      if (!was) continue;
      if (u.poll) hubPolls.set(u.name, u.poll);
      changed.push({
        ...was,
        ...(u.url !== undefined ? { url: u.url } : {}),
        ...(u.snapshot !== undefined ? { snapshot: u.snapshot } : {}),
        ...(u.report !== undefined ? { report: u.report } : {}),
        ...(u.point ? { history: appendBounded(was.history, u.point, HISTORY_CAPACITY) } : {}),
      });
    }
    putInstances(changed);
  };

  const onState = (state: HubState) => {
    hubPoll = state.poll;
    if (state.fleet && state.fleet.length > 0) {
      store.setState({ sinks: state.sinks, deadLetters: state.deadLetters });
      hubAlerts = state.alerts;
      onFleet(state.fleet);
      return;
    }
    // A hub that just restarted has not polled yet: keep showing the data we had until its first poll.
    const keep = state.report === null && store.getState().report !== null;
    store.setState({
      ...(keep ? {} : { snapshot: state.snapshot, report: state.report, history: state.history }),
      sinks: state.sinks,
      deadLetters: state.deadLetters,
    });
    // The report's alerts are the one alert list; the hub sends the live alert states beside its report.
    store.getState().setAlerts(state.alerts);
    showPoll();
  };

  const onUpdate = (update: HubUpdate) => {
    const s = store.getState();
    const patch: Partial<typeof s> = {};
    if (update.sinks) patch.sinks = update.sinks;
    if (update.deadLetters) patch.deadLetters = update.deadLetters;
    if (s.fleet) {
      // Fleet: the instances' own data is in `instances`; the top level is the current instance's.
      store.setState(patch);
      if (update.poll) hubPoll = update.poll;
      if (update.instances) onInstanceUpdates(update.instances);
      // New alert states (an ack, another instance's poll) go into every instance's report.
      if (update.alerts) {
        hubAlerts = update.alerts;
        putInstances(store.getState().fleet ?? []);
      }
      return;
    }
    if (update.snapshot !== undefined) patch.snapshot = update.snapshot;
    if (update.report !== undefined) patch.report = update.report;
    if (update.point) patch.history = appendBounded(s.history, update.point, HISTORY_CAPACITY);
    store.setState(patch);
    if (update.alerts) store.getState().setAlerts(update.alerts);
    if (update.poll) {
      hubPoll = update.poll;
      showPoll();
    }
  };

  const path = (a: QueuedAction) => `/api/v1/alerts/${encodeURIComponent(a.fingerprint)}/${a.kind}`;
  const body = (a: QueuedAction) =>
    a.kind === 'ack'
      ? { id: a.id, by: a.by, note: a.note }
      : a.kind === 'silence'
        ? { id: a.id, by: a.by, duration_seconds: a.durationSeconds, comment: a.comment }
        : { id: a.id, by: a.by };

  const queue = createActionQueue({
    stateDir: options.stateDir,
    hub: endpoint.url,
    async send(action) {
      const answer = await hubRequest(endpoint, 'POST', path(action), body(action));
      return outcomeOf(answer.status, answerReason(answer));
    },
    onOutcome(action, outcome) {
      if (outcome.status === 'refused')
        say(`hub refused the ${VERB[action.kind]} of ${action.name}: ${outcome.reason}`, 'error');
      else if (outcome.status === 'retry')
        say(
          `${VERB[action.kind]} of ${action.name} queued (${queue.size} waiting): ${outcome.reason}; sent when the hub is back`,
          'error',
        );
      else if (action.kind === 'unack') say(`un-acked ${action.name} on the hub`, 'info');
    },
    onProblem: (message) => say(message, 'error'),
  });

  stream = openHubStream(
    endpoint,
    {
      onState,
      onUpdate,
      onConnection(connected, reason) {
        if (connected) {
          const waiting = queue.size;
          lostReason = null;
          lostAt = null;
          showPoll();
          say(`attached to hub ${endpoint.url}${waiting > 0 ? `; sending ${waiting} queued action(s)` : ''}`, 'info');
          if (waiting > 0) void queue.flush();
          return;
        }
        lostAt ??= new Date();
        lostReason = reason ?? 'disconnected';
        showPoll();
      },
    },
    options.stream,
  );

  // Queued actions are retried on their own too: the stream may be up while a POST failed (e.g. 503).
  const retry = setInterval(() => {
    if (queue.size > 0 && stream?.connected) void queue.flush();
  }, options.retryEveryMs ?? 5000);
  retry.unref();

  const act = (action: NewAction) => {
    queue.add(action);
    void queue.flush();
  };
  const nameOf = (fingerprint: string) =>
    (hubAlerts ?? store.getState().report?.alerts ?? []).find((a) => a.fingerprint === fingerprint)?.labels.alertname ??
    fingerprint;
  const commands: Commands = {
    // The hub polls Airflow for everyone; refresh fetches its state again instead of adding a poll.
    refresh: () => stream?.reconnect(),
    quit: () => undefined,
    ack: (fingerprint, note) => act({ kind: 'ack', fingerprint, name: nameOf(fingerprint), note, by: options.user }),
    unack: (fingerprint) => act({ kind: 'unack', fingerprint, name: nameOf(fingerprint), by: options.user }),
    silence: (fingerprint, durationSeconds, comment) =>
      act({ kind: 'silence', fingerprint, name: nameOf(fingerprint), durationSeconds, comment, by: options.user }),
  };

  // Actions left queued by an earlier run go out as soon as the hub answers.
  if (queue.size > 0) say(`${queue.size} action(s) from an earlier session wait for the hub`, 'info');

  return {
    commands,
    queue,
    get connected() {
      return stream?.connected ?? false;
    },
    stop() {
      clearInterval(retry);
      stream?.stop();
    },
  };
}
