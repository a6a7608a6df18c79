import { request } from 'undici';
import { parseRetryAfter } from './backoff.js';
import type { DeliveryResult } from './types.js';

// One HTTP send for the sinks, with undici. Error reasons name the sink and the status and never the URL:
// a Slack webhook URL is itself the secret, and others may carry tokens in their query.

export interface HttpSend {
  method: 'POST' | 'PUT' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs?: number;
}

export type HttpOutcome =
  { kind: 'response'; status: number; text: string; retryAfterMs: number | null } | { kind: 'network'; reason: string };

const MAX_REASON_BODY = 200;

export async function httpSend(send: HttpSend, now: () => Date = () => new Date()): Promise<HttpOutcome> {
  const timeout = send.timeoutMs ?? 10_000;
  try {
    // undici's request does not follow redirects, so a 301 from a Pushgateway stays a failure.
    const response = await request(send.url, {
      method: send.method,
      headers: send.headers,
      body: send.body,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const text = await response.body.text();
    return {
      kind: 'response',
      status: response.statusCode,
      text,
      retryAfterMs: parseRetryAfter(response.headers['retry-after'], now()),
    };
  } catch (error) {
    return { kind: 'network', reason: networkReason(error) };
  }
}

/** "connection refused", "timed out", ... from undici's error codes, without the URL. */
export function networkReason(error: unknown): string {
  const err = error as { code?: string; cause?: { code?: string }; name?: string };
  const code = err.code ?? err.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the receiver running?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found (check the URL)';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset by the receiver';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'timed out';
    case 'ERR_INVALID_URL':
    case 'ERR_INVALID_ARG_VALUE':
      return 'the URL is not valid (check the sink configuration)';
    default:
      return code ? `network error ${code}` : `network error (${err.name ?? 'unknown'})`;
  }
}

/** A short, single-line excerpt of a response body for a reason string. */
export function bodyExcerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_REASON_BODY ? `${line.slice(0, MAX_REASON_BODY)}…` : line;
}

/**
 * The common rule: `accepted` statuses succeed; 429, 408 and 5xx are retried (honouring Retry-After);
 * other 4xx are permanent (dead letter); a network failure is retried.
 */
export function classify(
  sink: string,
  outcome: HttpOutcome,
  accepted: (status: number, text: string) => boolean,
): DeliveryResult {
  if (outcome.kind === 'network') return { ok: false, permanent: false, reason: `${sink}: ${outcome.reason}` };
  const { status, text } = outcome;
  if (accepted(status, text)) return { ok: true };
  const reason = `${sink}: HTTP ${status}${text ? ` ${bodyExcerpt(text)}` : ''}`;
  if (status === 429 || status === 408 || status >= 500) {
    return outcome.retryAfterMs !== null
      ? { ok: false, permanent: false, reason, retryAfterMs: outcome.retryAfterMs }
      : { ok: false, permanent: false, reason };
  }
  if (status >= 400) return { ok: false, permanent: true, reason };
  // 1xx/2xx/3xx that the sink does not accept (a Pushgateway 301 for a %2F path): a misconfiguration.
  return { ok: false, permanent: true, reason: `${reason} (not a success for ${sink}; check the URL)` };
}
