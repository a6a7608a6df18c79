import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

// Loopback stand-ins for Slack incoming webhooks, PagerDuty Events API v2 and the dashboard API. They
// validate payloads as the documented services do and answer like them (status codes and bodies), can
// be told to fail the next requests (429 with Retry-After, 5xx), and can go down (connection refused)
// and come back on the same port.

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface Receiver<T> {
  url: string;
  port: number;
  /** Every request that reached the server, valid or not. */
  requests: RecordedRequest[];
  /** Payloads the receiver accepted (answered with success). */
  accepted: T[];
  /** Answer the next requests with these replies instead of validating (e.g. 429, 503). */
  failNext(...replies: Reply[]): void;
  /** Close the port: clients get connection refused. */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

type Validate<T> = (request: RecordedRequest) => { reply: Reply; accepted?: T };

async function startReceiver<T>(validate: Validate<T>, path: string): Promise<Receiver<T>> {
  const requests: RecordedRequest[] = [];
  const accepted: T[] = [];
  const faults: Reply[] = [];
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        at: Date.now(),
      };
      requests.push(recorded);
      const fault = faults.shift();
      const outcome = fault
        ? { reply: fault }
        : req.url === path
          ? validate(recorded)
          : { reply: { status: 404, body: 'not found' } };
      if (outcome.accepted !== undefined) accepted.push(outcome.accepted);
      res
        .writeHead(outcome.reply.status, outcome.reply.headers ?? { 'content-type': 'text/plain' })
        .end(outcome.reply.body);
    });
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer(handler);
      s.on('connection', (socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = null;
      if (!s) return resolve();
      s.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  await listen();
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    requests,
    accepted,
    failNext: (...replies) => faults.push(...replies),
    down: stop,
    up: listen,
    close: stop,
  };
}

const json = (status: number, value: unknown): Reply => ({
  status,
  body: JSON.stringify(value),
  headers: { 'content-type': 'application/json' },
});
const text = (status: number, body: string): Reply => ({ status, body, headers: { 'content-type': 'text/html' } });

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * Slack incoming webhook: JSON with `text`, `blocks` or `attachments`; 200 "ok"; 400 invalid_payload for
 * bad JSON, 400 no_text for a message with nothing to show. With `oneMessagePerSecond`, a second message
 * within a second gets 429 with Retry-After: 1, as Slack does.
 */
export function startSlackReceiver(
  options: { oneMessagePerSecond?: boolean } = {},
): Promise<Receiver<Record<string, unknown>>> {
  let lastAccepted = -Infinity;
  return startReceiver((req) => {
    if (req.method !== 'POST') return { reply: text(405, 'invalid_method') };
    const body = parseJson(req.body) as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return { reply: text(400, 'invalid_payload') };
    const hasText = typeof body.text === 'string' && body.text.length > 0;
    const hasBlocks = Array.isArray(body.blocks) && body.blocks.length > 0;
    const hasAttachments = Array.isArray(body.attachments) && body.attachments.length > 0;
    if (!hasText && !hasBlocks && !hasAttachments) return { reply: text(400, 'no_text') };
    if (hasBlocks && (body.blocks as unknown[]).length > 50) return { reply: text(400, 'invalid_blocks') };
    if (hasAttachments && !(body.attachments as unknown[]).every((a) => a && typeof a === 'object'))
      return { reply: text(400, 'invalid_attachments') };
    if (options.oneMessagePerSecond && req.at - lastAccepted < 1000)
      return { reply: { status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } } };
    lastAccepted = req.at;
    return { reply: text(200, 'ok'), accepted: body };
  }, '/services/T000/B000/XXXXXXXX');
}

export interface PagerDutyEventIn {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: string;
    timestamp?: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
}

const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

/** The reasons PagerDuty's Events API v2 would give for refusing this event; empty when valid. */
export function pagerDutyErrors(event: unknown): string[] {
  const e = event as Partial<PagerDutyEventIn> | undefined;
  if (!e || typeof e !== 'object') return ['Event object is invalid'];
  const errors: string[] = [];
  if (typeof e.routing_key !== 'string' || e.routing_key.length !== 32)
    errors.push("'routing_key' must be a 32 character string");
  if (!['trigger', 'acknowledge', 'resolve'].includes(e.event_action as string))
    errors.push("'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')");
  if (e.dedup_key !== undefined && (typeof e.dedup_key !== 'string' || e.dedup_key.length > 255))
    errors.push("'dedup_key' must be a string of at most 255 characters");
  if (e.event_action !== 'trigger' && !e.dedup_key) errors.push("'dedup_key' is required for acknowledge and resolve");
  if (e.event_action === 'trigger') {
    const p = e.payload;
    if (!p || typeof p !== 'object') errors.push("'payload' is missing or invalid");
    else {
      if (typeof p.summary !== 'string' || p.summary.length === 0 || p.summary.length > 1024)
        errors.push("'payload.summary' is missing or longer than 1024");
      if (typeof p.source !== 'string' || !p.source) errors.push("'payload.source' is missing");
      if (!SEVERITIES.has(p.severity as string))
        errors.push("'payload.severity' must be one of critical, error, warning, info");
      if (p.timestamp !== undefined && Number.isNaN(Date.parse(p.timestamp)))
        errors.push("'payload.timestamp' is not a valid ISO 8601 timestamp");
    }
  }
  return errors;
}

/** PagerDuty Events API v2 at /v2/enqueue: 202 {"status":"success",...}; 400 {"status":"invalid event",...}. Tracks incident state per dedup_key. */
export function startPagerDutyReceiver(): Promise<
  Receiver<PagerDutyEventIn> & { incidents: Map<string, 'triggered' | 'acknowledged' | 'resolved'> }
> {
  const incidents = new Map<string, 'triggered' | 'acknowledged' | 'resolved'>();
  return startReceiver<PagerDutyEventIn>((req) => {
    const event = parseJson(req.body);
    const errors = req.headers['content-type']?.startsWith('application/json')
      ? pagerDutyErrors(event)
      : ['Content-Type must be application/json'];
    if (errors.length > 0)
      return { reply: json(400, { status: 'invalid event', message: 'Event object is invalid', errors }) };
    const e = event as PagerDutyEventIn;
    const state = incidents.get(e.dedup_key);
    if (e.event_action === 'trigger' && state !== 'acknowledged') incidents.set(e.dedup_key, 'triggered');
    if (e.event_action === 'acknowledge' && state === 'triggered') incidents.set(e.dedup_key, 'acknowledged');
    if (e.event_action === 'resolve' && state) incidents.set(e.dedup_key, 'resolved');
    return { reply: json(202, { status: 'success', message: 'Event processed', dedup_key: e.dedup_key }), accepted: e };
  }, '/v2/enqueue').then((receiver) => Object.assign(receiver, { incidents }));
}

/** The reference's dashboard API: POST with `Authorization: Bearer <key>`, JSON status payload; 401 on a wrong key. */
export function startDashboardReceiver(apiKey: string): Promise<Receiver<Record<string, unknown>>> {
  return startReceiver((req) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) return { reply: json(401, { error: 'unauthorized' }) };
    const body = parseJson(req.body) as Record<string, unknown> | undefined;
    const required = ['pipeline_id', 'timestamp', 'status', 'metrics', 'recent_runs'];
    if (!body || required.some((k) => !(k in body)))
      return { reply: json(422, { error: `missing one of ${required.join(', ')}` }) };
    return { reply: json(200, { received: true }), accepted: body };
  }, '/api/v1/pipeline-status');
}
