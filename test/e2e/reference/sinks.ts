// What airtop's own sinks sent against what the reference's DAGs sent, field by field. airtop runs as it runs
// in production (`--headless`, a short interval) with its Slack, dashboard and Pushgateway sinks (and the
// airflow_variables sink for sla_miss_history) pointed at loopback receivers of the same kind as the
// reference's; the figures here compare the captured payloads: Slack messages (their attachments' fields),
// the dashboard POST body, the Pushgateway samples, and the sla_miss_history entries each side wrote.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RunningCli } from '../support/cli.js';
import { notYet, waitFor } from '../support/wait.js';
import type { Figure } from './figures.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
/** Figure paths split on dots: a value used as a segment keeps its dots as slashes. */
const seg = (s: string) => s.replace(/\./g, '/');

export interface Push {
  method: string;
  path: string;
  contentType: string;
  body: string;
}

/** A Pushgateway stand-in: records every push (method, path, content type, body) and answers 200. */
export async function startPushCapture(): Promise<{ url: string; bodies: Push[]; close(): Promise<void> }> {
  const bodies: Push[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push({
        method: req.method ?? '',
        path: req.url ?? '/',
        contentType: String(req.headers['content-type'] ?? ''),
        body,
      });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/**
 * Runs `airtop --headless --interval 3` until `done` holds (checked every half second), then stops it
 * (SIGTERM: the outbox flushes what is queued). Returns its log lines for diagnostics.
 */
export async function runHeadless(
  args: string[],
  env: Record<string, string>,
  done: () => Promise<string | null> | string | null,
  timeoutMs = 90_000,
): Promise<string[]> {
  const cli = new RunningCli(['--headless', '--interval', '3', ...args], env);
  try {
    await waitFor(
      async () => {
        const missing = await done();
        return missing === null ? true : notYet(`${missing}; last log: ${cli.lines.slice(-3).join(' | ')}`);
      },
      { timeoutMs, intervalMs: 500, what: "airtop's sinks to deliver" },
    );
  } finally {
    await cli.stop();
  }
  return cli.lines;
}

// ---- Prometheus text ----------------------------------------------------------------------------------

interface Sample {
  family: string;
  /** name{label=value,...}, labels sorted, dots as slashes: one figure path segment. */
  key: string;
  value: number;
}

/** Samples of a text-format body (exposition 0.0.4 as the reference writes it by hand, or prom-client's). */
export function parsePrometheus(body: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, name, value]) => `${name}=${value}`)
      .sort();
    const key = seg(labels.length > 0 ? `${m[1]}{${labels.join(',')}}` : m[1]!);
    samples.push({ family: m[1]!, key, value: Number(m[3]) });
  }
  return { samples, types };
}

/**
 * The reference's push (push_metrics_to_prometheus) against airtop's: the request, each sample the reference
 * pushes (value by name and labels), its families' types, and the families airtop adds.
 */
export function pushgatewayFigures(reference: Push | undefined, airtop: Push | undefined): Figure[] {
  const r = parsePrometheus(reference?.body ?? '');
  const a = parsePrometheus(airtop?.body ?? '');
  const airtopByKey = new Map(a.samples.map((s) => [s.key, s.value]));
  const refFamilies = [...new Set(r.samples.map((s) => s.family))].sort();
  const airtopFamilies = [...new Set(a.samples.map((s) => s.family))].sort();
  return [
    {
      path: 'sinks.pushgateway.request',
      reference: reference && `${reference.method} ${reference.path}`,
      airtop: airtop && `${airtop.method} ${airtop.path}`,
    },
    { path: 'sinks.pushgateway.content_type', reference: reference?.contentType, airtop: airtop?.contentType },
    ...r.samples.map((s) => ({
      path: `sinks.pushgateway.samples.${s.key}`,
      reference: s.value,
      airtop: airtopByKey.get(s.key),
    })),
    ...refFamilies.map((family) => ({
      path: `sinks.pushgateway.type.${family}`,
      reference: r.types.get(family) ?? 'untyped',
      airtop: airtopFamilies.includes(family) ? (a.types.get(family) ?? 'untyped') : undefined,
    })),
    {
      path: 'sinks.pushgateway.families_added',
      reference: [],
      airtop: airtopFamilies.filter((f) => !refFamilies.includes(f)),
    },
  ];
}

// ---- Dashboard ----------------------------------------------------------------------------------------

