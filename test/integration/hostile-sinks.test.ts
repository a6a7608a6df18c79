import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/servers.js';

// Receivers that echo the request back in their error body, as many proxies and WAFs do (finding 4), and
// that fail (finding 8): the built daemon, with the demo Airflow, must keep every secret out of its log
// and state files, and say which sink fails in the log, /healthz and /metrics.

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

const WEBHOOK_PATH = '/services/T0SECRET1/B0SECRET2/hookSecretToken12345';
const ROUTING_KEY = 'R0UT1NGKEYabcdef0123456789abcdef';
const DASHBOARD_KEY = 'dash-bearer-key-7f3a9c2e';

interface Echo {
  url: string;
  close(): Promise<void>;
}

/** 400 + the whole request echoed for Slack and PagerDuty (dead letters); 500 + echo for the dashboard (retried: failing). */
async function startEcho(): Promise<Echo> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const status = req.url === '/dash' ? 500 : 400;
      res
        .writeHead(status, { 'content-type': 'text/plain' })
        .end(`blocked by WAF: ${req.method} ${req.url} ${JSON.stringify(req.headers)} ${body}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let echo: Echo | null = null;
let child: ChildProcess | null = null;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  child = null;
  await echo?.close();
  echo = null;
});

const SECRETS = [WEBHOOK_PATH, 'hookSecretToken12345', ROUTING_KEY, DASHBOARD_KEY];

describe('a receiver that echoes the request and one that fails', () => {
  it('keeps every secret out of the log, outbox.json and /healthz; reports the failing sink in the log, /healthz and /metrics', async () => {
    echo = await startEcho();
    const home = mkdtempSync(join(tmpdir(), 'airtop-sinks-'));
    const stateDir = join(home, 'state');
    const config = join(home, 'config.yaml');
    writeFileSync(
      config,
      [
        `alerts:\n  state_dir: ${stateDir}`,
        // Every alert to both receivers at once, so their failures show within the test's time.
        '  routes:\n    - receivers: [slack, pagerduty]\n      group_wait: 0s',
        'sinks:',
        '  slack: {}',
        `  pagerduty:\n    url: ${echo.url}/pd`,
        `  dashboard:\n    url: ${echo.url}/dash\n    api_key_env: DASH_KEY`,
        '  retry: { initial: 0.2, max: 1 }',
      ].join('\n'),
    );
    child = spawn(
      process.execPath,
      [CLI, '--demo', '--headless', '--config', config, '--metrics-listen', '127.0.0.1:0'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          AIRTOP_SLACK_WEBHOOK_URL: `${echo.url}${WEBHOOK_PATH}`,
          AIRTOP_PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
          DASH_KEY: DASHBOARD_KEY,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines = () =>
      stderr
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    await waitFor(
      () => lines().filter((l) => l.msg === 'notification dead-lettered').length >= 2,
      'Slack and PagerDuty dead letters',
      30_000,
      100,
    );
    await waitFor(
      () => lines().some((l) => l.msg === 'sink failing' && l.sink === 'dashboard'),
      'the dashboard reported failing',
      30_000,
      100,
    );
    const metricsUrl = lines().find((l) => l.msg === 'metrics endpoint listening')!.url as string;
    const base = metricsUrl.replace(/\/metrics$/, '');
    const health = await fetch(`${base}/healthz`);
    const healthText = await health.text();
    const metrics = await (await fetch(`${base}/metrics`)).text();
    process.kill(child.pid!, 'SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));

    expect(health.status).toBe(200);
    expect(healthText).toMatch(/^degraded\n/);
    expect(healthText).toMatch(/\nsink dashboard failing since .*HTTP 500 blocked by WAF/);
    // Slack refused every message (400): its latest attempt failed too.
    expect(healthText).toMatch(/\nsink slack failing since .*HTTP 400/);
    expect(metrics).toContain('airtop_sink_up{sink="dashboard"} 0');
    expect(metrics).toMatch(/airtop_sink_dead_letters\{sink="slack"\} [1-9]/);

    const letters = lines().filter((l) => l.msg === 'notification dead-lettered');
    expect(letters.map((l) => l.sink)).toEqual(expect.arrayContaining(['slack', 'pagerduty']));
    // The echo reached the reason (so the test is real), with the secrets cut out.
    expect(letters.map((l) => l.reason).join('\n')).toContain('blocked by WAF');
    const files = readdirSync(stateDir, { recursive: true, encoding: 'utf8' })
      .filter((name) => statSync(join(stateDir, name)).isFile())
      .map((name) => readFileSync(join(stateDir, name), 'utf8'));
    const everything = [stderr, healthText, metrics, ...files].join('\n');
    expect(files.join('\n')).toContain('blocked by WAF');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  }, 60_000);
});
