import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

// A small, scriptable Airflow 3 API on 127.0.0.1 for hostile-input tests: it answers the endpoints airtop
// reads with whatever records a test gives it (escape sequences in ids, total_entries of 1e15, runs that
// end before they start), can hang, and counts every request so a test can say how hard airtop hit it.

export interface FakeAirflowOptions {
  dags?: unknown[];
  runs?: unknown[];
  taskInstances?: unknown[];
  pools?: unknown[];
  /** total_entries for every list (default: the list's length). */
  totalEntries?: number;
  /** Answer nothing, ever (sockets stay open until close()). */
  hang?: boolean;
  /** A reply for a path before the defaults are consulted; undefined falls through. */
  override?: (method: string, path: string) => { status: number; body: unknown } | undefined;
}

export interface FakeAirflow {
  url: string;
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res
    .writeHead(status, { 'content-type': 'application/json', date: new Date().toUTCString() })
    .end(JSON.stringify(body));
};

export async function startFakeAirflow(options: FakeAirflowOptions = {}): Promise<FakeAirflow> {
  const requests: { method: string; path: string }[] = [];
  const sockets = new Set<Socket>();
  const list = (key: string, items: unknown[] = []) => ({
    [key]: items,
    total_entries: options.totalEntries ?? items.length,
  });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    requests.push({ method, path });
    if (options.hang) return;
    req.resume();
    req.on('end', () => {
      const custom = options.override?.(method, path);
      if (custom) return json(res, custom.status, custom.body);
      if (path === '/api/v2/version') return json(res, 200, { version: '3.0.2', git_version: null });
      if (path === '/auth/token') return json(res, 201, { access_token: 'fake-token' });
      if (path === '/api/v2/monitor/health') {
        return json(res, 200, {
          metadatabase: { status: 'healthy' },
          scheduler: { status: 'healthy', latest_scheduler_heartbeat: new Date().toISOString() },
        });
      }
      if (path === '/api/v2/dags') return json(res, 200, list('dags', options.dags));
      if (path === '/api/v2/pools') return json(res, 200, list('pools', options.pools));
      if (/^\/api\/v2\/dags\/[^/]+\/dagRuns(\/list)?$/.test(path))
        return json(res, 200, list('dag_runs', options.runs));
      if (/\/taskInstances(\/list)?$/.test(path)) return json(res, 200, list('task_instances', options.taskInstances));
      if (path.startsWith('/api/v2/variables/')) return json(res, 404, { detail: 'Variable not found' });
      return json(res, 404, { detail: `no route ${path}` });
    });
  };

  const server: Server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Everything a terminal might act on: ESC, BEL, C1, bidi controls, zero-width characters. */
export const TERMINAL_UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/** A DAG id as a hostile server would send it. */
export const HOSTILE = 'evil\x1b[2J\x1b[31mred\x1b]0;pwned\x07\x1b[?1049l\u202etxt.exe\u200b\x9b31m\x1bP+q\x1b\\end';