/** Leaves of a JSON object (arrays are leaves), keyed by dotted path; `timestamp` keys left out. */
function leaves(value: unknown, prefix: string, into: Map<string, unknown>): Map<string, unknown> {
  for (const [key, v] of Object.entries(obj(value))) {
    if (key === 'timestamp') continue; // when each side made its payload: not a figure
    const path = `${prefix}.${seg(key)}`;
    if (v && typeof v === 'object' && !Array.isArray(v)) leaves(v, path, into);
    else into.set(path, v);
  }
  return into;
}

export interface DashboardPost {
  body: Json;
  authorization: string | undefined;
}

export const dashboardPost = (request: { body: string; headers: IncomingHttpHeaders } | undefined) =>
  request === undefined
    ? undefined
    : { body: obj(JSON.parse(request.body)), authorization: request.headers.authorization };

/**
 * The reference's dashboard POST (prepare_status_payload) against airtop's, leaf by leaf; recent_runs by run:
 * which runs each lists, and for the runs both list, each field.
 */
export function dashboardFigures(reference: DashboardPost | undefined, airtop: DashboardPost | undefined): Figure[] {
  const { recent_runs: refRuns, ...refRest } = reference?.body ?? {};
  const { recent_runs: airtopRuns, ...airtopRest } = airtop?.body ?? {};
  const r = leaves(refRest, 'sinks.dashboard.body', new Map());
  const a = leaves(airtopRest, 'sinks.dashboard.body', new Map());
  const paths = [...new Set([...r.keys(), ...a.keys()])].sort();
  const runsOf = (list: unknown) => new Map((Array.isArray(list) ? list : []).map((x: Json) => [String(x.run_id), x]));
  const rr = runsOf(refRuns);
  const ar = runsOf(airtopRuns);
  const both = [...rr.keys()].filter((id) => ar.has(id)).sort();
  return [
    {
      path: 'sinks.dashboard.authorization',
      reference: reference?.authorization,
      airtop: airtop?.authorization,
    },
    ...paths.map((path) => ({ path, reference: r.get(path), airtop: a.get(path) })),
    {
      path: 'sinks.dashboard.recent_runs.listed',
      reference: [...rr.keys()].map((id) => `${String(rr.get(id)!.dag_id)} ${id}`),
      airtop: [...ar.keys()].map((id) => `${String(ar.get(id)!.dag_id)} ${id}`),
    },
    ...both.flatMap((id) =>
      ['dag_id', 'state', 'execution_date', 'start_date', 'end_date'].map((field) => ({
        path: `sinks.dashboard.recent_runs.${seg(id)}.${field}`,
        reference: rr.get(id)![field],
        airtop: ar.get(id)![field],
      })),
    ),
  ];
}

// ---- Slack --------------------------------------------------------------------------------------------

interface Attachment {
  title?: string;
  color?: string;
  text?: string;
  footer?: string;
  fields?: { title?: string; value?: string }[];
}
const attachmentsOf = (m: Json): Attachment[] => (Array.isArray(m.attachments) ? (m.attachments as Attachment[]) : []);
const THRESHOLD_TITLE = 'Critical Violations Detected';

/** Messages carrying threshold violations (send_alerts' "Critical Violations Detected" attachment). */
export const thresholdMessages = (messages: Json[]) =>
  messages.filter((m) => attachmentsOf(m).some((a) => a.title === THRESHOLD_TITLE));

/**
 * The reference's send_alerts message against airtop's: how many messages, their text, the attachment's title
 * and colour, and per violation type the field values (sorted: the order of findings is no figure). airtop marks
 * a finding new to its group with "NEW " before the type: the titles are compared as sent.
 */
export function slackThresholdFigures(reference: Json[], airtop: Json[]): Figure[] {
  const r = thresholdMessages(reference);
  const a = thresholdMessages(airtop);
  const attachment = (list: Json[]) => list.flatMap(attachmentsOf).find((x) => x.title === THRESHOLD_TITLE);
  const ra = attachment(r);
  const aa = attachment(a);
  const fields = (x: Attachment | undefined) => x?.fields ?? [];
  const type = (title: string | undefined) => String(title ?? '').replace(/^NEW /, '');
  const types = [...new Set([...fields(ra), ...fields(aa)].map((f) => type(f.title)))].sort();
  const valuesOf = (x: Attachment | undefined, t: string) =>
    fields(x)
      .filter((f) => type(f.title) === t)
      .map((f) => f.value)
      .sort();
  return [
    { path: 'sinks.slack.thresholds.messages', reference: r.length, airtop: a.length },
    { path: 'sinks.slack.thresholds.text', reference: r[0]?.text, airtop: a[0]?.text },
    { path: 'sinks.slack.thresholds.color', reference: ra?.color, airtop: aa?.color },
    {
      path: 'sinks.slack.thresholds.field_titles',
      reference: fields(ra)
        .map((f) => f.title)
        .sort(),
      airtop: fields(aa)
        .map((f) => f.title)
        .sort(),
    },
    ...types.map((t) => ({
      path: `sinks.slack.thresholds.values.${seg(t)}`,
      reference: valuesOf(ra, t),
      airtop: valuesOf(aa, t),
    })),
  ];
}

