import { userInfo } from 'node:os';
import { createDrillController } from '../collect/drill.js';
import { startFleetLive } from '../fleet/live.js';
import { mirrorFleet, withAvailability } from '../ui/fleet-sync.js';
import { createAirtopStore, topView, type AirtopStore } from '../state/store.js';
import type { LogFn } from '../log.js';
import type { Notifier } from '../sinks/notifier.js';
import type { ActionCommands, Commands } from '../ui/commands.js';
import { runTui } from '../ui/run.js';
import { createActionRunner, type ActionRunner } from './action-runner.js';
import { startLive } from './live.js';
import { redactSecrets } from '../text/redact.js';
import { sanitizeText } from '../text/sanitize.js';
import type { ModeContext } from './context.js';

/** Sink and state-file problems show in the message line; routine notification events stay quiet. */
function messageLineLog(store: AirtopStore): LogFn {
  return (level, msg) => {
    if (level !== 'info')
      store.getState().setUi({ message: { text: redactSecrets(sanitizeText(msg)), level: 'error' } });
  };
}

/** Ack, un-ack and silence through the one notifier as `who`; the alert list is refreshed after each. */
function alertCommands(
  notifier: Notifier,
  who: string,
  refreshAlerts: (result: { ok: true } | { ok: false; error: string }) => void,
): Pick<Commands, 'ack' | 'unack' | 'silence'> {
  return {
    ack: (fingerprint, note) => void notifier.ack(fingerprint, who, note).then(refreshAlerts),
    unack: (fingerprint) => void notifier.unack(fingerprint).then(refreshAlerts),
    silence: (fingerprint, seconds, comment) =>
      void notifier.silence(fingerprint, seconds, comment, who).then(refreshAlerts),
  };
}

/** The TUI: the poller fills the store, the drill controller fetches what the open view needs, Ink draws. */
export async function runInteractive(context: ModeContext): Promise<number> {
  if (context.fleet) return runFleetInteractive(context);
  const store = createAirtopStore({});
  store.getState().setSize(process.stdout.columns ?? 120, process.stdout.rows ?? 40);
  const live = await startLive(context, store, { log: messageLineLog(store) });
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
    ...alertCommands(notifier, who, refreshAlerts),
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

/**
 * The TUI over a fleet (README "Fleet in the TUI"): each instance polls into its own store, mirrored into the
 * TUI's; the drill controller fetches from the instance a view belongs to; actions go to the instance of their
 * object with that instance's config and role; ack and silence go by fingerprint through the one notifier.
 */
async function runFleetInteractive(context: ModeContext): Promise<number> {
  const store = createAirtopStore({});
  store.getState().setSize(process.stdout.columns ?? 120, process.stdout.rows ?? 40);
  const live = await startFleetLive(context, { log: messageLineLog(store) });
  const stopMirror = mirrorFleet(
    store,
    live.members.map((m) => ({ name: m.name, store: m.store, url: m.config.airflow.url ?? m.source.url })),
  );
  const drill = createDrillController({
    store,
    source: context.source,
    sourceFor: (name) => live.member(name)?.source,
  });
  const who = userInfo().username;
  const { notifier } = live;
  // The notifier holds every instance's alerts; each member's report keeps its own.
  const refreshAlerts = (result: { ok: true } | { ok: false; error: string }) => {
    const all = notifier.alerts.alerts();
    for (const m of live.members)
      m.store.getState().setAlerts(all.filter((a) => (a.labels['instance'] ?? m.name) === m.name));
    if (!result.ok) store.getState().setUi({ message: { text: result.error, level: 'error' } });
  };
  const runners = new Map<string, ActionRunner>();
  for (const m of live.members) {
    // One instance that cannot act (no REST URL to act with, a source that would not open) keeps its keys off;
    // the others act.
    const runner = await createActionRunner({
      store,
      instance: m.name,
      config: m.config,
      source: m.source,
      stateDir: context.stateDir,
      osUser: who,
      clock: context.clock,
      refresh: () => m.poller.refreshNow(),
      ack: async (fingerprint, note) => refreshAlerts(await notifier.ack(fingerprint, who, note)),
    }).catch((error: unknown) => {
      const reason = `actions on ${m.name} are off: ${error instanceof Error ? error.message : String(error)}`;
      store.setState((s) => withAvailability(s, m.name, { allowed: false, role: null, reason }));
      return null;
    });
    if (runner) runners.set(m.name, runner);
  }
  const runnerOf = (instance: string | undefined): ActionRunner | undefined => {
    const runner = instance === undefined ? undefined : runners.get(instance);
    if (!runner)
      store.getState().setUi({ message: { text: `no instance ${instance ?? '(none)'} to act on`, level: 'error' } });
    return runner;
  };
  const actions: ActionCommands = {
    preview: (request, seq, instance) => runnerOf(instance)?.commands.preview(request, seq),
    apply: (call) => runnerOf(call.instance)?.commands.apply(call),
  };
  const commands: Commands = {
    actions,
    // `r` polls the instance the panes (or the open view) show, or every instance in the all view.
    refresh: () => {
      const state = store.getState();
      const top = topView(state);
      const picked = state.ui.instance ?? (top.kind !== 'main' ? top.instance : undefined);
      const member = picked ? live.member(picked) : undefined;
      void (member ? member.poller.refreshNow() : live.refreshAll());
    },
    quit: () => undefined,
    ...alertCommands(notifier, who, refreshAlerts),
  };
  try {
    await runTui({ store, commands, readonly: context.config.readonly });
  } finally {
    drill.stop();
    stopMirror();
    for (const runner of runners.values()) await runner.close();
    await live.stop();
  }
  return 0;
}
