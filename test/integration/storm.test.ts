import { describe, expect, it } from 'vitest';
import { runStorm } from '../bench/storm.js';

// 500 DAGs failing at once through the real notifier, outbox and a loopback Slack webhook, on a simulated
// clock: the default routing sends one grouped message, not a queue that needs minutes to drain at 1/s.

describe('an alert storm', () => {
  it('500 failing DAGs become one Slack message, sent after group_wait', async () => {
    const r = await runStorm(500, {});
    expect(r.alertsIn).toBe(1000);
    expect(r.messagesOut).toBe(1);
    expect(r.drainSeconds).toBeLessThanOrEqual(31);
  }, 30_000);
});
