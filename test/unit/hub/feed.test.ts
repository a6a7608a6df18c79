import { describe, expect, it } from 'vitest';
import { createHubFeed, type HubUpdate } from '../../../source/hub/feed.js';
import { createAirtopStore } from '../../../source/state/store.js';
import type { AlertView } from '../../../source/report/types.js';
import { buildReport } from '../../ui/fixtures.js';

const alert = (fingerprint: string, state: AlertView['state']): AlertView => ({
  fingerprint,
  labels: { alertname: 'x' },
  annotations: {},
  severity: 'critical',
  state,
  since: '2025-01-01T00:00:00Z',
  escalation_level: null,
  ack: null,
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('hub feed', () => {
  it('sends one update per burst of store changes, with only the fields that changed', async () => {
    const store = createAirtopStore();
    const updates: HubUpdate[] = [];
    const jsons: string[] = [];
    // The report's alerts are the one alert list: the console has a report before any alert changes.
    store.setState({ report: { ...buildReport(), alerts: [] } });
    const feed = createHubFeed({
      store,
      silences: () => [],
      onUpdate: (u, json) => (updates.push(u), jsons.push(json)),
      coalesceMs: 5,
    });
    store.getState().setAlerts([alert('a', 'firing')]);
    store.getState().pollStarted(new Date('2025-01-01T00:00:00Z'));
    await settle();
    expect(updates).toHaveLength(1);
    // setAlerts replaces the report's alerts, so the report is sent too.
    expect(Object.keys(updates[0]!).sort()).toEqual(['alerts', 'poll', 'report', 'seq', 'silences']);
    expect(JSON.parse(jsons[0]!)).toEqual(updates[0]);
    store.getState().setUi({ help: true });
    await settle();
    // UI state is the console's own: nothing is sent for it.
    expect(updates).toHaveLength(1);
    store.getState().setAlerts([alert('a', 'acknowledged')]);
    await settle();
    expect(updates.map((u) => u.seq)).toEqual([2, 3]);
    expect(updates[1]!.alerts![0]!.state).toBe('acknowledged');
    expect(feed.full()).toMatchObject({ api: 1, seq: 3, alerts: [{ state: 'acknowledged' }] });
    // Serialised once per seq for every client that connects.
    expect(feed.fullJson()).toBe(feed.fullJson());
    feed.stop();
  });
});
