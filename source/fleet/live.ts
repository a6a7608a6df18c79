import type { Snapshot } from '../airflow/types.js';
import { announcePresence, describeSharing } from '../alerts/shared-dir.js';
import { createPollCycle, type AlertStage } from '../collect/cycle.js';
import { createPoller, type PollerClock } from '../collect/poller.js';
import type { LogFn } from '../log.js';
import { variableWriterFor } from './variable-writer.js';
import type { Report } from '../report/types.js';
import { createNotifier, type NotifierOptions } from '../sinks/notifier.js';
import { createAirtopStore, type AirtopStore } from '../state/store.js';
import type { FleetContext, FleetLive, FleetMember, InstanceContext } from './types.js';

// Several Airflows, one airtop (README "Fleet"): each member has its own store, poll cycle and poller, so a
// slow or unreachable instance delays no other; one notifier holds every instance's alerts and one outbox.
// A flat config is a fleet of one whose alerts keep today's labels (no `instance`).

export interface FleetHooks {
  log: LogFn;
  /** The presence file's role (tui, headless). */
  role?: string;
  onReport?: (member: FleetMember, report: Report, snapshot: Snapshot) => void;
  onPollError?: (member: FleetMember, error: unknown, retryAt: Date) => void;
  /** The store of each member (the TUI may make its own); default a fresh one. */
  createStore?: (instance: InstanceContext) => AirtopStore;
  /** The pollers' clock (the bench simulates a day). */
  pollerClock?: PollerClock;
  /** Passed to the notifier (tests and the bench: timers, sinks, env). */
  notifier?: Pick<NotifierOptions, 'timers' | 'sinks' | 'env' | 'closeTimeoutMs' | 'random'>;
  /** false: create the pollers but do not start them (tests drive refreshNow). Default true. */
  start?: boolean;
}

/** Fleet polls start together, then spread: instance i a few seconds after i-1, over at most half an interval. */
export function phaseOf(index: number, count: number, intervalSeconds: number): number {
  if (count <= 1) return 0;
  const spreadMs = Math.min(intervalSeconds * 500, count * 5000);
  return Math.round((index * spreadMs) / count);
}

/** What startFleetLive returns: a FleetLive with its optional helpers present. */
export type StartedFleet = FleetLive & Required<Pick<FleetLive, 'member' | 'refreshAll'>>;

export async function startFleetLive(context: FleetContext, hooks: FleetHooks): Promise<StartedFleet> {
  const instances = context.instances;
  if (instances.length === 0) throw new Error('a fleet needs at least one instance');
  const stores = instances.map((i) => hooks.createStore?.(i) ?? createAirtopStore());
  const notifier = await createNotifier({
    config: context.config,
    stateDir: context.stateDir,
    variableWriter: context.fleet ? null : variableWriterFor(instances[0]!.source),
    clock: context.clock,
    onStatus: (status) => stores.forEach((s) => s.getState().setSinkStatus(status)),
    onDeadLetters: (letters) => stores.forEach((s) => s.getState().setDeadLetters(letters)),
    log: hooks.log,
    ...(context.fleet
      ? {
          instances: instances.map((i) => ({
            name: i.name,
            url: i.source.url,
            variableWriter: i.config.readonly ? null : variableWriterFor(i.source),
          })),
        }
      : {}),
    ...hooks.notifier,
  });
  const members: FleetMember[] = instances.map((instance, index) => {
    const store = stores[index]!;
    const stage: AlertStage = context.fleet ? notifier.forInstance(instance.name) : notifier;
    // Filled in below: the cycle's hooks need the member, the member needs the poller.
    const member = { ...instance, store } as FleetMember;
    const cycle = createPollCycle({
      source: instance.source,
      store,
      config: instance.config,
      alerts: stage,
      clock: context.clock,
      ...(context.fleet ? { instance: instance.name } : {}),
      ...(hooks.onReport ? { onReport: (report, snapshot) => hooks.onReport!(member, report, snapshot) } : {}),
    });
    member.poller = createPoller({
      intervalSeconds: instance.config.interval,
      phaseMs: phaseOf(index, instances.length, instance.config.interval),
      poll: cycle,
      onScheduled: (at) => store.getState().setNextPoll(at),
      onError: (error, at) => {
        store.getState().setNextPoll(at);
        hooks.onPollError?.(member, error, at);
      },
      ...(hooks.pollerClock ? { clock: hooks.pollerClock } : {}),
    });
    return member;
  });
  const presence = announcePresence(context.stateDir, hooks.role ?? 'tui');
  const sharing = describeSharing(context.stateDir, presence.others);
  if (sharing) hooks.log('warn', sharing, { scope: 'state' });
  if (hooks.start !== false) for (const member of members) member.poller.start();
  const byName = new Map(members.map((m) => [m.name, m]));
  return {
    members,
    notifier,
    member: (name) => byName.get(name),
    async refreshAll() {
      await Promise.all(members.map((m) => m.poller.refreshNow()));
    },
    async stop() {
      await Promise.all(members.map((m) => m.poller.stop()));
      await notifier.close();
      presence.leave();
    },
  };
}
