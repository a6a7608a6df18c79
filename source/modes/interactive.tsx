import { userInfo } from 'node:os';
import { createPollCycle } from '../collect/cycle.js';
import { createDrillController } from '../collect/drill.js';
import { createPoller } from '../collect/poller.js';
import { createNotifier } from '../sinks/notifier.js';
import { createAirtopStore } from '../state/store.js';
import type { Commands } from '../ui/commands.js';
import { runTui } from '../ui/run.js';
import type { ModeContext } from './main.js';
import { variableWriterFor } from './variable-writer.js';

/** The TUI: the poller fills the store, the drill controller fetches what the open view needs, Ink draws. */
export async function runInteractive(context: ModeContext): Promise<number> {
  const store = createAirtopStore({});
  store.getState().setSize(process.stdout.columns ?? 120, process.stdout.rows ?? 40);
  const notifier = await createNotifier({
    config: context.config,
    stateDir: context.stateDir,
    variableWriter: variableWriterFor(context.source),
    clock: context.clock,
    onStatus: (status) => store.getState().setSinkStatus(status),
    onDeadLetters: (letters) => store.getState().setDeadLetters(letters),
    // Sink and state-file problems show in the message line; routine notification events stay quiet.
    log: (level, msg) => {
      if (level !== 'info') store.getState().setUi({ message: { text: msg, level: 'error' } });
    },
  });
  let nextAt: Date | null = null;
  const cycle = createPollCycle({
    source: context.source,
    store,
    config: context.config,
    alerts: notifier,
    clock: context.clock,
    nextPollAt: () => nextAt,
  });
  const poller = createPoller({
    intervalSeconds: context.config.interval,
    poll: cycle,
    onScheduled: (at) => {
      nextAt = at;
      store.getState().setNextPoll(at);
    },
    onError: (_error, at) => {
      nextAt = at;
      store.getState().setNextPoll(at);
    },
  });
  const drill = createDrillController({ store, source: context.source });
  const who = userInfo().username;
  const refreshAlerts = () => store.getState().setAlerts(notifier.alerts.alerts());
  const commands: Commands = {
    refresh: () => void poller.refreshNow().catch(() => undefined),
    quit: () => undefined,
    ack: (fingerprint, note) => void notifier.ack(fingerprint, who, note).then(refreshAlerts),
    unack: (fingerprint) => void notifier.unack(fingerprint).then(refreshAlerts),
    silence: (fingerprint, seconds, comment) => void notifier.silence(fingerprint, seconds, comment, who).then(refreshAlerts),
  };
  poller.start();
  try {
    await runTui({ store, commands, readonly: context.config.readonly });
  } finally {
    drill.stop();
    await poller.stop();
    await notifier.close();
  }
  return 0;
}
