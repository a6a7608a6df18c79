import type { IncomingMessage, ServerResponse } from 'node:http';

// Small request/response helpers for the hub: JSON answers with a reason, and bodies read with a cap.

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers })
    .end(text);
}

export function sendError(
  res: ServerResponse,
  status: number,
  reason: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: reason, status }, headers);
}

export type BodyRead = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; reason: string };

/** Reads a JSON body of at most maxBytes; an empty body is {}. Stops reading (and says 413) past the cap. */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const type = req.headers['content-type'] ?? '';
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      resolve({ ok: false, status: 413, reason: `request body over ${maxBytes} bytes` });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        resolve({ ok: false, status: 413, reason: `request body over ${maxBytes} bytes` });
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      if (!done) resolve({ ok: false, status: 400, reason: 'request body could not be read' });
      done = true;
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({ ok: true, value: {} });
      if (!/^application\/json\b/i.test(type))
        return resolve({ ok: false, status: 415, reason: 'send the body as Content-Type: application/json' });
      try {
        resolve({ ok: true, value: JSON.parse(text) });
      } catch (error) {
        resolve({ ok: false, status: 400, reason: `body is not JSON: ${(error as Error).message}` });
      }
    });
  });
}

/** Text from a client is shown in every attached TUI: no control characters (escape sequences), bounded. */
export function cleanText(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').slice(0, max);
}
