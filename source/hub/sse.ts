import type { ServerResponse } from 'node:http';

// The change stream: Server-Sent Events, one long response per client. Events are serialised once and
// written to every client. A client that does not read (its socket buffer grows past maxBufferedBytes) is
// dropped rather than letting the daemon's memory grow; it reconnects and gets the full state again.

export interface SseHub {
  /** false when the hub already serves maxClients streams. */
  add(res: ServerResponse, first: { event: string; data: string; id: number }): boolean;
  broadcast(event: string, data: string, id: number): void;
  readonly size: number;
  close(): void;
}

export interface SseOptions {
  maxClients: number;
  /** A comment line this often keeps proxies from closing an idle stream and lets clients notice a dead hub. */
  heartbeatMs?: number;
  maxBufferedBytes?: number;
}

export const HEARTBEAT_MS = 15_000;

function frame(event: string, data: string, id: number): string {
  return `id: ${id}\nevent: ${event}\ndata: ${data}\n\n`;
}

export function createSseHub(options: SseOptions): SseHub {
  const clients = new Set<ServerResponse>();
  const maxBuffered = options.maxBufferedBytes ?? 32 * 1024 * 1024;
  const write = (res: ServerResponse, text: string | Buffer) => {
    if (res.writableLength > maxBuffered) {
      clients.delete(res);
      res.destroy();
      return;
    }
    res.write(text);
  };
  const timer = setInterval(() => {
    for (const res of clients) write(res, `: ping ${Date.now()}\n\n`);
  }, options.heartbeatMs ?? HEARTBEAT_MS);
  timer.unref();
  return {
    add(res, first) {
      if (clients.size >= options.maxClients) return false;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.socket?.setNoDelay(true);
      res.write(`retry: 2000\n\n${frame(first.event, first.data, first.id)}`);
      clients.add(res);
      res.on('close', () => clients.delete(res));
      return true;
    },
    broadcast(event, data, id) {
      if (clients.size === 0) return;
      // Encoded once: 50 clients share one buffer instead of 50 copies of a large snapshot.
      const bytes = Buffer.from(frame(event, data, id), 'utf8');
      for (const res of clients) write(res, bytes);
    },
    get size() {
      return clients.size;
    },
    close() {
      clearInterval(timer);
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
