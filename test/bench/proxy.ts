// A TCP pass-through on 127.0.0.1 that counts the bytes each way, so "bytes transferred" is measured the
// same way for PostgreSQL (airtop's SQL source, the reference's SQLAlchemy) and HTTP (the REST source).
import { createConnection, createServer, type Socket } from 'node:net';

export interface ByteCount {
  /** Client → server. */
  sent: number;
  /** Server → client. */
  received: number;
  connections: number;
}

export interface CountingProxy {
  port: number;
  counts(): ByteCount;
  close(): Promise<void>;
}

export async function startCountingProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<CountingProxy> {
  const totals: ByteCount = { sent: 0, received: 0, connections: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    totals.connections += 1;
    const upstream = createConnection({ port: targetPort, host: targetHost });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => (totals.sent += chunk.length));
    upstream.on('data', (chunk: Buffer) => (totals.received += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the counting proxy has no port');
  return {
    port: address.port,
    counts: () => ({ ...totals }),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The same URL, pointing at the proxy instead. */
export function viaProxy(url: string, proxy: CountingProxy): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(proxy.port);
  return parsed.toString().replace(/\/$/, '');
}
