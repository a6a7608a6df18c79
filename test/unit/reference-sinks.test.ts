// The differential test's sink comparisons (test/e2e/reference/sinks.ts, pagerduty.ts) on hand-made payloads
// in the reference's and airtop's shapes, and the PagerDuty capture proxy with a real TLS client through CONNECT.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../e2e/airflow/harness.js';
import { judge } from '../e2e/reference/figures.js';
import { makeCertificates, pagerDutyFigures, PAGERDUTY_HOST, startPagerDutyProxy } from '../e2e/reference/pagerduty.js';
import {
  dashboardFigures,
  historyFigures,
  parsePrometheus,
  pushgatewayFigures,
  slackThresholdFigures,
} from '../e2e/reference/sinks.js';

const byPath = (figures: { path: string; reference: unknown; airtop: unknown }[]) =>
  Object.fromEntries(figures.map((f) => [f.path, [f.reference, f.airtop]]));

describe("the differential test's sink comparisons", () => {
  it('compares Pushgateway samples by name and labels, whatever the order and the TYPE lines', () => {
    const reference = {
      method: 'POST',
      path: '/metrics/job/capstone_pipeline',
      contentType: 'text/plain',
      body: 'capstone_health_score{pipeline="document-processor"} 85.0\ncapstone_cost_usd{type="total"} 0.25\n',
    };
    const airtop = {
      method: 'PUT',
      path: '/metrics/job/capstone_pipeline',
      contentType: 'text/plain; version=0.0.4',
      body: [
        '# HELP capstone_cost_usd x',
        '# TYPE capstone_cost_usd gauge',
        'capstone_cost_usd{type="embedding"} 0.01',
        'capstone_cost_usd{type="total"} 0.5',
        '# TYPE capstone_health_score gauge',
        'capstone_health_score{pipeline="document-processor"} 85',
        'capstone_dag_runs{dag_id="a.b",state="success"} 2',
      ].join('\n'),
    };
    expect(parsePrometheus(airtop.body).samples.map((s) => s.key)).toContain(
      'capstone_dag_runs{dag_id=a/b,state=success}',
    );
    const f = byPath(pushgatewayFigures(reference, airtop));
    expect(f['sinks.pushgateway.samples.capstone_health_score{pipeline=document-processor}']).toEqual([85, 85]);
    expect(f['sinks.pushgateway.samples.capstone_cost_usd{type=total}']).toEqual([0.25, 0.5]);
    expect(f['sinks.pushgateway.type.capstone_cost_usd']).toEqual(['untyped', 'gauge']);
    expect(f['sinks.pushgateway.families_added']).toEqual([[], ['capstone_dag_runs']]);
    expect(f['sinks.pushgateway.request']).toEqual([
      'POST /metrics/job/capstone_pipeline',
      'PUT /metrics/job/capstone_pipeline',
    ]);
  });

  it('compares Slack threshold fields per type, in any order, and the titles as sent', () => {
    const message = (titles: string[], values: string[]) => ({
      text: ':red_circle: Capstone Pipeline Alert',
      attachments: [
        {
          color: '#ff0000',
          title: 'Critical Violations Detected',
          fields: titles.map((title, i) => ({ title, value: values[i], short: true })),
        },
      ],
    });
    const reference = [message(['a', 'b'], ['Value: 50.00%', 'Value: 1.00%'])];
    const airtop = [
      { text: 'other', attachments: [{ title: 'SLA Miss - Level 1' }] },
      message(['NEW b', 'NEW a'], ['Value: 1.00%', 'Value: 40.00%']),
    ];
    const verdict = judge(slackThresholdFigures(reference, airtop), []);
    expect(verdict.agree.map((x) => x.path).sort()).toEqual([
      'sinks.slack.thresholds.color',
      'sinks.slack.thresholds.messages',
      'sinks.slack.thresholds.text',
      'sinks.slack.thresholds.values.b',
    ]);
    expect(verdict.undocumented.map((x) => x.path).sort()).toEqual([
      'sinks.slack.thresholds.field_titles',
      'sinks.slack.thresholds.values.a',
    ]);
  });

  it('compares the dashboard body leaf by leaf (timestamps left out) and recent runs by run', () => {
    const run = (id: string, state: string) => ({ dag_id: 'd', run_id: id, state, execution_date: 'e' });
    const f = byPath(
      dashboardFigures(
        {
          body: { timestamp: 1, status: { health_score: 90 }, recent_runs: [run('r1', 'success'), run('m', 'x')] },
          authorization: 'Bearer k',
        },
        {
          body: { timestamp: 2, status: { health_score: 80 }, extra: { x: 1 }, recent_runs: [run('r1', 'failed')] },
          authorization: 'Bearer k',
        },
      ),
    );
    expect(f['sinks.dashboard.body.status.health_score']).toEqual([90, 80]);
    expect(f['sinks.dashboard.body.extra.x']).toEqual([undefined, 1]);
    expect(f['sinks.dashboard.body.timestamp']).toBeUndefined();
    expect(f['sinks.dashboard.recent_runs.r1.state']).toEqual(['success', 'failed']);
    expect(f['sinks.dashboard.recent_runs.listed']).toEqual([['d r1', 'd m'], ['d r1']]);
    expect(f['sinks.dashboard.authorization']).toEqual(['Bearer k', 'Bearer k']);
  });

  it('matches sla_miss_history entries by dag, task and logical date, whatever the date format', () => {
    const reference = [
      { dag_id: 'd', task_id: 't', execution_date: '2026-01-01T10:00:00+00:00', escalation_level: 1, timestamp: 'a' },
      { dag_id: 'd', task_id: 'u', execution_date: '2026-01-01T10:00:00+00:00', escalation_level: 1 },
    ];
    const airtop = [
      {
        dag_id: 'd',
        task_id: 't',
        execution_date: '2026-01-01T10:00:00.000Z',
        escalation_level: 3,
        run_id: 'r',
        timestamp: 'b',
      },
    ];
    const f = byPath(historyFigures(reference, airtop));
    expect(f['sla.written.d/t/2026-01-01T10:00:00Z.escalation_level']).toEqual([1, 3]);
    expect(f['sla.written.d/t/2026-01-01T10:00:00Z.timestamp']).toBeUndefined();
    expect(f['sla.written.d/t/2026-01-01T10:00:00Z.run_id']).toBeUndefined();
    expect(f['sla.written.d/u/2026-01-01T10:00:00Z.entry']).toEqual(['written', undefined]);
  });

  it("pairs the reference's PagerDuty v1 event with airtop's v2 trigger of the same task and logical date", () => {
    const details = (date: string, level: number) => ({
      dag_id: 'd',
      task_id: 't',
      execution_date: date,
      escalation_level: level,
    });
    const reference = [
      {
        path: '/generic/2010-04-15/create_event.json',
        body: JSON.stringify({
          service_key: 'k',
          event_type: 'trigger',
          description: 'late',
          incident_key: 'sla-d-t',
          details: details('2026-01-01T10:05:00+00:00', 3),
        }),
      },
    ];
    const v2 = (date: string) => ({
      path: '/v2/enqueue',
      body: JSON.stringify({
        routing_key: 'k',
        event_action: 'trigger',
        dedup_key: 'fp',
        payload: { summary: 'late', custom_details: details(date, 3) },
      }),
    });
    const f = byPath(pagerDutyFigures(reference, [v2('2026-01-01T10:00:00.000Z'), v2('2026-01-01T10:05:00.000Z')]));
    expect(f['sinks.pagerduty.events']).toEqual([1, 2]);
    expect(f['sinks.pagerduty.d/t.same_logical_date']).toEqual(['2026-01-01T10:05:00', '2026-01-01T10:05:00']);
    expect(f['sinks.pagerduty.d/t.key']).toEqual(['k', 'k']);
    expect(f['sinks.pagerduty.d/t.incident_key']).toEqual(['sla-d-t', 'fp']);
    expect(f['sinks.pagerduty.d/t.details.escalation_level']).toEqual([3, 3]);
  });
});

