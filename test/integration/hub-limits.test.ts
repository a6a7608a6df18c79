import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../source/config/schema.js';
import { startMetricsServer, type MetricsServer } from '../../source/headless/index.js';
import { loadHubTokens } from '../../source/hub/auth.js';
import { hubRequest, openHubStream, type HubStream } from '../../source/hub/client.js';
import { createHub, type Hub, type HubOptions } from '../../source/hub/server.js';
import { createNotifier, type Notifier } from '../../source/sinks/notifier.js';
import { createAirtopStore } from '../../source/state/store.js';
import { until } from '../helpers/daemon.js';
import { selfSignedCertificate } from '../helpers/tls.js';

// The hub protects the monitor: request rates, change-stream count and body sizes are bounded; it serves
// TLS when given a certificate; /metrics stays open to Prometheus while /api/v1 needs a token; the recent
// actions come from <state dir>/actions.log.

const W = 'write-token-0123456789';
let dir: string;
let notifier: Notifier;
let server: MetricsServer | null = null;
let hub: Hub | null = null;
const streams: HubStream[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'airtop-hub-limits-'));
  notifier = await createNotifier({
    config: configSchema.parse({}),
    stateDir: dir,
    variableWriter: null,
    closeTimeoutMs: 10,
  });
});
afterAll(async () => {
  await notifier.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const s of streams.splice(0)) s.stop();
  hub?.close();
  await server?.close();
  server = null;
});

async function serve(options: Partial<HubOptions> = {}, tls?: { cert: Buffer; key: Buffer }): Promise<string> {
  const store = createAirtopStore();
  hub = createHub({ tokens: loadHubTokens({ AIRTOP_HUB_TOKEN: W })!, store, notifier, stateDir: dir, ...options });
  const h = hub;
  server = await startMetricsServer({
    listen: '127.0.0.1:0',
    getReport: () => null,
    handle: (req, res) => h.handle(req, res),
    ...(tls ? { tls } : {}),
  });
  return server.url;
}

describe('hub limits', () => {
  it('answers 429 with Retry-After past the request rate', async () => {
    const url = await serve({ rate: { perSecond: 1, burst: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await hubRequest({ url, token: W }, 'GET', '/api/v1/alerts')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('serves at most maxStreams change streams and says so to the next one', async () => {
    const url = await serve({ maxStreams: 2 });
    const reasons: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      streams.push(
        openHubStream(
          { url, token: W },
          { onState: () => undefined, onUpdate: () => undefined, onConnection: (_c, reason) => reasons.push(reason) },
          { minRetryMs: 60_000 },
        ),
      );
    }
    await until(
      'two connected and one refused',
      () => streams.filter((s) => s.connected).length === 2 && reasons.some((r) => r?.includes('503')),
      5000,
    );
    expect(reasons.find((r) => r?.includes('503'))).toMatch(/already serves 2 change streams/);
  });

  it('keeps /metrics open and /api/v1 closed without a token; unknown paths are 404 with a hint', async () => {
    const url = await serve();
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    const refused = await fetch(`${url}/api/v1/state`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="airtop"');
    expect(await hubRequest({ url, token: W }, 'GET', '/api/v1/nope')).toMatchObject({
      status: 404,
      body: { error: expect.stringMatching(/GET \/api\/v1\/ lists them/) },
    });
    expect(await hubRequest({ url, token: W }, 'GET', '/api/v1/alerts/x/ack')).toMatchObject({ status: 405 });
  });

  it('lists recent actions from actions.log (JSON lines), skipping lines that are not JSON objects', async () => {
    const url = await serve();
    expect(await hubRequest({ url, token: W }, 'GET', '/api/v1/actions')).toMatchObject({
      status: 200,
      body: { actions: [], available: false },
    });
    writeFileSync(
      join(dir, 'actions.log'),
      '{"action":"clear","dag_id":"a"}\nnot json\n[1]\n{"action":"trigger","dag_id":"b"}\n',
    );
    const answer = await hubRequest({ url, token: W }, 'GET', '/api/v1/actions?limit=1');
    expect(answer).toEqual({ status: 200, body: { actions: [{ action: 'trigger', dag_id: 'b' }], available: true } });
  });

  it('serves HTTPS with a certificate and key; the client trusts it through a CA file', async () => {
    const certDir = mkdtempSync(join(tmpdir(), 'airtop-tls-'));
    try {
      selfSignedCertificate(
        certDir,
        { cert: 'cert.pem', key: 'key.pem' },
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      );
      const cert = readFileSync(join(certDir, 'cert.pem'));
      const url = await serve({}, { cert, key: readFileSync(join(certDir, 'key.pem')) });
      expect(url.startsWith('https://')).toBe(true);
      expect(await hubRequest({ url, token: W, ca: cert }, 'GET', '/api/v1/silences')).toEqual({
        status: 200,
        body: { silences: [] },
      });
      await expect(hubRequest({ url, token: W }, 'GET', '/api/v1/silences')).rejects.toThrow(/self[- ]signed/);
    } finally {
      rmSync(certDir, { recursive: true, force: true });
    }
  });
});
