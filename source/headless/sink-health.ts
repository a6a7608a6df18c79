import type { SinkStatus } from '../state/types.js';

// Whether each sink is getting through, for the daemon's log, /healthz and /metrics: a Slack that answers
// 500 for an hour must not look like silence. A sink is failing while its latest attempt failed.

export function isFailing(sink: SinkStatus): boolean {
  return sink.lastErrorAt !== null && (sink.lastSuccessAt === null || sink.lastErrorAt >= sink.lastSuccessAt);
}

/** `/healthz` body: "ok", or "degraded" with one line per failing sink. */
export function healthText(sinks: readonly SinkStatus[]): { degraded: boolean; text: string } {
  const failing = sinks.filter(isFailing);
  if (failing.length === 0) return { degraded: false, text: 'ok\n' };
  const lines = failing.map(
    (s) => `sink ${s.name} failing since ${s.lastErrorAt}: ${s.lastError ?? 'unknown error'} (${s.queueDepth} waiting)`,
  );
  return { degraded: true, text: `degraded\n${lines.join('\n')}\n` };
}

type Log = (level: 'info' | 'warn', msg: string, fields: Record<string, unknown>) => void;

/** Logs each sink's change between working and failing once (not every retry). */
export function sinkHealthLogger(log: Log): (sinks: readonly SinkStatus[]) => void {
  const failing = new Map<string, boolean>();
  return (sinks) => {
    for (const sink of sinks) {
      const now = isFailing(sink);
      const before = failing.get(sink.name) ?? false;
      failing.set(sink.name, now);
      if (now && !before)
        log('warn', 'sink failing', { sink: sink.name, error: sink.lastError, queue_depth: sink.queueDepth });
      else if (!now && before) log('info', 'sink recovered', { sink: sink.name, queue_depth: sink.queueDepth });
    }
  };
}
