import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { normalisePath, normaliseQuery, recordingFileName, type Recording } from './recording.js';

// A fake Airflow that answers from recordings of a real one, and a proxy that makes such recordings.

export interface ReplayServer {
  url: string;
  /** Requests no recording answered (they got a 404 naming what is missing). */
  misses: { method: string; path: string; query: string }[];
  /** Every request, with its Authorization header and JSON body, for tests to inspect. */
  requests: { method: string; path: string; query: string; authorization: string | undefined; body: unknown }[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

const keysOf = (query: string) => [...new Set(new URLSearchParams(query).keys())].sort().join('&');

/**
 * Match on method + path + sorted query; then on the request body where recordings carry one; then the
 * only recording of that method and path; then the only one with the same query keys (values such as
 * timestamps differ from run to run). Any token is accepted and /auth/token always signs in.
 */
export function findRecording(
  recordings: Recording[],
  method: string,
  path: string,
  query: string,
  body: unknown,
): Recording | null {
  const samePath = recordings.filter((r) => r.method === method && normalisePath(r.path) === normalisePath(path));
  const exact = samePath.filter((r) => r.query === normaliseQuery(query));
  if (exact.length === 1) return exact[0]!;
  const pool = exact.length > 1 ? exact : samePath;
  const byBody = pool.filter((r) => r.request !== undefined && isDeepStrictEqual(r.request, body));
  if (byBody.length >= 1) return byBody[0]!;
  if (pool.length === 1) return pool[0]!;
  const byKeys = pool.filter((r) => keysOf(r.query) === keysOf(query));
  return byKeys.length === 1 ? byKeys[0]! : (exact[0] ?? null);
}

export async function startReplayServer(
  recordings: Recording[],
  options: { port?: number } = {},
): Promise<ReplayServer> {
  const misses: ReplayServer['misses'] = [];
  const requests: ReplayServer['requests'] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const url = new URL(req.url ?? '/', 'http://replay');
      const method = req.method ?? 'GET';
      requests.push({
        method,
        path: url.pathname,
        query: url.search.slice(1),
        authorization: req.headers.authorization,
        body: parseJson(text),
      });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (method === 'POST' && url.pathname === '/auth/token') return send(201, { access_token: 'replayed-token' });
      const found = findRecording(recordings, method, url.pathname, url.search.slice(1), parseJson(text));
      if (!found) {
        misses.push({ method, path: url.pathname, query: url.search.slice(1) });
        return send(404, { detail: `no recording for ${method} ${url.pathname}?${url.search.slice(1)}` });
      }
      if (found.contentType !== undefined) {
        res.writeHead(found.status, { 'content-type': found.contentType });
        res.end(String(found.body));
        return;
      }
      send(found.status, found.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    misses,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface RecordingProxy {
  url: string;
  recordings: (Recording & { fileName: string })[];
  close(): Promise<void>;
}

/**
 * Forwards every request to `target` and keeps each exchange as a Recording (access tokens redacted):
 * point airtop at it to capture exactly the requests airtop makes.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const recordings: RecordingProxy['recordings'] = [];
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const url = new URL(req.url ?? '/', 'http://proxy');
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: url.pathname + url.search,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          void readBody(answer).then((reply) => {
            let body = parseJson(reply);
            if (url.pathname === '/auth/token' && body && typeof body === 'object' && 'access_token' in body)
              body = { ...body, access_token: '<redacted>' };
            const method = req.method ?? 'GET';
            let requestBody = parseJson(text);
            if (url.pathname === '/auth/token' && requestBody && typeof requestBody === 'object')
              requestBody = { ...requestBody, password: '<redacted>' };
            const recording: Recording = {
              method,
              path: url.pathname,
              query: normaliseQuery(url.search.slice(1)),
              status: answer.statusCode ?? 0,
              body,
            };
            if (requestBody !== undefined) recording.request = requestBody;
            // Airflow 2 answers unknown routes with an HTML page: keep its type so a replay sends it back as such.
            const type = answer.headers['content-type'];
            if (typeof type === 'string' && !type.includes('json') && typeof body === 'string')
              recording.contentType = type;
            recordings.push({ ...recording, fileName: recordingFileName(recording) });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(reply);
          });
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ detail: `proxy could not reach ${target}: ${error.message}` }));
      });
      forward.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    recordings,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
