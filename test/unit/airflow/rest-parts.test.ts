import { describe, expect, it } from 'vitest';
import { mergeSamples } from '../../../source/airflow/rest/baseline.js';
import { renderLogContent } from '../../../source/airflow/rest/log-lines.js';
import { fetchAllPages, fetchPagesUntil } from '../../../source/airflow/rest/paging.js';
import { apiPath, encodeQuery } from '../../../source/airflow/rest/query.js';
import { backoffDelayMs, isRetryableStatus, parseRetryAfter } from '../../../source/airflow/rest/retry.js';
import { createSemaphore } from '../../../source/airflow/rest/semaphore.js';

describe('parseRetryAfter', () => {
  const now = new Date('2025-06-01T12:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});

describe('backoff', () => {
  it('uses full jitter under a doubling, capped ceiling', () => {
    const policy = { baseMs: 500, capMs: 4000 };
    expect(backoffDelayMs(0, policy, () => 0.999)).toBe(499);
    expect(backoffDelayMs(2, policy, () => 0.5)).toBe(1000);
    expect(backoffDelayMs(10, policy, () => 0.999)).toBe(3996);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });
  it('retries 429 and 5xx only', () => {
    expect([429, 500, 502, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422].some(isRetryableStatus)).toBe(false);
  });
});

describe('createSemaphore', () => {
  it('admits at most n holders and serves waiters in order', async () => {
    const slots = createSemaphore(2);
    const order: string[] = [];
    await slots.acquire();
    await slots.acquire();
    const third = slots.acquire().then(() => order.push('third'));
    const fourth = slots.acquire().then(() => order.push('fourth'));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(slots.inUse).toBe(2);
    slots.release();
    await third;
    expect(order).toEqual(['third']);
    slots.release();
    await fourth;
    expect(order).toEqual(['third', 'fourth']);
    slots.release();
    slots.release();
    expect(slots.inUse).toBe(0);
  });
});

describe('query and path encoding', () => {
  it('repeats array keys and drops empty values', () => {
    expect(encodeQuery({ state: ['success', 'failed'], limit: 100, token: undefined, pattern: null })).toBe(
      '?state=success&state=failed&limit=100',
    );
    expect(encodeQuery({ run_after_gte: '2025-06-01T12:00:00+00:00' })).toBe(
      '?run_after_gte=2025-06-01T12%3A00%3A00%2B00%3A00',
    );
  });
  it('encodes run ids in path segments', () => {
    expect(apiPath('/api/v2/dags', 'd', 'dagRuns', 'scheduled__2025-06-01T12:00:00+00:00')).toBe(
      '/api/v2/dags/d/dagRuns/scheduled__2025-06-01T12%3A00%3A00%2B00%3A00',
    );
  });
});

describe('paging', () => {
  const items = Array.from({ length: 250 }, (_, i) => i);
  it('follows total_entries with the page size the server really used', async () => {
    const asked: [number, number][] = [];
    const all = await fetchAllPages(async (offset, limit) => {
      asked.push([offset, limit]);
      const size = Math.min(limit, 50); // the server caps pages at 50
      return { items: items.slice(offset, offset + size), total: items.length };
    });
    expect(all).toEqual(items);
    expect(asked.map(([offset]) => offset)).toEqual([0, 50, 100, 150, 200]);
  });
  it('stops early once the caller has enough', async () => {
    let pages = 0;
    const got = await fetchPagesUntil(
      async (offset, limit) => ((pages += 1), { items: items.slice(offset, offset + limit), total: items.length }),
      (so) => so.length >= 120,
      10,
    );
    expect(pages).toBe(2);
    expect(got).toHaveLength(200);
  });
});

describe('renderLogContent', () => {
  it('renders structured lines as "timestamp level event" with a traceback from error_detail', () => {
    const lines = renderLogContent([
      { event: '::group::Log message source details', sources: ['/x.log'] },
      { timestamp: '2025-06-01T12:00:00Z', level: 'info', event: 'starting' },
      'plain text line',
      {
        timestamp: '2025-06-01T12:00:05Z',
        level: 'error',
        event: 'Task failed with exception',
        error_detail: [
          { exc_type: 'ValueError', exc_value: 'bad row', frames: [{ filename: 'dag.py', lineno: 12, name: 'load' }] },
        ],
      },
    ]);
    expect(lines).toEqual([
      '::group::Log message source details',
      '2025-06-01T12:00:00Z info starting',
      'plain text line',
      '2025-06-01T12:00:05Z error Task failed with exception',
      'Traceback (most recent call last):',
      '  File "dag.py", line 12, in load',
      'ValueError: bad row',
    ]);
  });
  it('splits Airflow 2 text logs into lines', () => {
    expect(renderLogContent('a\nb\n')).toEqual(['a', 'b']);
  });
});

describe('mergeSamples (baseline cache)', () => {
  it('unions by key, ages out old samples, keeps the newest up to the cap', () => {
    const existing = {
      d: [
        { key: 'r3', at: '2025-06-03', seconds: 3 },
        { key: 'r1', at: '2025-06-01', seconds: 1 },
      ],
    };
    const incoming = {
      d: [
        { key: 'r4', at: '2025-06-04', seconds: 4 },
        { key: 'r3', at: '2025-06-03', seconds: 3 },
      ],
      e: [{ key: 'x', at: '2025-06-04', seconds: 9 }],
    };
    const merged = mergeSamples(existing, incoming, '2025-06-02', 2);
    expect(merged.d?.map((s) => s.key)).toEqual(['r4', 'r3']);
    expect(merged.e?.map((s) => s.seconds)).toEqual([9]);
    expect(mergeSamples(existing, {}, '2025-06-02', 5).d?.map((s) => s.key)).toEqual(['r3']);
  });
});
