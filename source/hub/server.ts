import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LogFn } from '../headless/json-logger.js';
import type { AirtopStore } from '../state/store.js';
import { authorize, type HubRole, type HubTokens } from './auth.js';
import { createHubFeed, HUB_API_VERSION } from './feed.js';
import { sendError, sendJson } from './http-io.js';
import { createRateLimiter, type RateLimit } from './limits.js';
import { createRoutes, type HubNotifier } from './routes.js';
import { createSseHub } from './sse.js';

// The hub: /api/v1 on the daemon's metrics listener. One alert state for the team: attached TUIs read it
// and its change stream, and their acks and silences land in the daemon's notifier (see README "Hub").

export const API_PREFIX = '/api/v1';

export interface HubOptions {
  tokens: HubTokens;
  store: AirtopStore;
  notifier: HubNotifier;
  stateDir: string;
  /** Concurrent change streams (default 100). */
  maxStreams?: number;
  /** Per client address, every request (default 20/s, burst 120). */
  rate?: RateLimit;
  /** Per client address, POSTs on top of the above (default 2/s, burst 30). */
  writeRate?: RateLimit;
  /** Largest request body (default 16 KiB). */
  maxBodyBytes?: number;
  heartbeatMs?: number;
  log?: LogFn;
}

export interface Hub {
  /** Handles /api/v1/… requests; false for any other path (the metrics server answers those). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  readonly streams: number;
  close(): void;
}

const ENDPOINTS = [
  'GET /api/v1/state',
  'GET /api/v1/report',
  'GET /api/v1/alerts',
  'GET /api/v1/acks',
  'GET /api/v1/silences',
  'GET /api/v1/actions?limit=N',
  'GET /api/v1/events (text/event-stream)',
  'POST /api/v1/alerts/{fingerprint}/ack',
  'POST /api/v1/alerts/{fingerprint}/unack',
  'POST /api/v1/alerts/{fingerprint}/silence',
  'POST /api/v1/silences/{id}/expire',
];

export function createHub(options: HubOptions): Hub {
  const maxStreams = options.maxStreams ?? 100;
  const sse = createSseHub({
    maxClients: maxStreams,
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  const feed = createHubFeed({
    store: options.store,
    silences: () => options.notifier.alerts.silences(),
    alertsBeforeReport: () => options.notifier.alerts.alerts(),
    onUpdate: (update, json) => sse.broadcast('update', json, update.seq),
  });
  const routes = createRoutes({
    store: options.store,
    notifier: options.notifier,
    feed,
    stateDir: options.stateDir,
    maxBodyBytes: options.maxBodyBytes ?? 16 * 1024,
  });
  const limiter = createRateLimiter(options.rate ?? { perSecond: 20, burst: 120 });
  const writeLimiter = createRateLimiter(options.writeRate ?? { perSecond: 2, burst: 30 });

  const guard = (req: IncomingMessage, res: ServerResponse, need: HubRole): boolean => {
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = limiter.take(address) || (req.method === 'POST' ? writeLimiter.take(address) : 0);
    if (wait > 0) {
      sendError(res, 429, `too many requests from ${address}; retry in ${wait} s`, { 'retry-after': String(wait) });
      return false;
    }
    const auth = authorize(options.tokens, req.headers.authorization, need);
    if (!auth.ok) {
      const headers: Record<string, string> =
        auth.status === 401 ? { 'www-authenticate': 'Bearer realm="airtop"' } : {};
      sendError(res, auth.status, auth.reason, headers);
      options.log?.('warn', 'hub request refused', {
        status: auth.status,
        reason: auth.reason,
        from: address,
        path: (req.url ?? '').split('?')[0],
      });
      return false;
    }
    return true;
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => {
    const method = req.method ?? 'GET';
    const write = /^\/alerts\/([^/]+)\/(ack|unack|silence)$/.exec(path) ?? /^\/silences\/([^/]+)\/(expire)$/.exec(path);
    if (write) {
      if (method !== 'POST') return sendError(res, 405, `${path} takes POST`, { allow: 'POST' });
      if (!guard(req, res, 'write')) return void req.resume();
      let target: string;
      try {
        target = decodeURIComponent(write[1]!);
      } catch {
        return sendError(res, 400, `${write[1]} is not a valid URL-encoded identifier`);
      }
      if (write[2] === 'ack') return routes.ack(req, res, target);
      if (write[2] === 'unack') return routes.unack(req, res, target);
      if (write[2] === 'silence') return routes.silence(req, res, target);
      return routes.expire(req, res, target);
    }
    if (method !== 'GET' && method !== 'HEAD')
      return sendError(res, 405, `${path || '/'} takes GET`, { allow: 'GET, HEAD' });
    if (!guard(req, res, 'read')) return;
    switch (path) {
      case '':
      case '/':
        return sendJson(res, 200, {
          api: HUB_API_VERSION,
          endpoints: ENDPOINTS,
          streams: sse.size,
          max_streams: maxStreams,
        });
      case '/state':
        return routes.state(res);
      case '/report':
        return routes.report(res);
      case '/alerts':
        return routes.alerts(res);
      case '/acks':
        return routes.acks(res);
      case '/silences':
        return routes.silences(res);
      case '/actions':
        return routes.actions(res, query);
      case '/events':
        if (!sse.add(res, { event: 'state', data: feed.fullJson(), id: feed.seq })) {
          sendError(res, 503, `the hub already serves ${maxStreams} change streams; try again later`, {
            'retry-after': '30',
          });
        }
        return;
      default:
        return sendError(res, 404, `no such endpoint ${API_PREFIX}${path}; GET ${API_PREFIX}/ lists them`);
    }
  };

  return {
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://hub');
      if (url.pathname !== API_PREFIX && !url.pathname.startsWith(`${API_PREFIX}/`)) return false;
      serve(req, res, url.pathname.slice(API_PREFIX.length), url.searchParams).catch((error: unknown) => {
        if (!res.headersSent) sendError(res, 500, `hub error: ${(error as Error).message}`);
        else res.destroy();
      });
      return true;
    },
    get streams() {
      return sse.size;
    },
    close() {
      feed.stop();
      sse.close();
    },
  };
}
