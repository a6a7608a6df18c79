import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AlertManager } from '../alerts/manager.js';
import type { Notifier } from '../sinks/notifier.js';
import type { AirtopStore } from '../state/store.js';
import { recentActions } from './actions-log.js';
import type { HubFeed } from './feed.js';
import { cleanText, readJsonBody, sendError, sendJson } from './http-io.js';

// The hub's /api/v1 resources. Reads are plain JSON of the daemon's store; writes go through the same
// notifier the daemon uses (alert state persisted and PagerDuty told before the answer), then the store's
// alert list is refreshed, which the change stream carries to every attached TUI.

export type HubNotifier = Pick<Notifier, 'ack' | 'unack' | 'silence'> & {
  alerts: Pick<AlertManager, 'alerts' | 'records' | 'silences' | 'expireSilence'>;
};

export interface RouteContext {
  store: AirtopStore;
  notifier: HubNotifier;
  feed: HubFeed;
  stateDir: string;
  maxBodyBytes: number;
}

const MAX_NOTE = 500;
const MAX_BY = 64;
const actionId = z.string().min(1).max(100).optional();
const by = z.string().max(200).optional();
const ackBody = z.object({ note: z.string().max(5000).optional(), by, id: actionId });
const unackBody = z.object({ by, id: actionId });
const silenceBody = z.object({
  duration_seconds: z
    .number()
    .int()
    .min(60, 'at least 60 seconds')
    .max(30 * 86400, 'at most 30 days'),
  comment: z.string().max(5000).optional(),
  by,
  id: actionId,
});

/** Answers by client action id, so a queued action resent after a lost response is not applied twice. */
const RECENT_IDS = 1000;

function problemOf(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`;
}

function statusOf(error: string): number {
  if (error.startsWith('no alert') || error.startsWith('no silence')) return 404;
  if (error.includes('already resolved')) return 409;
  return 422;
}

export function createRoutes(context: RouteContext) {
  const { store, notifier } = context;
  const answered = new Map<string, { status: number; body: unknown }>();
  const remember = (id: string | undefined, status: number, body: unknown) => {
    if (!id) return;
    answered.set(id, { status, body });
    if (answered.size > RECENT_IDS) answered.delete(answered.keys().next().value!);
  };
  const refresh = () => store.getState().setAlerts(notifier.alerts.alerts());
  const who = (value: string | undefined) => cleanText(value?.trim() || 'hub', MAX_BY);

  async function body<T>(req: IncomingMessage, res: ServerResponse, schema: z.ZodType<T>): Promise<T | null> {
    const read = await readJsonBody(req, context.maxBodyBytes);
    if (!read.ok) {
      sendError(res, read.status, read.reason);
      return null;
    }
    const parsed = schema.safeParse(read.value);
    if (!parsed.success) {
      sendError(res, 400, problemOf(parsed.error));
      return null;
    }
    return parsed.data;
  }

  const replay = (res: ServerResponse, id: string | undefined) => {
    const previous = id ? answered.get(id) : undefined;
    if (!previous) return false;
    sendJson(res, previous.status, previous.body);
    return true;
  };

  const finish = (res: ServerResponse, id: string | undefined, status: number, payload: unknown) => {
    remember(id, status, payload);
    sendJson(res, status, payload);
  };

  return {
    report(res: ServerResponse) {
      const report = store.getState().report;
      if (!report)
        return sendError(res, 503, 'no poll has completed yet; try again after the first poll', { 'retry-after': '5' });
      sendJson(res, 200, report);
    },
    state(res: ServerResponse) {
      sendJson(res, 200, context.feed.fullJson());
    },
    alerts(res: ServerResponse) {
      const report = store.getState().report as (Record<string, unknown> & object) | null;
      // Alert groups exist when routing/grouping computed them for the report; passed through as they are.
      const groups = report && 'alert_groups' in report ? report.alert_groups : undefined;
      sendJson(res, 200, { alerts: context.feed.full().alerts, ...(groups !== undefined ? { groups } : {}) });
    },
    acks(res: ServerResponse) {
      const acks = context.feed
        .full()
        .alerts.filter((a) => a.ack !== null && a.state !== 'resolved')
        .map((a) => ({ fingerprint: a.fingerprint, labels: a.labels, ack: a.ack }));
      sendJson(res, 200, { acks });
    },
    silences(res: ServerResponse) {
      sendJson(res, 200, { silences: notifier.alerts.silences() });
    },
    actions(res: ServerResponse, query: URLSearchParams) {
      const limit = Math.min(500, Math.max(1, Number(query.get('limit') ?? 100) || 100));
      sendJson(res, 200, recentActions(context.stateDir, limit));
    },

    async ack(req: IncomingMessage, res: ServerResponse, fingerprint: string) {
      const input = await body(req, res, ackBody);
      if (!input || replay(res, input.id)) return;
      const current = notifier.alerts.alerts().find((a) => a.fingerprint === fingerprint);
      // Already acknowledged: answer as done without a second PagerDuty acknowledge (a retried queue item).
      if (current?.ack && current.state !== 'resolved')
        return finish(res, input.id, 200, { alert: current, unchanged: true });
      const result = await notifier.ack(fingerprint, who(input.by), cleanText(input.note ?? '', MAX_NOTE));
      if (!result.ok)
        return finish(res, input.id, statusOf(result.error), { error: result.error, status: statusOf(result.error) });
      refresh();
      finish(res, input.id, 200, { alert: result.alert });
    },

    async unack(req: IncomingMessage, res: ServerResponse, fingerprint: string) {
      const input = await body(req, res, unackBody);
      if (!input || replay(res, input.id)) return;
      const result = await notifier.unack(fingerprint);
      if (!result.ok)
        return finish(res, input.id, statusOf(result.error), { error: result.error, status: statusOf(result.error) });
      refresh();
      finish(res, input.id, 200, { alert: result.alert });
    },

    async silence(req: IncomingMessage, res: ServerResponse, fingerprint: string) {
      const input = await body(req, res, silenceBody);
      if (!input || replay(res, input.id)) return;
      const comment = cleanText(input.comment ?? '', MAX_NOTE);
      const createdBy = who(input.by);
      // The same silence resent (after a hub restart lost the id map) returns the existing one.
      const record = notifier.alerts.records().find((r) => r.fingerprint === fingerprint);
      const now = Date.now();
      const existing = record
        ? notifier.alerts
            .silences()
            .find(
              (s) =>
                s.createdBy === createdBy &&
                s.comment === comment &&
                Date.parse(s.endsAt) > now &&
                s.matchers.length === Object.keys(record.labels).length &&
                s.matchers.every((m) => m.isEqual && !m.isRegex && record.labels[m.name] === m.value),
            )
        : undefined;
      if (existing) return finish(res, input.id, 200, { silence: existing, unchanged: true });
      const result = await notifier.silence(fingerprint, input.duration_seconds, comment, createdBy);
      if (!result.ok)
        return finish(res, input.id, statusOf(result.error), { error: result.error, status: statusOf(result.error) });
      refresh();
      finish(res, input.id, 201, { silence: result.silence });
    },

    async expire(req: IncomingMessage, res: ServerResponse, id: string) {
      const input = await body(req, res, unackBody);
      if (!input || replay(res, input.id)) return;
      const result = notifier.alerts.expireSilence(id);
      if (!result.ok)
        return finish(res, input.id, statusOf(result.error), { error: result.error, status: statusOf(result.error) });
      refresh();
      finish(res, input.id, 200, { silence: result.silence });
    },
  };
}
