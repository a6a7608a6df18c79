import type { Snapshot } from '../airflow/types.js';
import { withDetails } from '../alerts/details.js';
import { groupViews } from '../alerts/group-views.js';
import { createAlertManager, type AlertManager } from '../alerts/manager.js';
import { routingFromConfig } from '../alerts/routing-config.js';
import type { Notification, Result, Silence } from '../alerts/types.js';
import type { Config } from '../config/schema.js';
import type { LogFn } from '../log.js';
import type { AlertCandidate, AlertView, Report } from '../report/types.js';
import type { DeadLetter, SinkStatus } from './status.js';
import type { VariableWriter } from './airflow-variables.js';
import { alertmanagerAlerts } from './alertmanager.js';
import { ALERT_CHANNELS, buildSinks, type FleetSinkTarget } from './build.js';
import { reportMetricsText } from './metrics-registry.js';
import { createOutbox, type Outbox } from './outbox.js';
import { ackBatcher, perSinkNotifications } from './group-items.js';
import { dashboardStatus, latestMetrics, qualityReport } from './reference-shapes.js';
import type { Sink } from './types.js';

// The one thing cli.tsx wires: alert lifecycle + sinks + durable outbox. After each poll it turns the
// engines' candidates into alert state and notifications, hands the notifications to the outbox (on disk
// before anything is sent) and gives the 'latest' sinks the newest state.

export interface NotifierOptions {
  config: Config;
  stateDir: string;
  variableWriter: VariableWriter | null;
  clock?: () => Date;
  onStatus?: (status: SinkStatus) => void;
  onDeadLetters?: (letters: DeadLetter[]) => void;
  /** Where warnings and notification events go, e.g. jsonLogger() in headless mode. */
  log?: LogFn;
  /** Where secrets' *_env names are looked up (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  /** Extra sinks, for tests or embedding; they replace configured sinks of the same name. */
  sinks?: Sink[];
  random?: () => number;
  /** How long close() waits for queued notifications to go out (default 3 s; they stay on disk anyway). */
  closeTimeoutMs?: number;
  /** false: no timer for groups falling due between polls; the caller calls flushDue (tests with a fake clock). */
  timers?: boolean;
  /**
   * Fleet mode (README "Fleet"): the instances whose polls feed this one notifier through forInstance(). The
   * 'latest' sinks then hold one state per instance, each delivered to that instance's target.
   */
  instances?: readonly (FleetSinkTarget & { url: string })[];
}

/** What a poll cycle hands its findings to (collect/cycle.ts AlertStage). */
export interface InstanceAlertStage {
  afterPoll(report: Report, candidates: AlertCandidate[], now: Date, snapshot?: Snapshot | null): Promise<AlertView[]>;
  /** A failed poll of an instance never reached yet: its airflow_unreachable alert, nothing published. */
  afterFailure(candidates: AlertCandidate[], now: Date): Promise<AlertView[]>;
}

export interface Notifier {
  alerts: AlertManager;
  outbox: Outbox;
  /** `snapshot` is optional: with it the dashboard status carries recent_runs. */
  afterPoll(report: Report, candidates: AlertCandidate[], now: Date, snapshot?: Snapshot | null): Promise<AlertView[]>;
  /** Persisted and handed to the outbox (PagerDuty gets acknowledge) before the promise resolves. */
  ack(fingerprint: string, by: string, note: string): Promise<Result<{ alert: AlertView }>>;
  unack(fingerprint: string): Promise<Result<{ alert: AlertView }>>;
  /** Silences exactly this alert (every label equal) for `durationSeconds`. */
  silence(
    fingerprint: string,
    durationSeconds: number,
    comment: string,
    by: string,
  ): Promise<Result<{ silence: Silence }>>;
  /**
   * Fleet mode: the stage of one instance's poll cycle. Its candidates carry `instance: name`; its poll
   * resolves only that instance's alerts, and it returns (and its report shows) only them.
   */
  forInstance(name: string): InstanceAlertStage;
  /** Hands over what groups have due now (the timer calls it; tests with a fake clock call it themselves). */
  flushDue(now: Date): void;
  close(): Promise<void>;
}

const QUIET: LogFn = () => {};