const SLA_TITLE = /SLA Miss - Level (\d)/;

/**
 * The reference's SLA Slack attachments (_send_notification "slack") against airtop's for the same DAG and
 * task: each field's distinct values (a message carries no logical date, so misses are not matched one to one;
 * lateness is left out, it is compared miss by miss in sla_miss_history).
 */
export function slackSlaFigures(reference: Json[], airtop: Json[], dagId: string): Figure[] {
  const slaAttachments = (messages: Json[]) =>
    messages.flatMap(attachmentsOf).filter((x) => SLA_TITLE.test(String(x.title ?? '')));
  const field = (x: Attachment, name: string) => x.fields?.find((f) => f.title === name)?.value;
  const r = slaAttachments(reference).filter((x) => field(x, 'DAG') === dagId);
  const a = slaAttachments(airtop).filter((x) => field(x, 'DAG') === dagId);
  const tasks = [...new Set(a.map((x) => String(field(x, 'Task'))))].sort();
  const distinct = (list: Attachment[], pick: (x: Attachment) => unknown) =>
    [...new Set(list.map((x) => JSON.stringify(pick(x))))].sort().map((s) => JSON.parse(s) as unknown);
  return tasks.flatMap((task) => {
    const rt = r.filter((x) => field(x, 'Task') === task);
    const at = a.filter((x) => field(x, 'Task') === task);
    const base = `sinks.slack.sla.${seg(dagId)}/${seg(task)}`;
    return [
      { path: `${base}.title`, reference: distinct(rt, (x) => x.title), airtop: distinct(at, (x) => x.title) },
      { path: `${base}.color`, reference: distinct(rt, (x) => x.color), airtop: distinct(at, (x) => x.color) },
      {
        path: `${base}.field_titles`,
        reference: distinct(rt, (x) => (x.fields ?? []).map((f) => f.title)),
        airtop: distinct(at, (x) => (x.fields ?? []).map((f) => f.title)),
      },
      {
        path: `${base}.blocking`,
        reference: distinct(rt, (x) => field(x, 'Blocking')),
        airtop: distinct(at, (x) => field(x, 'Blocking')),
      },
      // airtop appends its group's counts to the last attachment's footer: compare the reference's part.
      {
        path: `${base}.footer`,
        reference: distinct(rt, (x) => x.footer),
        airtop: distinct(at, (x) => String(x.footer ?? '').split(' · ')[0]),
      },
    ];
  });
}

// ---- sla_miss_history ---------------------------------------------------------------------------------

/** The entry's identity for the comparison: dag, task, logical date (to the second). */
export function historyKey(entry: Json): string {
  const when = new Date(String(entry.execution_date)).toISOString().slice(0, 19);
  return `${seg(String(entry.dag_id))}/${seg(String(entry.task_id ?? '(dag)'))}/${when}Z`;
}

/** The fields both entries have, less `timestamp` (when each side wrote it). */
function sharedFields(r: Json, a: Json): string[] {
  return Object.keys(r)
    .filter((k) => k in a && k !== 'timestamp')
    .sort();
}

/**
 * sla_miss_history after both wrote: the reference's entries against the ones airtop appended, matched by
 * identity (dag, task, logical date), every field both have; an identity only one side wrote is one figure.
 */
export function historyFigures(reference: Json[], airtop: Json[]): Figure[] {
  const group = (list: Json[]) => {
    const map = new Map<string, Json>();
    for (const e of list) if (!map.has(historyKey(e))) map.set(historyKey(e), e);
    return map;
  };
  const r = group(reference);
  const a = group(airtop);
  return [...new Set([...r.keys(), ...a.keys()])].sort().flatMap((key): Figure[] => {
    const re = r.get(key);
    const ae = a.get(key);
    if (!re || !ae)
      return [
        { path: `sla.written.${key}.entry`, reference: re ? 'written' : undefined, airtop: ae ? 'written' : undefined },
      ];
    return sharedFields(re, ae).map((field) => ({
      path: `sla.written.${key}.${field}`,
      reference: re[field],
      airtop: ae[field],
    }));
  });
}
