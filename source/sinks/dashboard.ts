import { classify, httpSend } from './http.js';
import type { DashboardStatus } from './reference-shapes.js';
import type { Sink } from './types.js';

// The reference's status dashboard API: the status payload POSTed with a Bearer key every poll. It is a
// 'latest' sink: while the API is down only the newest status waits, and it is sent when the API is back.

export function createDashboardSink(options: {
  url: string;
  apiKey: string | null;
  timeoutMs?: number;
}): Sink<DashboardStatus> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  return {
    name: 'dashboard',
    mode: 'latest',
    async deliver(status) {
      const outcome = await httpSend({
        method: 'POST',
        url: options.url,
        headers,
        body: JSON.stringify(status),
        timeoutMs: options.timeoutMs ?? 30_000,
      });
      const result = classify('dashboard', outcome, (code) => code >= 200 && code < 300);
      if (!result.ok && outcome.kind === 'response' && (outcome.status === 401 || outcome.status === 403)) {
        return { ...result, reason: `${result.reason} (check sinks.dashboard.api_key_env / api_key_file)` };
      }
      return result;
    },
    describe: (status) => `status ${status.status.overall} health ${status.status.health_score} at ${status.timestamp}`,
  };
}