export async function createNotifier(options: NotifierOptions): Promise<Notifier> {
  const { config } = options;
  const emit = options.log ?? QUIET;
  const log = {
    info: (msg: string, fields?: Record<string, unknown>) => emit('info', msg, fields),
    warn: (msg: string, fields?: Record<string, unknown>) => emit('warn', msg, fields),
    error: (msg: string, fields?: Record<string, unknown>) => emit('error', msg, fields),
  };
  const clock = options.clock ?? (() => new Date());
  const fleet = options.instances;
  const built = buildSinks(config, {
    variableWriter: options.variableWriter,
    env: options.env,
    ...(fleet ? { instances: fleet } : {}),
  });
  const urls = new Map((fleet ?? []).map((i) => [i.name, i.url]));
  for (const message of built.problems) log.warn(message, { scope: 'sinks' });
  const overrides = new Map((options.sinks ?? []).map((s) => [s.name, s]));
  const sinks = [...built.sinks.filter((s) => !overrides.has(s.name)), ...overrides.values()];
  const names = new Set(sinks.map((s) => s.name));
  const alertChannels = ALERT_CHANNELS.filter((c) => names.has(c));

  const problem = (message: string) => log.error(message, { scope: 'state' });
  const alerts = createAlertManager({
    stateDir: options.stateDir,
    repeatIntervalSeconds: config.alerts.repeat_interval,
    clock,
    defaultChannels: alertChannels,
    slaHistorySize: config.sla.history_size,
    onProblem: problem,
    routing: routingFromConfig(config, new Set(alertChannels)),
  });
  await alerts.load();

  const outbox = createOutbox({
    stateDir: options.stateDir,
    sinks,
    retry: config.sinks.retry,
    clock,
    random: options.random,
    onStatus: options.onStatus,
    onDeadLetters: (letters) => {
      const last = letters[letters.length - 1];
      if (last) log.warn('notification dead-lettered', { sink: last.sink, reason: last.reason, summary: last.summary });
      options.onDeadLetters?.(letters);
    },
    onProblem: problem,
  });
  for (const [sink, count] of Object.entries(outbox.orphans())) {
    log.warn(
      `${count} queued item(s) for sink ${sink}, which is not configured now; they stay in the outbox until it is`,
      { sink },
    );
  }

  /** Outbox first, then tell the alert store: a crash in between re-hands them, and the outbox drops repeats by id. */
  function handOff(notifications: Notification[]): void {
    if (notifications.length === 0) return;
    const items = notifications.flatMap((n) =>
      n.channels
        .filter((c) => names.has(c))
        .flatMap((sink) =>
          perSinkNotifications(n, sink).map((payload) => ({ id: `${payload.id}>${sink}`, sink, payload })),
        ),
    );
    outbox.enqueue(items);
    alerts.handedOff(notifications.map((n) => n.id));
    for (const n of notifications)
      log.info(`alert ${n.kind}`, {
        fingerprint: n.alert.fingerprint,
        alertname: n.alert.labels.alertname,
        channels: n.channels.filter((c) => names.has(c)),
        id: n.id,
        ...(n.alert.labels.instance !== undefined ? { instance: n.alert.labels.instance } : {}),
      });
  }

  handOff(alerts.pending());
  outbox.start();

  // Acknowledging a group acks each member in the same tick: one message for them all, not one each.
  const acks = ackBatcher(handOff);

  // Groups wait (group_wait, group_interval) between polls: a timer hands over what falls due meanwhile.
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    const due = alerts.nextDueAt();
    if (!due || closed || options.timers === false) return;
    timer = setTimeout(() => flushDue(clock()), Math.max(0, due.getTime() - clock().getTime()) + 50);
    timer.unref();
  }
  function flushDue(now: Date): void {
    handOff(alerts.flushDue(now).notifications);
    schedule();
  }

  /** Fleet mode: sink → instance → its newest state; the outbox holds the whole map as the sink's latest. */
  const perInstance = new Map<string, Record<string, unknown>>();
  function setLatest(sink: string, payload: unknown, instance: string | undefined): void {
    if (instance === undefined) return outbox.setLatest(sink, payload);
    const map = { ...(perInstance.get(sink) ?? {}), [instance]: payload };
    perInstance.set(sink, map);
    outbox.setLatest(sink, map);
  }

  async function publishLatest(
    report: Report,
    views: AlertView[],
    now: Date,
    snapshot: Snapshot | null | undefined,
    instance?: string,
  ): Promise<void> {
    const withAlerts: Report = { ...report, alerts: views };
    if (names.has('pushgateway')) setLatest('pushgateway', await reportMetricsText(withAlerts), instance);
    if (names.has('dashboard')) {
      const status = dashboardStatus(
        withAlerts,
        snapshot?.runs ?? [],
        config.sinks.dashboard?.pipeline_id ?? 'capstone-document-processor',
        now,
      );
      setLatest('dashboard', instance === undefined ? status : { ...status, instance }, instance);
    }
    if (names.has('alertmanager')) {
      // One payload for the whole fleet: every alert carries its instance label and links to its own Airflow.
      const all = instance === undefined ? views : alerts.alerts();
      const silenced = new Set(all.filter((v) => v.state === 'silenced').map((v) => v.fingerprint));
      outbox.setLatest(
        'alertmanager',
        alertmanagerAlerts(
          alerts.records(),
          silenced,
          now,
          config.sinks.alertmanager?.resolve_timeout ?? 900,
          instance === undefined ? report.airflow.url || null : (labels) => urls.get(labels.instance ?? '') ?? null,
        ),
      );
    }
    if (names.has('airflow_variables')) {
      const v = config.variables;
      const values: Record<string, unknown> = {
        [v.latest_metrics]: latestMetrics(withAlerts),
        [v.quality_report]: qualityReport(withAlerts),
      };
      // Never overwrite an existing history with an empty one; in a fleet each Airflow gets its own misses.
      const history = alerts
        .slaHistory()
        .filter((h) => instance === undefined || h.instance === instance)
        .map((h) => {
          if (instance === undefined) return h;
          const { instance: _instance, ...rest } = h;
          return rest;
        });
      if (history.length > 0) values[v.sla_history] = history;
      setLatest('airflow_variables', { values }, instance);
    }
  }

  return {
    alerts,
    outbox,

    async afterPoll(report, candidates, now, snapshot) {
      const { alerts: views, notifications } = alerts.update(withDetails(candidates, report), now);
      handOff(notifications);
      schedule();
      report.alert_groups = groupViews(views);
      await publishLatest(report, views, now, snapshot);
      return views;
    },

    async ack(fingerprint, by, note) {
      const result = alerts.ack(fingerprint, by, note);
      if (!result.ok) return result;
      log.info('alert acknowledged', { fingerprint, by: result.alert.ack?.by });
      if (result.notification) await acks.add(result.notification);
      return { ok: true, alert: result.alert };
    },

    async unack(fingerprint) {
      const result = alerts.unack(fingerprint);
      if (result.ok) log.info('alert unacknowledged', { fingerprint });
      return result;
    },

    async silence(fingerprint, durationSeconds, comment, by) {
      const record = alerts.records().find((r) => r.fingerprint === fingerprint);
      if (!record) return { ok: false, error: `no alert with fingerprint ${fingerprint}` };
      const matchers = Object.entries(record.labels).map(([name, value]) => ({
        name,
        value,
        isRegex: false,
        isEqual: true,
      }));
      const result = alerts.silence({ matchers, durationSeconds, comment, createdBy: by });
      if (result.ok)
        log.info('alert silenced', { fingerprint, until: result.silence.endsAt, by: result.silence.createdBy });
      return result;
    },

    forInstance(instance) {
      return {
        async afterPoll(report, candidates, now, snapshot) {
          // The SLA history entries name their instance, so each Airflow's sla_miss_history gets its own.
          const inputs = withDetails(candidates, report).map((c) =>
            c.details ? { ...c, details: { ...c.details, instance } } : c,
          );
          const { alerts: all, notifications } = alerts.update(inputs, now, { instance });
          handOff(notifications);
          schedule();
          const views = all.filter((v) => v.labels.instance === instance);
          report.alert_groups = groupViews(views);
          await publishLatest(report, views, now, snapshot, instance);
          return views;
        },
        async afterFailure(candidates, now) {
          const { alerts: all, notifications } = alerts.update(candidates, now, { instance });
          handOff(notifications);
          schedule();
          return all.filter((v) => v.labels.instance === instance);
        },
      };
    },

    flushDue,

    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      outbox.stop();
      const drained = await outbox.flush(options.closeTimeoutMs ?? 3000);
      if (!drained) log.warn('some notifications are still queued; they are kept on disk and sent at the next start');
      await Promise.all(sinks.map((s) => s.close?.()));
    },
  };
}
