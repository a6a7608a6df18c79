import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type ConfigInput } from '../../source/config/schema.js';
import type { AlertCandidate, Report } from '../../source/report/types.js';
import { createNotifier } from '../../source/sinks/notifier.js';

// An alert storm: 500 DAGs fail at once (each a critical success rate and a slow run). Alerts go through
// the real notifier and outbox to a loopback Slack webhook; the clock is simulated, so Slack's one message
// a second costs simulated seconds, not real ones. Measured with the default routing (grouped) and with
// every alert its own group sent straight to Slack (what airtop did before routing).

export interface StormResult {
  alertsIn: number;
  messagesOut: number;
  /** Simulated seconds from the first poll until the outbox is empty. */
  drainSeconds: number;
  realMs: number;
}

async function slackReceiver(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    count: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function stormCandidates(dags: number): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  for (let i = 0; i < dags; i++) {
    const dag_id = `dag_${String(i).padStart(4, '0')}`;
    out.push({
      labels: { alertname: 'success_rate_critical', severity: 'critical', dag_id },
      annotations: { summary: `${dag_id} success rate 0.00% < 90.00%` },
      severity: 'critical',
    });
    out.push({
      labels: { alertname: 'slow_run', severity: 'warning', dag_id, run_id: 'r1' },
      annotations: { summary: `${dag_id} run r1 is slow` },
      severity: 'warning',
    });
  }
  return out;
}

const emptyReport = (now: Date) =>
  ({
    timestamp: now.toISOString(),
    airflow: { url: '' },
    sla: { misses: [] },
    thresholds: { violations: [], warnings: [], healthy: false },
    anomalies: [],
  }) as unknown as Report;

export async function runStorm(dags: number, alerts: ConfigInput['alerts']): Promise<StormResult> {
  const slack = await slackReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'airtop-storm-'));
  const started = Date.now();
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  let now = new Date(t0);
  const config = configSchema.parse({ alerts, sinks: { slack: { webhook_url_env: 'SLACK_URL' } } });
  const notifier = await createNotifier({
    config,
    stateDir: dir,
    variableWriter: null,
    clock: () => now,
    timers: false,
    random: () => 0,
    env: { SLACK_URL: slack.url },
    closeTimeoutMs: 10,
  });
  try {
    const candidates = stormCandidates(dags);
    await notifier.afterPoll(emptyReport(now), candidates, now);
    // Step a simulated second at a time (polls every 5 minutes, as the default interval) until every
    // group has flushed and the outbox is empty; give up after a simulated day.
    for (let s = 1; s < 86_400; s++) {
      now = new Date(t0 + s * 1000);
      if (s % 300 === 0) await notifier.afterPoll(emptyReport(now), candidates, now);
      notifier.flushDue(now);
      await notifier.outbox.deliverDue();
      const idle = notifier.outbox.status().every((x) => x.queueDepth === 0);
      // Done when the queue is empty and nothing is due but repeats (hours away).
      const due = notifier.alerts.nextDueAt();
      if (idle && slack.count() > 0 && (due === null || due.getTime() - now.getTime() > 3600_000)) {
        return {
          alertsIn: candidates.length,
          messagesOut: slack.count(),
          drainSeconds: s,
          realMs: Date.now() - started,
        };
      }
    }
    throw new Error('the storm did not drain in a simulated day');
  } finally {
    await notifier.close();
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench's lines: grouped (the defaults) against one message per alert. */
export async function stormLines(dags = 500): Promise<{ lines: string[]; grouped: StormResult }> {
  const grouped = await runStorm(dags, {});
  const single = await runStorm(dags, { group_wait: 0, group_by: ['...'], receivers: ['slack'], routes: [] });
  const line = (name: string, r: StormResult) =>
    `${name}: ${r.alertsIn} alerts in, ${r.messagesOut} Slack message${r.messagesOut === 1 ? '' : 's'} out, outbox empty after ${r.drainSeconds} s simulated (${r.realMs} ms real)`;
  return {
    lines: [line('grouped (default routes)', grouped), line('one message per alert (before routing)', single)],
    grouped,
  };
}
