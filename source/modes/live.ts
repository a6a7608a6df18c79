import type { Snapshot } from '../airflow/types.js';
import { announcePresence, describeSharing } from '../alerts/shared-dir.js';
import { createPollCycle } from '../collect/cycle.js';
import { createPoller } from '../collect/poller.js';
import type { LogFn } from '../log.js';
import type { Report } from '../report/types.js';
import { createNotifier, type Notifier } from '../sinks/notifier.js';
import type { AirtopStore } from '../state/store.js';
import type { ModeContext } from './context.js';
import { variableWriterFor } from '../fleet/variable-writer.js';

export interface Live {
  notifier: Notifier;
  poller: ReturnType<typeof createPoller>;
  stop(): Promise<void>;
}

/** What the TUI and the daemon share: the notifier (alerts, sinks, outbox) and the poller that feeds the store. */
export async function startLive(
  context: ModeContext,
  store: AirtopStore,
  hooks: {
    log: LogFn;
    role?: string;
    onReport?: (report: Report, snapshot: Snapshot) => void;
    onPollError?: (error: unknown, retryAt: Date) => void;
  },
): Promise<Live> {
  // With instances: in the config (the TUI's fleet wiring aside), this watches the first (or --context) one,
  // its alerts labelled and scoped as the fleet daemon's are, so both can share a state dir.
  const instance = context.fleet ? context.instances[0]?.name : undefined;
  const notifier = await createNotifier({
    config: context.config,
    stateDir: context.stateDir,
    variableWriter: instance === undefined ? variableWriterFor(context.source) : null,
    ...(instance !== undefined
      ? {
          instances: [
            {
              name: instance,
              url: context.source.url,
              variableWriter: context.config.readonly ? null : variableWriterFor(context.source),
            },
          ],
        }
      : {}),
    clock: context.clock,
    onStatus: (status) => store.getState().setSinkStatus(status),
    onDeadLetters: (letters) => store.getState().setDeadLetters(letters),
    log: hooks.log,
  });
  const cycle = createPollCycle({
    source: context.source,
    store,
    config: context.config,
    alerts: instance === undefined ? notifier : notifier.forInstance(instance),
    clock: context.clock,
    ...(instance !== undefined ? { instance } : {}),
    ...(hooks.onReport ? { onReport: hooks.onReport } : {}),
  });
  const poller = createPoller({
    intervalSeconds: context.config.interval,
    poll: cycle,
    onScheduled: (at) => store.getState().setNextPoll(at),
    onError: (error, at) => {
      store.getState().setNextPoll(at);
      hooks.onPollError?.(error, at);
    },
  });
  const presence = announcePresence(context.stateDir, hooks.role ?? 'tui');
  const sharing = describeSharing(context.stateDir, presence.others);
  if (sharing) hooks.log('warn', sharing, { scope: 'state' });
  poller.start();
  return {
    notifier,
    poller,
    async stop() {
      await poller.stop();
      await notifier.close();
      presence.leave();
    },
  };
}
