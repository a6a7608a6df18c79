// Given airtop running headless against the real Airflow, when the api-server goes away, then the next poll
// keeps the last good data marked stale and says why; when the api-server is back, the next poll recovers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AirflowApi } from './support/api.js';
import { cliEnv, RunningCli, writeConfig } from './support/cli.js';
import { harness } from './support/context.js';
import { airflowDaemon } from './support/daemon.js';
import { notYet, waitFor } from './support/wait.js';

async function scrape(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(url)).text();
  const values: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^(airtop_up|airtop_poll_failures_total) (\S+)$/.exec(line);
    if (match) values[match[1]!] = Number(match[2]);
  }
  return values;
}

describe('the api-server stops while airtop polls (headless, every 2 s)', () => {
  let cli: RunningCli;
  let metricsUrl: string;
  let apiServerDown = false;

  const pollsAfter = (index: number) => cli.jsonLines().slice(index);

  beforeAll(async () => {
    await AirflowApi.as('admin').waitQuiet();
    const h = harness();
    const env = cliEnv({ AIRFLOW_USERNAME: h.users.op.username, AIRFLOW_PASSWORD: h.users.op.password });
    cli = new RunningCli(
      ['--url', h.url, '--headless', '--interval', '2', '--metrics-listen', '127.0.0.1:0', '--config', writeConfig({})],
      env,
    );
    const listening = await waitFor(
      async () =>
        cli.jsonLines().find((l) => l.msg === 'metrics endpoint listening') ??
        notYet(`stderr so far:\n${cli.lines.join('\n')}`),
      { timeoutMs: 60_000, what: 'the metrics endpoint' },
    );
    metricsUrl = `${String(listening.url).replace(/\/$/, '')}${String(listening.url).endsWith('/metrics') ? '' : '/metrics'}`;
  }, 120_000);

  afterAll(async () => {
    if (apiServerDown) await airflowDaemon('start', 'api-server');
    await cli?.stop();
  }, 400_000);

  it('polls, goes stale with the reason while the api-server is down, and recovers when it is back', async () => {
    await waitFor(
      async () => (cli.jsonLines().some((l) => l.msg === 'poll') ? true : notYet(cli.lines.slice(-5).join('\n'))),
      {
        timeoutMs: 60_000,
        what: 'a first successful poll',
      },
    );
    expect((await scrape(metricsUrl)).airtop_up).toBe(1);

    const beforeStop = cli.jsonLines().length;
    apiServerDown = true;
    await airflowDaemon('stop', 'api-server');
    const failure = await waitFor(
      async () =>
        pollsAfter(beforeStop).find((l) => l.level === 'error' && /stale/.test(String(l.msg))) ??
        notYet(cli.lines.slice(-3).join('\n')),
      { timeoutMs: 120_000, what: 'a failed poll reported as stale' },
    );
    expect(String(failure.error)).toContain(harness().url.replace('http://', ''));
    await waitFor(async () => ((await scrape(metricsUrl)).airtop_up === 0 ? true : notYet('airtop_up still 1')), {
      timeoutMs: 30_000,
      what: 'airtop_up 0',
    });
    expect((await scrape(metricsUrl)).airtop_poll_failures_total).toBeGreaterThanOrEqual(1);

    const beforeStart = cli.jsonLines().length;
    await airflowDaemon('start', 'api-server');
    apiServerDown = false;
    await waitFor(
      async () =>
        pollsAfter(beforeStart).some((l) => l.msg === 'poll') ? true : notYet(cli.lines.slice(-3).join('\n')),
      {
        timeoutMs: 120_000,
        what: 'a successful poll after the restart',
      },
    );
    await waitFor(async () => ((await scrape(metricsUrl)).airtop_up === 1 ? true : notYet('airtop_up still 0')), {
      timeoutMs: 30_000,
      what: 'airtop_up 1 again',
    });

    const code = await cli.stop();
    expect(code).toBe(0);
    expect(cli.jsonLines().some((l) => l.msg === 'stopped cleanly')).toBe(true);
  }, 400_000);
});
