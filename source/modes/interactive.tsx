import { userInfo } from 'node:os';
import { createDrillController } from '../collect/drill.js';
import { createAirtopStore } from '../state/store.js';
import type { Commands } from '../ui/commands.js';
import { runTui } from '../ui/run.js';
import { createActionRunner } from './action-runner.js';
import { startLive } from './live.js';
import { redactSecrets } from '../text/redact.js';
import { sanitizeText } from '../text/sanitize.js';
import type { ModeContext } from './context.js';

/** The TUI: the poller fills the store, the drill controller fetches what the open view needs, Ink draws. */
export async function runInteractive(context: ModeContext): Promise<number> {
  const store = createAirtopStore({});
  store.getState().setSize(process.stdout.columns ?? 120, process.stdout.rows ?? 40);
  const live = await startLive(context, store, {
    // Sink and state-file problems show in the message line; routine notification events stay quiet.
    log: (level, msg) => {
      if (level !== 'info')
        store.getState().setUi({ message: { text: redactSecrets(sanitizeText(msg)), level: 'error' } });
    },
  });
  const { notifier, poller } = live;
  const drill = createDrillController({ store, source: context.source });
  const who = userInfo().username;
  // The alert list changes at once; a refused action (unknown alert, state dir not writable) says why.
  const refreshAlerts = (result: { ok: true } | { ok: false; error: string }) => {
    store.getState().setAlerts(notifier.alerts.alerts());
    if (!result.ok) store.getState().setUi({ message: { text: result.error, level: 'error' } });
  };
  const actions = await createActionRunner({
    store,
    config: context.config,
    source: context.source,
    stateDir: context.stateDir,
    osUser: who,
    clock: context.clock,
    refresh: () => poller.refreshNow(),
    ack: async (fingerprint, note) => refreshAlerts(await notifier.ack(fingerprint, who, note)),
  });
  const commands: Commands = {
    actions: actions.commands,
    refresh: () => void poller.refreshNow(),
    quit: () => undefined,
    ack: (fingerprint, note) => void notifier.ack(fingerprint, who, note).then(refreshAlerts),
    unack: (fingerprint) => void notifier.unack(fingerprint).then(refreshAlerts),
    silence: (fingerprint, seconds, comment) =>
      void notifier.silence(fingerprint, seconds, comment, who).then(refreshAlerts),
  };
  try {
    await runTui({ store, commands, readonly: context.config.readonly });
  } finally {
    drill.stop();
    await actions.close();
    await live.stop();
  }
  return 0;
}
