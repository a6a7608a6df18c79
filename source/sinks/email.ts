import nodemailer from 'nodemailer';
import type { Notification } from '../alerts/types.js';
import { alertName, detail, isSla, slaFields, subject, summary, thresholdValue } from './notification-fields.js';
import { counts, members, soleMember } from './group-render.js';
import { scrub } from './secrets.js';
import type { DeliveryResult, Sink } from './types.js';

// SMTP through nodemailer. The SLA mail keeps the reference's subject and HTML; other alerts use the same
// style. nodemailer does not retry, so: 4xx replies and socket trouble are retried, 5xx replies are final.

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
}

const escapeHtml = (value: string) =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

function render(heading: string, rows: [string, string][]): { html: string; text: string } {
  const html = [
    `<h2>${escapeHtml(heading)}</h2>`,
    ...rows.map(([k, v]) => `<p><strong>${escapeHtml(k)}:</strong> ${escapeHtml(v)}</p>`),
  ].join('\n');
  const text = [heading, '', ...rows.map(([k, v]) => `${k}: ${v}`)].join('\n');
  return { html, text };
}

function slaRows(n: Notification): [string, string][] {
  const f = slaFields(n);
  return [
    ['Severity', f.severity],
    ['DAG', f.dag_id],
    ['Task', f.task_id || 'None'],
    ['Lateness', f.lateness_human],
    ['Blocking Tasks', f.blocking_tasks || 'None'],
  ];
}

function alertRows(n: Notification): [string, string][] {
  const rows: [string, string][] = [
    ['Severity', n.alert.severity],
    ['Alert', alertName(n)],
    ['Summary', summary(n)],
  ];
  for (const key of ['dag_id', 'task_id', 'pool'] as const) {
    const value = detail(n, key);
    if (value) rows.push([key === 'dag_id' ? 'DAG' : key === 'task_id' ? 'Task' : 'Pool', value]);
  }
  const values = thresholdValue(n);
  if (values) rows.push(['Value', values]);
  return rows;
}

export function emailContent(n: Notification): EmailContent {
  if (n.group) {
    const sole = soleMember(n);
    if (sole) return emailContent(sole);
    // One mail for the group: the first member's subject with the count, every member's section below.
    const m = members(n);
    const parts = [...m.firing, ...m.resolved].slice(0, 50).map(emailContent);
    const first = parts[0]!;
    return {
      subject: `${first.subject} (+${parts.length - 1} more: ${counts(n)})`,
      html: parts.map((p) => p.html).join('\n<hr>\n'),
      text: parts.map((p) => p.text).join('\n\n----\n\n'),
    };
  }
  const target = subject(n);
  const sla = isSla(n);
  const rows = sla ? slaRows(n) : alertRows(n);
  switch (n.kind) {
    case 'resolved':
      return {
        subject: `[RESOLVED] ${sla ? `SLA miss ${target}` : `${alertName(n)} ${target}`}`,
        ...render('Resolved', [...rows, ['Firing since', n.alert.since]]),
      };
    case 'acknowledged':
      return {
        subject: `[ACKNOWLEDGED] ${sla ? `SLA miss ${target}` : `${alertName(n)} ${target}`}`,
        ...render('Acknowledged', [
          ...rows,
          ['Acknowledged by', n.alert.ack?.by ?? ''],
          ['Note', n.alert.ack?.note || 'None'],
        ]),
      };
    default:
      if (sla) return { subject: `[SLA MISS] ${target}`, ...render('SLA Miss Alert', rows) };
      return {
        subject: `[${n.alert.severity.toUpperCase()}] ${alertName(n)} ${target}`,
        ...render('Pipeline Alert', rows),
      };
  }
}

export interface EmailOptions {
  host: string;
  port: number;
  secure: boolean;
  ignoreTls: boolean;
  username?: string;
  password?: string;
  from: string;
  to: string[];
  timeoutMs?: number;
}

/** SMTP reply codes 4xx and connection trouble are worth retrying; a 5xx reply will not change. */
export function classifySmtpError(error: unknown, secrets: readonly string[]): DeliveryResult {
  const err = error as { responseCode?: number; code?: string; response?: string; message?: string };
  const detailText = scrub(err.response ?? err.message ?? 'unknown error', secrets).slice(0, 200);
  const reason = `email: ${err.responseCode ? `SMTP ${err.responseCode} ` : err.code ? `${err.code} ` : ''}${detailText}`;
  if (typeof err.responseCode === 'number') return { ok: false, permanent: err.responseCode >= 500, reason };
  if (err.code === 'EAUTH')
    return { ok: false, permanent: true, reason: `${reason} (check sinks.email.username and the password)` };
  return { ok: false, permanent: false, reason };
}

export function createEmailSink(options: EmailOptions): Sink<Notification> {
  const timeout = options.timeoutMs ?? 20_000;
  const transport = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    ignoreTLS: options.ignoreTls,
    auth: options.username ? { user: options.username, pass: options.password ?? '' } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  const secrets = options.password ? [options.password] : [];
  return {
    name: 'email',
    mode: 'queue',
    async deliver(n) {
      const content = emailContent(n);
      try {
        await transport.sendMail({
          from: options.from,
          to: options.to,
          subject: content.subject,
          html: content.html,
          text: content.text,
          // The idempotency key doubles as Message-ID, so a receiver can drop a re-send after a crash.
          messageId: `<${n.id.replace(/[^a-zA-Z0-9.-]/g, '.')}@airtop>`,
        });
        return { ok: true };
      } catch (error) {
        return classifySmtpError(error, secrets);
      }
    },
    describe: (n) => emailContent(n).subject,
    async close() {
      transport.close();
    },
  };
}
