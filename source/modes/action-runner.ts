import { appendAudit, readRecentAudit } from '../actions/audit-log.js';
import { actionLabels, doneText, targetText, terminalSafe, verbText } from '../actions/describe.js';
import type { ActionAvailability, ActionRequest, AuditRecord, PreviewItem } from '../actions/types.js';
import { restOptions } from '../airflow/connect.js';
import { createActionClient, type ActionClient } from '../airflow/rest/actions.js';
import { createRestSource, type RestSource } from '../airflow/rest/index.js';
import type { AirflowSource } from '../airflow/types.js';
import type { Config } from '../config/schema.js';
import type { AirtopData } from '../state/types.js';
import type { AirtopStore } from '../state/store.js';
import type { ActionCommands } from '../ui/commands.js';
import { withAvailability } from '../ui/fleet-sync.js';

// Carries out the TUI's actions: Airflow's dry run into the open dialog, then the one real request, the audit
// record, the ack and a refresh of what is on screen. Also learns, without changing anything, whether this
// user may act at all, so the keys can be greyed with the reason before anyone presses them.

export interface ActionRunnerOptions {
  store: AirtopStore;
  config: Config;
  source: AirflowSource;
  stateDir: string;
  osUser: string;
  clock: () => Date;
  /** Poll now (the poller owns the schedule; the drill view reloads after every poll). */
  refresh: () => Promise<void>;
  ack: (fingerprint: string, note: string) => Promise<void>;
  /**
   * A fleet: the instance this runner acts on (config and source are that instance's). Its availability goes to
   * the instance's entry in the store, and it probes with that instance's DAGs.
   */
  instance?: string;
}

export interface ActionRunner {
  commands: ActionCommands;
  close(): Promise<void>;
}

type RestLike = RestSource;

/** The second refresh after an action, to show the change moving (queued → running → done). */
const FOLLOW_UP_MS = 4000;

