import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFaults, type DemoFault } from './faults.js';
import { createPlanner } from './plan.js';
import { createRouter, type DemoResponse } from './routes.js';
import { createScenario, type DemoScenario } from './scenario.js';

export interface StartDemoOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  scenario?: DemoScenario;
  /** Real time by default; a fixed clock freezes the simulation (deterministic tests). */
  clock?: () => Date;
  /** Simulated seconds per real second (default 1). */
  speed?: number;
  faults?: DemoFault[];
  /** While this says true the server is "off the network": every connection is reset unanswered. */
  offline?: () => boolean;
}

export interface DemoRequestRecord {
  method: string;
  path: string;
  query: string;
  /** POST/PATCH bodies (first 2,000 characters), so tests can see batch paging. */
  body: string;
  status: number;
}

export interface DemoStats {
  requests: number;
  inFlight: number;
  peakInFlight: number;
  /** The most recent requests (bounded), oldest first. */
  log: DemoRequestRecord[];
  reset(): void;
}

export interface DemoServer {
  url: string;
  credentials: { username: string; password: string };
  scenario: DemoScenario;
  /** The simulated time now. */
  now(): Date;
  faults: { add(fault: DemoFault): void; clear(): void };
  stats: DemoStats;
  expireTokens(): void;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const MAX_LOG = 10_000;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: DemoResponse): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let payload: string;
  if (reply.text !== undefined) {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    payload = reply.text;
  } else {
    headers['content-type'] ??= 'application/json';
    payload = reply.json === undefined ? '' : JSON.stringify(reply.json);
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/**
 * A simulated Airflow 3 on 127.0.0.1: the /api/v2 subset airtop reads, with Airflow's field names, auth,
 * paging and errors, driven by a deterministic scenario over a (possibly accelerated) clock.
 */
export async function startDemoServer(options: StartDemoOptions = {}): Promise<DemoServer> {
  const clock = options.clock ?? (() => new Date());
  const speed = options.speed ?? 1;
  const startedAt = clock().getTime();
  const scenario = options.scenario ?? createScenario({ anchor: new Date(startedAt) });
  const nowMs = () => startedAt + (clock().getTime() - startedAt) * speed;
  const router = createRouter(scenario, createPlanner(scenario));
  const faults = createFaults(options.faults);
  const delays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const stats: DemoStats = {
    requests: 0,
    inFlight: 0,
    peakInFlight: 0,
    log: [],
    reset() {
      stats.requests = 0;
      stats.peakInFlight = stats.inFlight;
      stats.log = [];
    },
  };

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = { timer: setTimeout(() => done(), ms), resolve };
      const done = () => {
        delays.delete(entry);
        resolve();
      };
      delays.add(entry);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://demo');
    const record: DemoRequestRecord = { method, path: url.pathname, query: url.search.slice(1), body: '', status: 0 };
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    stats.log.push(record);
    // Airflow's clock is the simulation's: incremental reads compare its Date header with updated_at.
    res.setHeader('date', new Date(nowMs()).toUTCString());
    if (stats.log.length > MAX_LOG) stats.log.shift();

    const text = method === 'POST' || method === 'PATCH' ? await readBody(req) : '';
    record.body = text.slice(0, 2000);
    const fault = faults.take(method, url.pathname);
    if (fault?.delayMs) await wait(fault.delayMs);
    if (fault?.status !== undefined) {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.headers ?? {}) });
      res.end(fault.body ?? JSON.stringify({ detail: 'injected fault' }));
      return;
    }
    let segments: string[];
    let body: unknown = null;
    try {
      segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    } catch {
      return send(res, { status: 400, json: { detail: 'malformed path' } });
    }
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        return send(res, {
          status: 422,
          json: { detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error', input: {} }] },
        });
      }
    }
    const accept = req.headers.accept ?? '*/*';
    send(
      res,
      router.handle(
        { method, segments, query: url.searchParams, body, accept, authorization: req.headers.authorization },
        nowMs(),
      ),
    );
  }

  const server = createServer((req, res) => {
    if (options.offline?.()) {
      req.socket.destroy();
      return;
    }
    stats.requests += 1;
    stats.inFlight += 1;
    stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
    res.on('close', () => {
      stats.inFlight -= 1;
    });
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, {
          status: 500,
          json: { detail: `demo server error: ${error instanceof Error ? error.message : String(error)}` },
        });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const admin = scenario.users.find((u) => u.role !== 'viewer') ?? scenario.users[0]!;

  return {
    url: `http://127.0.0.1:${port}`,
    credentials: { username: admin.username, password: admin.password },
    scenario,
    now: () => new Date(nowMs()),
    faults: { add: faults.add, clear: faults.clear },
    stats,
    expireTokens: router.expireTokens,
    close: () =>
      new Promise<void>((resolve) => {
        for (const entry of delays) {
          clearTimeout(entry.timer);
          entry.resolve();
        }
        delays.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
