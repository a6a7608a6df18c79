import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { VariableWriter } from '../../source/sinks/airflow-variables.js';
import { configSchema } from '../../source/config/schema.js';
import { createNotifier } from '../../source/sinks/notifier.js';
import { poolCandidate, sampleReport, successRateCandidate } from '../unit/sinks/report-fixture.js';

// Fleet mode's 'latest' sinks: each instance's state goes to its own target — its Pushgateway group, its own
// Airflow's Variables — and the dashboard and Alertmanager payloads name the instance.

interface Hit {
  method: string;
  url: string;
  body: string;
}

let server: Server | null = null;
let dir = '';
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
  rmSync(dir, { recursive: true, force: true });
});

async function receiver(): Promise<{ url: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

function recordingWriter(): VariableWriter & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    async setVariable(key) {
      keys.push(key);
    },
    async getVariable() {
      return null;
    },
  };
}

describe('fleet latest sinks', () => {
  it('push each instance to its own group, write each Airflow its own Variables, label the payloads', async () => {
    dir = mkdtempSync(join(tmpdir(), 'airtop-fleet-sinks-'));
    const { url, hits } = await receiver();
    const config = configSchema.parse({
      sinks: {
        pushgateway: { url, job: 'airtop' },
        dashboard: { url: `${url}/status` },
        alertmanager: { url },
        airflow_variables: {},
      },
    });
    const prodWriter = recordingWriter();
    const stagingWriter = recordingWriter();
    const notifier = await createNotifier({
      config,
      stateDir: dir,
      variableWriter: null,
      timers: false,
      instances: [
        { name: 'prod', url: 'http://prod:8080', variableWriter: prodWriter },
        { name: 'staging', url: 'http://staging:8080', variableWriter: stagingWriter },
      ],
    });
    try {
      const now = new Date('2024-01-15T12:30:00Z');
      for (const name of ['prod', 'staging']) {
        const candidates = [successRateCandidate, poolCandidate].map((c) => ({
          ...c,
          labels: { ...c.labels, instance: name },
        }));
        await notifier.forInstance(name).afterPoll(sampleReport(), candidates, now);
      }
      expect(await notifier.outbox.flush(5000)).toBe(true);
    } finally {
      await notifier.close();
    }
    const pushes = hits.filter((h) => h.method === 'PUT').map((h) => h.url);
    expect(pushes).toContain('/metrics/job/airtop/instance/prod');
    expect(pushes).toContain('/metrics/job/airtop/instance/staging');
    const statuses = hits.filter((h) => h.url === '/status').map((h) => JSON.parse(h.body) as { instance?: string });
    expect(new Set(statuses.map((s) => s.instance))).toEqual(new Set(['prod', 'staging']));
    const am = hits.filter((h) => h.url === '/api/v2/alerts');
    const last = JSON.parse(am.at(-1)!.body) as { labels: Record<string, string>; generatorURL?: string }[];
    expect(new Set(last.map((a) => a.labels.instance))).toEqual(new Set(['prod', 'staging']));
    for (const a of last) expect(a.generatorURL ?? '').toContain(`http://${a.labels.instance}:8080`);
    expect(prodWriter.keys).toContain('capstone_latest_metrics');
    expect(stagingWriter.keys).toContain('capstone_latest_metrics');
  });
});
