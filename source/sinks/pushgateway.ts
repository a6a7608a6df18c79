import { classify, httpSend } from './http.js';
import type { Sink } from './types.js';

// Prometheus Pushgateway. The body is the report's text format 0.0.4 (metrics-registry.ts), PUT so each push
// replaces the whole group. prom-client's own Pushgateway class is not used: it cannot write the @base64
// form a value with "/" needs, and it counts any status below 400 (a 301 too) as success.

export const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

function segment(name: string, value: string): string {
  // A "/" (even as %2F) gets a 301 and the push is silently not stored; an empty value needs the base64 form too.
  if (value === '') return `${name}@base64/=`;
  if (value.includes('/')) return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url')}`;
  return `${name}/${encodeURIComponent(value)}`;
}

/** `<base>/metrics/job/<job>{/<label>/<value>}`, using `<label>@base64/<urlsafe base64>` where needed. */
export function pushgatewayUrl(base: string, job: string, grouping: Record<string, string> = {}): string {
  const root = base.replace(/\/+$/, '');
  const parts = [segment('job', job), ...Object.entries(grouping).map(([name, value]) => segment(name, value))];
  return `${root}/metrics/${parts.join('/')}`;
}

export function createPushgatewaySink(options: {
  url: string;
  job: string;
  grouping?: Record<string, string>;
  timeoutMs?: number;
}): Sink<string> {
  const target = pushgatewayUrl(options.url, options.job, options.grouping);
  return {
    name: 'pushgateway',
    mode: 'latest',
    async deliver(text) {
      const outcome = await httpSend({
        method: 'PUT',
        url: target,
        headers: { 'content-type': PROMETHEUS_TEXT },
        body: text,
        timeoutMs: options.timeoutMs,
      });
      return classify('pushgateway', outcome, (status) => status === 200 || status === 202);
    },
    describe: (text) => `metrics push (${text.split('\n').filter((l) => l && !l.startsWith('#')).length} samples)`,
  };
}
