// PagerDuty, captured without patching the reference: its SLA handler posts to the hard-coded
// https://events.pagerduty.com/generic/2010-04-15/create_event.json with `requests`. On Airflow 2 the harness
// starts every Airflow process with HTTPS_PROXY=http://127.0.0.1:<AIRTOP_E2E_HTTPS_PROXY_PORT>,
// REQUESTS_CA_BUNDLE=<home>/https-proxy/ca.pem and NO_PROXY=127.0.0.1,localhost (common.sh). Here: a throwaway
// CA and a certificate for events.pagerduty.com, made with the openssl CLI into that directory, and a
// loopback CONNECT proxy on that port that terminates TLS for events.pagerduty.com:443 (and refuses any other
// host), records each request and answers as the Events API v1 does. Nothing leaves the machine.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { openssl, selfSignedCertificate } from '../../helpers/tls.js';
import type { Figure } from './figures.js';

export const PAGERDUTY_HOST = 'events.pagerduty.com';

export interface Captured {
  method: string;
  host: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** ca.pem, cert.pem (events.pagerduty.com, signed by the CA), key.pem in `dir`, by the openssl CLI. */
export function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  selfSignedCertificate(dir, { cert: 'ca.pem', key: 'ca.key' }, '/CN=airtop e2e throwaway CA');
  openssl(
    dir,
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'key.pem',
    '-out',
    'leaf.csr',
    '-subj',
    `/CN=${PAGERDUTY_HOST}`,
  );
  writeFileSync(
    join(dir, 'leaf.ext'),
    `subjectAltName=DNS:${PAGERDUTY_HOST}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'cert.pem',
    '-days',
    '1',
    '-extfile',
    'leaf.ext',
  );
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

/** The CONNECT proxy: TLS for events.pagerduty.com:443 terminated here, every request recorded. */
export async function startPagerDutyProxy(
  port: number,
  tls: { cert: string; key: string },
): Promise<{ captured: Captured[]; refused: string[]; close(): Promise<void> }> {
  const captured: Captured[] = [];
  const refused: string[] = [];
  const sockets = new Set<Socket>();
  const https = createHttpsServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      captured.push({
        method: req.method ?? '',
        host: PAGERDUTY_HOST,
        path: req.url ?? '',
        headers: req.headers,
        body,
      });
      let incidentKey: unknown = null;
      try {
        incidentKey = (JSON.parse(body) as { incident_key?: unknown }).incident_key ?? null;
      } catch {
        // recorded as is; the comparison says what it holds
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', message: 'Event processed', incident_key: incidentKey }));
    });
  });
  const proxy: Server = createServer((_req, res) => res.writeHead(405).end('CONNECT only'));
  proxy.on('connect', (req, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (req.url !== `${PAGERDUTY_HOST}:443`) {
      refused.push(String(req.url));
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    https.emit('connection', socket);
  });
  await new Promise<void>((done, fail) => {
    proxy.once('error', (error) =>
      fail(new Error(`the PagerDuty proxy cannot listen on 127.0.0.1:${port}: ${error.message}`)),
    );
    proxy.listen(port, '127.0.0.1', () => done());
  });
  return {
    captured,
    refused,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => done());
      }),
  };
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const seg = (s: string) => s.replace(/\./g, '/');
const second = (date: unknown) => (typeof date === 'string' ? new Date(date).toISOString().slice(0, 19) : null);

/**
 * The reference's PagerDuty events (Events API v1, through the proxy) against airtop's (its PagerDuty sink,
 * Events API v2, at a loopback receiver), per (dag, task): the request, the key, the action, the text, the
 * incident key and the notification fields both carry (details / payload.custom_details), for the airtop event
 * of the same logical date when there is one.
 */
export function pagerDutyFigures(
  reference: { path: string; body: string }[],
  airtop: { path: string; body: string }[],
): Figure[] {
  const parse = (list: { path: string; body: string }[]) =>
    list.map((r) => {
      try {
        return { path: r.path, event: obj(JSON.parse(r.body)) };
      } catch {
        return { path: r.path, event: {} as Json };
      }
    });
  const ref = parse(reference);
  const ours = parse(airtop).filter((e) => e.event.event_action === 'trigger');
  const refDetails = (e: Json) => obj(e.details);
  const ourDetails = (e: Json) => obj(obj(e.payload).custom_details);
  const taskKey = (d: Json) => `${seg(String(d.dag_id))}/${seg(String(d.task_id))}`;
  const tasks = [...new Set(ref.map((r) => taskKey(refDetails(r.event))))].sort();
  return [
    { path: 'sinks.pagerduty.events', reference: ref.length, airtop: ours.length },
    ...tasks.flatMap((task): Figure[] => {
      const r = ref.find((x) => taskKey(refDetails(x.event)) === task)!;
      const candidates = ours.filter((x) => taskKey(ourDetails(x.event)) === task);
      const date = second(refDetails(r.event).execution_date);
      const a = candidates.find((x) => second(ourDetails(x.event).execution_date) === date) ?? candidates[0];
      const base = `sinks.pagerduty.${task}`;
      const rd = refDetails(r.event);
      const ad = a ? ourDetails(a.event) : {};
      return [
        { path: `${base}.request`, reference: `POST ${r.path}`, airtop: a && `POST ${a.path}` },
        { path: `${base}.key`, reference: r.event.service_key, airtop: a?.event.routing_key },
        { path: `${base}.action`, reference: r.event.event_type, airtop: a?.event.event_action },
        { path: `${base}.description`, reference: r.event.description, airtop: a && obj(a.event.payload).summary },
        { path: `${base}.incident_key`, reference: r.event.incident_key, airtop: a?.event.dedup_key },
        { path: `${base}.same_logical_date`, reference: date, airtop: a ? second(ad.execution_date) : undefined },
        ...Object.keys(rd)
          .filter((k) => k !== 'timestamp' && (a === undefined || k in ad))
          .sort()
          .map((k) => ({ path: `${base}.details.${k}`, reference: rd[k], airtop: a ? ad[k] : undefined })),
      ];
    }),
  ];
}
