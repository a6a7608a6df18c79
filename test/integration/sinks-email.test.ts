import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmailSink } from '../../source/sinks/email.js';
import { createOutbox } from '../../source/sinks/outbox.js';
import type { Sink } from '../../source/sinks/types.js';
import type { DeadLetter } from '../../source/sinks/status.js';
import { slaNotification, thresholdNotification } from '../unit/sinks/notification-fixture.js';

// A real SMTP server (smtp-server) on 127.0.0.1:0: mails are parsed back with mailparser; 451 is retried
// and then delivered, 550 is dead-lettered.

let server: SMTPServer;
let port: number;
const mails: ParsedMail[] = [];
/** SMTP reply codes to answer the next DATA commands with, instead of accepting. */
const failures: number[] = [];
let dir: string;
let now: number;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const code = failures.shift();
          if (code)
            return callback(
              Object.assign(new Error(code === 451 ? 'Try again later' : 'Mailbox unavailable'), {
                responseCode: code,
              }),
            );
          mails.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let sink: Sink;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'airtop-email-'));
  now = Date.parse('2024-06-01T12:00:00Z');
  mails.length = 0;
  failures.length = 0;
  sink = createEmailSink({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTls: true,
    from: 'airtop@example.com',
    to: ['team@example.com'],
  });
});
afterEach(async () => {
  await sink.close?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('email sink', () => {
  it('sends the reference SLA mail', async () => {
    expect(await sink.deliver(slaNotification(2))).toEqual({ ok: true });
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.subject).toBe('[SLA MISS] capstone_processing_pipeline.extract_text');
    expect(mail.from?.text).toBe('airtop@example.com');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('team@example.com');
    expect(mail.html).toContain('<h2>SLA Miss Alert</h2>');
    expect(mail.html).toContain('<p><strong>Severity:</strong> high</p>');
    expect(mail.html).toContain('<p><strong>Blocking Tasks:</strong> generate_summary</p>');
    expect(mail.text).toContain('DAG: capstone_processing_pipeline');
    expect(mail.messageId).toBe('<c2aa51ecbcc11cb2.firing.e-1@airtop>');
  });

  it('retries a 451 through the outbox and then delivers; a 550 is dead-lettered with the reply', async () => {
    const letters: DeadLetter[][] = [];
    const box = createOutbox({
      stateDir: dir,
      sinks: [sink],
      clock: () => new Date(now),
      random: () => 0,
      onDeadLetters: (d) => letters.push(d),
    });
    failures.push(451);
    box.enqueue([{ id: 'n1>email', sink: 'email', payload: thresholdNotification() }]);
    await box.deliverDue();
    expect(mails).toHaveLength(0);
    expect(box.status()[0]).toMatchObject({ queueDepth: 1, lastError: expect.stringMatching(/^email: SMTP 451 /) });
    now += 500;
    await box.deliverDue();
    expect(mails.map((m) => m.subject)).toEqual(['[CRITICAL] success_rate_critical capstone_ingestion_pipeline']);

    failures.push(550);
    box.enqueue([{ id: 'n2>email', sink: 'email', payload: slaNotification(3) }]);
    await box.deliverDue();
    expect(mails).toHaveLength(1);
    expect(letters.at(-1)).toEqual([
      expect.objectContaining({
        id: 'n2>email',
        sink: 'email',
        reason: expect.stringMatching(/^email: SMTP 550 /),
        summary: '[SLA MISS] capstone_processing_pipeline.extract_text',
      }),
    ]);
    expect(box.status()[0]).toMatchObject({ queueDepth: 0, deadLetters: 1 });
  });

  it('a server that is not there is a transient failure', async () => {
    const nowhere = createEmailSink({
      host: '127.0.0.1',
      port: 1,
      secure: false,
      ignoreTls: true,
      from: 'a@b',
      to: ['c@d'],
      timeoutMs: 2000,
    });
    const result = await nowhere.deliver(slaNotification(1));
    expect(result).toMatchObject({
      ok: false,
      permanent: false,
      reason: expect.stringMatching(/^email: (ESOCKET|ECONNECTION)/),
    });
    await nowhere.close?.();
  });
});
