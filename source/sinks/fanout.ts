import type { DeliveryResult, Sink } from './types.js';

// Fleet mode: a 'latest' sink holds the newest state of every instance at once ({instance: payload}), and
// delivers each to that instance's own target (its Pushgateway group, its Airflow's Variables). An instance
// whose payload was delivered and has not changed since is not sent again while another one is retried.

export function fanoutSink<P>(name: string, targets: ReadonlyMap<string, Sink<P>>): Sink<Record<string, P>> {
  const delivered = new Map<string, string>();
  return {
    name,
    mode: 'latest',
    async deliver(payloads) {
      const failures: { instance: string; result: Extract<DeliveryResult, { ok: false }> }[] = [];
      for (const [instance, payload] of Object.entries(payloads)) {
        const sink = targets.get(instance);
        if (!sink) continue;
        const text = JSON.stringify(payload);
        if (delivered.get(instance) === text) continue;
        const result = await sink.deliver(payload);
        if (result.ok) delivered.set(instance, text);
        else failures.push({ instance, result });
      }
      if (failures.length === 0) return { ok: true };
      const retryAfter = failures.map((f) => f.result.retryAfterMs).filter((ms): ms is number => ms !== undefined);
      return {
        ok: false,
        // Retried while any instance's failure may pass; the delivered ones are skipped then.
        permanent: failures.every((f) => f.result.permanent),
        reason: failures.map((f) => `${f.instance}: ${f.result.reason}`).join('; '),
        ...(retryAfter.length > 0 ? { retryAfterMs: Math.max(...retryAfter) } : {}),
      };
    },
    describe: (payloads) =>
      Object.entries(payloads)
        .map(([instance, payload]) => `${instance}: ${targets.get(instance)?.describe(payload) ?? 'no target'}`)
        .join('; '),
    async close() {
      await Promise.all([...new Set(targets.values())].map((s) => s.close?.()));
    },
  };
}