describe('the PagerDuty capture proxy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airtop-pd-proxy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('terminates TLS for events.pagerduty.com under the throwaway CA, records the event, refuses other hosts', async () => {
    const tls = makeCertificates(dir);
    const port = await freePort();
    const proxy = await startPagerDutyProxy(port, tls);
    try {
      const tunnel = (target: string) =>
        new Promise<{ status: number; socket: Socket }>((done, fail) => {
          const req = request({ host: '127.0.0.1', port, method: 'CONNECT', path: target });
          req.on('connect', (res, socket) => done({ status: res.statusCode ?? 0, socket }));
          req.on('error', fail);
          req.end();
        });
      const refused = await tunnel('example.com:443');
      refused.socket.destroy();
      expect(refused.status).toBe(403);

      const { status, socket } = await tunnel(`${PAGERDUTY_HOST}:443`);
      expect(status).toBe(200);
      const body = JSON.stringify({ service_key: 'k', event_type: 'trigger', incident_key: 'sla-d-t' });
      const answer = await new Promise<string>((done, fail) => {
        // Verified against the CA only: a certificate the CA did not sign, or another name, fails here.
        const secure = connect({ socket, servername: PAGERDUTY_HOST, ca: tls.ca }, () => {
          secure.write(
            `POST /generic/2010-04-15/create_event.json HTTP/1.1\r\nHost: ${PAGERDUTY_HOST}\r\n` +
              `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
          );
        });
        let text = '';
        secure.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        secure.on('end', () => done(text));
        secure.on('error', fail);
      });
      expect(answer).toMatch(/^HTTP\/1.1 200/);
      expect(answer).toContain('"incident_key":"sla-d-t"');
      expect(proxy.captured.map((c) => [c.method, c.path, c.body])).toEqual([
        ['POST', '/generic/2010-04-15/create_event.json', body],
      ]);
      expect(proxy.refused).toEqual(['example.com:443']);
    } finally {
      await proxy.close();
    }
  });
});
