import { describe, expect, it } from 'vitest';
import { createAirtopStore } from '../../source/state/store.js';
import { buildAlerts, buildHistory, buildReport, buildSnapshot, NOW } from '../ui/fixtures.js';

// The store's poll state: each field has one writer.

describe('store poll state', () => {
  it('leaves nextPollAt to the poller: a poll landing or failing does not touch it', () => {
    const store = createAirtopStore();
    const next = new Date(NOW.getTime() + 300_000);
    store.getState().setNextPoll(next);
    store
      .getState()
      .pollSucceeded({ snapshot: buildSnapshot(), report: buildReport(), point: buildHistory(1)[0]!, at: NOW });
    expect(store.getState().poll.nextPollAt).toBe(next.toISOString());
    store.getState().pollFailed({ error: 'connection refused', at: NOW });
    expect(store.getState().poll.nextPollAt).toBe(next.toISOString());
  });

  it('counts failed polls in total as they fail, and consecutive ones until a success', () => {
    const store = createAirtopStore();
    store.getState().pollFailed({ error: 'x', at: NOW });
    store.getState().pollFailed({ error: 'x', at: NOW });
    store
      .getState()
      .pollSucceeded({ snapshot: buildSnapshot(), report: buildReport(), point: buildHistory(1)[0]!, at: NOW });
    store.getState().pollFailed({ error: 'x', at: NOW });
    expect(store.getState().poll).toMatchObject({ consecutiveFailures: 1, failuresTotal: 3, state: 'error' });
  });

  it("keeps one alert list, the report's: setAlerts replaces it", () => {
    const store = createAirtopStore();
    store.getState().setAlerts(buildAlerts());
    expect(store.getState().report).toBeNull(); // nothing to attach them to before the first report
    store.getState().pollSucceeded({
      snapshot: buildSnapshot(),
      report: { ...buildReport(), alerts: [] },
      point: buildHistory(1)[0]!,
      at: NOW,
    });
    const acked = buildAlerts().slice(0, 1);
    store.getState().setAlerts(acked);
    expect(store.getState().report?.alerts).toEqual(acked);
    expect(Object.keys(store.getState())).not.toContain('alerts');
  });
});