function isRest(source: AirflowSource): source is RestLike {
  const s = source as Partial<RestLike>;
  return typeof s.request === 'function' && typeof s.detect === 'function' && typeof s.tokenClaims === 'function';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function createActionRunner(opts: ActionRunnerOptions): Promise<ActionRunner> {
  const { store, config, instance } = opts;
  const set = (availability: ActionAvailability) =>
    store.setState((s) =>
      instance === undefined
        ? { actions: { availability, recent: s.actions?.recent ?? [] } }
        : withAvailability(s, instance, availability),
    );
  // This runner's instance's data: the fleet entry, or the store's own for a single instance.
  const own = (s: AirtopData) => (instance === undefined ? s : (s.fleet?.find((i) => i.name === instance) ?? null));
  set({ allowed: null, reason: null, role: null });
  void readRecentAudit(opts.stateDir, 20).then((recent) =>
    store.setState((s) => ({
      actions: { availability: s.actions?.availability ?? { allowed: null, reason: null, role: null }, recent },
    })),
  );

  // --source sql reads the DB but acts only through the REST URL; without one there is nothing to act with.
  let rest: RestLike | null = null;
  let owned = false;
  if (config.readonly) set({ allowed: false, role: null, reason: 'read-only mode (--readonly)' });
  else if (isRest(opts.source)) rest = opts.source;
  else if (config.airflow.url) {
    rest = await createRestSource(restOptions(config, config.airflow.url));
    owned = true;
  } else
    set({
      allowed: false,
      role: null,
      reason: "--source sql without --url: actions go through Airflow's REST API, never the metadata DB; add --url",
    });

  const role = async (): Promise<string | null> => {
    const claims = await rest?.tokenClaims().catch(() => null);
    return typeof claims?.['role'] === 'string' ? claims['role'] : null;
  };
  const client: ActionClient | null = rest ? createActionClient(rest, { role }) : null;
  const airflowUser = async (): Promise<string | null> => {
    const claims = await rest?.tokenClaims().catch(() => null);
    if (typeof claims?.['sub'] === 'string') return claims['sub'];
    return config.airflow.username ?? null;
  };

  // Alerts on an acted-on object: when one resolves afterwards, the message line says which action preceded it.
  const linked = new Map<string, string>();
  const link = (req: ActionRequest) => {
    const { dagId, taskId } = actionLabels(req);
    for (const a of own(store.getState())?.report?.alerts ?? []) {
      const task = a.labels['task_id'] ?? a.labels['task'];
      if (
        a.state !== 'resolved' &&
        a.labels['dag_id'] === dagId &&
        (taskId === null || task === undefined || task === taskId)
      )
        linked.set(a.fingerprint, doneText(req));
    }
  };
  const unsubscribeResolved = store.subscribe((s, before) => {
    const now = own(s)?.report?.alerts;
    if (linked.size === 0 || now === own(before)?.report?.alerts) return;
    for (const a of now ?? []) {
      const action = linked.get(a.fingerprint);
      if (action === undefined || a.state !== 'resolved') continue;
      linked.delete(a.fingerprint);
      const summary = a.annotations['summary'] ?? a.labels['alertname'] ?? a.fingerprint;
      store.setState((now) => ({
        ui: { ...now.ui, message: { text: terminalSafe(`resolved after ${action}: ${summary}`), level: 'info' } },
      }));
    }
  });

  // The role is learnt once the first poll named a DAG to probe with (a dry-run clear of a run that does not exist).
  let probed = false;
  const unsubscribe = store.subscribe((s) => {
    const snapshot = own(s)?.snapshot;
    if (probed || !client || !snapshot || snapshot.dags.length === 0) return;
    probed = true;
    void client.probe(snapshot.dags[0]!.dagId).then((found) => {
      if (found.allowed !== null || found.reason !== null) set(found);
      else probed = false; // Airflow did not answer: try again after the next poll
    });
  });

  const followUps = new Set<ReturnType<typeof setTimeout>>();
  const dialogFor = (seq: number) => {
    const d = store.getState().ui.dialog;
    return d?.kind === 'action' && d.seq === seq ? d : null;
  };
  const setUi = (patch: Partial<ReturnType<AirtopStore['getState']>['ui']>) =>
    store.setState((s) => ({ ui: { ...s.ui, ...patch } }));

  async function record(
    req: ActionRequest,
    dryRun: PreviewItem[] | null,
    outcome: AuditRecord['outcome'],
    status: number | null,
    answer: string,
    ack: string | null,
  ): Promise<string | null> {
    const entry: AuditRecord = {
      at: opts.clock().toISOString(),
      os_user: opts.osUser,
      airflow_user: await airflowUser(),
      airflow_url: rest?.url ?? config.airflow.url ?? '',
      action: req.verb,
      target: targetText(req),
      request: req,
      dry_run: dryRun,
      outcome,
      status,
      answer,
      acknowledged_alert: ack,
    };
    try {
      await appendAudit(opts.stateDir, entry);
      store.setState((s) => ({
        actions: {
          availability: s.actions?.availability ?? { allowed: null, reason: null, role: null },
          recent: [...(s.actions?.recent ?? []), entry].slice(-20),
        },
      }));
      return null;
    } catch (error) {
      return `the audit record could not be written to ${opts.stateDir}: ${describe(error)}`;
    }
  }

  const commands: ActionCommands = {
    preview(request, seq) {
      if (!client) return;
      void client.preview(request).then((preview) => {
        const d = dialogFor(seq);
        if (d) setUi({ dialog: { ...d, preview } });
      });
    },
    apply({ request, seq, dryRun, ack }) {
      if (!client || !dialogFor(seq)) return;
      void (async () => {
        let text: string;
        let ok = false;
        try {
          const result = await client.apply(request);
          ok = result.ok;
          if (result.ok && ack) await opts.ack(ack.fingerprint, ack.note);
          const problem = await record(
            request,
            dryRun,
            result.ok ? 'done' : 'refused',
            result.status,
            result.message,
            result.ok && ack ? ack.fingerprint : null,
          );
          text = result.ok
            ? `${doneText(request)}: ${result.message}${ack ? '; alert acknowledged' : ''}`
            : `${verbText(request)} refused: ${result.message}`;
          if (problem) text += ` (${problem})`;
        } catch (error) {
          // No answer (Airflow down, timeout): not done; the attempt is recorded as failed, not as done.
          text = `${verbText(request)} ${targetText(request)} not done: ${describe(error)}`;
          const problem = await record(request, dryRun, 'failed', null, describe(error), null);
          if (problem) text += ` (${problem})`;
        }
        setUi({
          dialog: dialogFor(seq) ? null : store.getState().ui.dialog,
          message: { text: terminalSafe(text), level: ok ? 'info' : 'error' },
        });
        // Show the change now rather than at the next tick: the view on screen reloads after this poll.
        if (ok) {
          link(request);
          void opts.refresh();
          // And once more a little later: a cleared task is queued, then runs; the interval may be minutes.
          const timer = setTimeout(() => {
            followUps.delete(timer);
            void opts.refresh();
          }, FOLLOW_UP_MS);
          followUps.add(timer);
        }
      })();
    },
  };

  return {
    commands,
    async close() {
      unsubscribe();
      unsubscribeResolved();
      for (const timer of followUps) clearTimeout(timer);
      if (owned) await rest?.close();
    },
  };
}
