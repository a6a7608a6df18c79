import { describe, expect, it } from 'vitest';
import { emailContent } from '../../../source/sinks/email.js';
import { pagerDutyEvent } from '../../../source/sinks/pagerduty.js';
import { slackMessage } from '../../../source/sinks/slack.js';
import { slaNotification, thresholdNotification } from './notification-fixture.js';

const KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

describe('Slack messages (the reference payloads)', () => {
  it('a threshold violation is the monitoring DAG\'s alert with "Value: 85.00%, Threshold: 90.00%"', () => {
    expect(slackMessage(thresholdNotification())).toEqual({
      text: ':red_circle: Capstone Pipeline Alert',
      attachments: [
        {
          color: '#ff0000',
          title: 'Critical Violations Detected',
          text: 'capstone_ingestion_pipeline success rate 85.00% < 90.00%',
          fields: [{ title: 'success_rate_critical', value: 'Value: 85.00%, Threshold: 90.00%', short: true }],
        },
      ],
    });
  });

  it.each([
    [1, '#ffcc00'],
    [2, '#ff6600'],
    [3, '#ff0000'],
  ] as const)("an SLA miss at level %i is the SLA handler's attachment in %s", (level, color) => {
    const [attachment] = slackMessage(slaNotification(level)).attachments;
    expect(attachment).toMatchObject({
      color,
      title: `:clock1: SLA Miss - Level ${level}`,
      footer: `Escalation Level: ${level}`,
      fields: [
        { title: 'DAG', value: 'capstone_processing_pipeline', short: true },
        { title: 'Task', value: 'extract_text', short: true },
        { title: 'Lateness', value: expect.stringMatching(/^0:\d\d:00$/), short: true },
        { title: 'Blocking', value: 'generate_summary', short: true },
      ],
    });
    expect(attachment!.text).toMatch(/^SLA missed for capstone_processing_pipeline\.extract_text/);
  });

  it('resolution and acknowledgement have their own messages', () => {
    expect(slackMessage(slaNotification(2, 'resolved'))).toMatchObject({
      text: expect.stringMatching(/^:large_green_circle: Resolved/),
      attachments: [{ color: '#36a64f' }],
    });
    const ack = slackMessage(slaNotification(2, 'acknowledged'));
    expect(ack.text).toMatch(/^:eyes: Acknowledged by ann/);
    expect(ack.attachments[0]!.fields).toContainEqual({ title: 'Note', value: 'restarting the worker', short: true });
  });
});

describe('email (the reference SLA mail)', () => {
  it('has subject [SLA MISS] dag.task and the reference HTML rows', () => {
    const mail = emailContent(slaNotification(2));
    expect(mail.subject).toBe('[SLA MISS] capstone_processing_pipeline.extract_text');
    expect(mail.html).toContain('<h2>SLA Miss Alert</h2>');
    expect(mail.html).toContain('<p><strong>Severity:</strong> high</p>');
    expect(mail.html).toContain('<p><strong>DAG:</strong> capstone_processing_pipeline</p>');
    expect(mail.html).toContain('<p><strong>Task:</strong> extract_text</p>');
    expect(mail.html).toContain('<p><strong>Blocking Tasks:</strong> generate_summary</p>');
    expect(mail.text).toContain('Lateness: 0:40:00');
  });

  it('other alerts use the same style, and values are HTML-escaped', () => {
    const n = thresholdNotification();
    n.alert.annotations.summary = 'rate <85%> & falling';
    const mail = emailContent(n);
    expect(mail.subject).toBe('[CRITICAL] success_rate_critical capstone_ingestion_pipeline');
    expect(mail.html).toContain('<p><strong>Summary:</strong> rate &lt;85%&gt; &amp; falling</p>');
    expect(mail.html).toContain('<p><strong>Value:</strong> Value: 85.00%, Threshold: 90.00%</p>');
    expect(emailContent(thresholdNotification('resolved')).subject).toMatch(/^\[RESOLVED\]/);
  });
});

describe('PagerDuty Events API v2', () => {
  it('triggers with dedup_key = fingerprint and the reference fields as custom_details', () => {
    const event = pagerDutyEvent(slaNotification(3), KEY, 'airflow.example:8080');
    expect(event).toMatchObject({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: 'c2aa51ecbcc11cb2',
      payload: {
        severity: 'critical',
        source: 'airflow.example:8080',
        component: 'capstone_processing_pipeline',
        group: 'extract_text',
        class: 'sla_miss',
        timestamp: '2024-01-15T12:30:00.000Z',
        custom_details: {
          type: 'sla_miss',
          escalation_level: 3,
          lateness_human: expect.any(String),
          blocking_tasks: 'generate_summary',
          execution_date: expect.any(String),
        },
      },
    });
    expect(pagerDutyEvent(slaNotification(2), KEY, 's').payload!.severity).toBe('error');
  });

  it('acknowledges and resolves the same dedup_key, without a payload', () => {
    expect(pagerDutyEvent(slaNotification(3, 'acknowledged'), KEY, 's')).toEqual({
      routing_key: KEY,
      event_action: 'acknowledge',
      dedup_key: 'c2aa51ecbcc11cb2',
      client: 'airtop',
    });
    expect(pagerDutyEvent(slaNotification(3, 'resolved'), KEY, 's').event_action).toBe('resolve');
  });

  it('keeps summary within 1024 characters', () => {
    const n = thresholdNotification();
    n.alert.annotations.summary = 'x'.repeat(5000);
    expect(pagerDutyEvent(n, KEY, 's').payload!.summary).toHaveLength(1024);
  });
});
