import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HubState, HubUpdate } from './feed.js';

// The attached TUI's side of the hub: JSON requests, and the change stream (SSE) kept open with
// reconnects. A hub that stays silent past idleMs (it pings every 15 s) counts as gone, like a refused
// connection: the caller is told why, and the client keeps retrying with a growing delay.

export interface HubEndpoint {
  url: string;
  token: string;
  /** PEM CA for a hub with a private certificate. */
  ca?: Buffer;
}

export interface HubAnswer {
  status: number;
  body: unknown;
}

/** The reason in an error answer ({ error }), or the status line. */
export function answerReason(answer: HubAnswer): string {
  const body = answer.body as { error?: unknown } | null;
  return typeof body?.error === 'string' ? body.error : `HTTP ${answer.status}`;
}

function requestOptions(
  endpoint: HubEndpoint,
  method: string,
  path: string,
  headers: Record<string, string>,
): { url: URL; options: RequestOptions } {
  const base = endpoint.url.replace(/\/+$/, '');
  const url = new URL(`${base}${path}`);
  return {
    url,
    options: {
      method,
      headers: { authorization: `Bearer ${endpoint.token}`, ...headers },
      ...(endpoint.ca ? { ca: endpoint.ca } : {}),
    },
  };
}

function send(url: URL, options: RequestOptions, onResponse: (res: IncomingMessage) => void) {
  return url.protocol === 'https:' ? httpsRequest(url, options, onResponse) : httpRequest(url, options, onResponse);
}

/** One JSON request. Rejects only when the hub could not be reached (or did not answer in time). */
export function hubRequest(
  endpoint: HubEndpoint,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs = 5000,
): Promise<HubAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const { url, options } = requestOptions(
    endpoint,
    method,
    path,
    payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {},
  );
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Not JSON (a proxy's error page): keep the text.
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${endpoint.url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export interface StreamHandlers {
  onState(state: HubState): void;
  onUpdate(update: HubUpdate): void;
  /** connected true once the first state arrived; false with the reason whenever the stream is lost. */
  onConnection(connected: boolean, reason: string | null): void;
}

export interface HubStream {
  stop(): void;
  /** Drop the current stream and connect again now (fresh full state). */
  reconnect(): void;
  readonly connected: boolean;
}

export interface StreamOptions {
  idleMs?: number;
  minRetryMs?: number;
  maxRetryMs?: number;
}

/** Largest event the client accepts: a hub that sends more is not one. */
const MAX_EVENT_BYTES = 256 * 1024 * 1024;

export function openHubStream(endpoint: HubEndpoint, handlers: StreamHandlers, options: StreamOptions = {}): HubStream {
  const idleMs = options.idleMs ?? 45_000;
  const minRetry = options.minRetryMs ?? 500;
  const maxRetry = options.maxRetryMs ?? 10_000;
  let stopped = false;
  let connected = false;
  let delay = minRetry;
  let current: ReturnType<typeof send> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const lost = (reason: string, slow = false) => {
    current = null;
    if (connected || reason) handlers.onConnection(false, reason);
    connected = false;
    if (stopped) return;
    retryTimer = setTimeout(connect, slow ? maxRetry : delay);
    delay = Math.min(maxRetry, delay * 2);
  };

  function dispatch(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':') || line === '') continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    const parsed: unknown = JSON.parse(data.join('\n'));
    if (event === 'state') {
      handlers.onState(parsed as HubState);
      if (!connected) {
        connected = true;
        delay = minRetry;
        handlers.onConnection(true, null);
      }
    } else if (event === 'update') handlers.onUpdate(parsed as HubUpdate);
  }

  function connect(): void {
    retryTimer = null;
    if (stopped) return;
    let ended = false;
    const end = (reason: string, slow = false) => {
      if (ended) return;
      ended = true;
      req.destroy();
      lost(reason, slow);
    };
    const { url, options: opts } = requestOptions(endpoint, 'GET', '/api/v1/events', { accept: 'text/event-stream' });
    const req = send(url, opts, (res) => {
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let reason = `HTTP ${res.statusCode}`;
          try {
            reason = answerReason({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            });
          } catch {
            // keep the status line
          }
          // A refused token will not start working by itself: retry slowly.
          end(
            `hub refused the stream (${res.statusCode}): ${reason}`,
            res.statusCode === 401 || res.statusCode === 403,
          );
        });
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        if (buffer.length > MAX_EVENT_BYTES) return end('hub sent an event over the size limit');
        let at: number;
        while ((at = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + (buffer[at] === '\r' ? 4 : 2));
          try {
            dispatch(block);
          } catch (error) {
            return end(`hub sent an event that is not JSON (${(error as Error).message})`);
          }
        }
      });
      res.on('end', () => end('the hub closed the stream (restarting?)'));
      res.on('error', (error) => end(error.message));
    });
    req.setTimeout(idleMs, () => end(`no data from the hub for ${Math.round(idleMs / 1000)} s`));
    req.on('error', (error: Error) => end(error.message));
    req.end();
    current = req;
  }

  connect();
  return {
    stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      current?.destroy();
    },
    reconnect() {
      if (stopped) return;
      if (retryTimer) {
        clearTimeout(retryTimer);
        connect();
      } else current?.destroy(new Error('reconnecting'));
    },
    get connected() {
      return connected;
    },
  };
}
