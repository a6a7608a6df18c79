import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../source/demo/index.js';
import { createRestSource, type RestSourceOptions } from '../../source/airflow/rest/index.js';
import { expectAirflowError, FIXED_NOW, fixedClock, restOptionsFor } from '../helpers/http.js';

let demo: DemoServer;
beforeAll(async () => {
  demo = await startDemoServer({ clock: fixedClock });
});
afterEach(() => {
  demo.faults.clear();
  demo.stats.reset();
});
afterAll(async () => {
  await demo.close();
});

async function withSource<T>(
  overrides: Partial<RestSourceOptions>,
  use: (source: Awaited<ReturnType<typeof createRestSource>>) => Promise<T>,
): Promise<T> {
  const source = await createRestSource(restOptionsFor(demo, overrides));
  try {
    return await use(source);
  } finally {
    await source.close();
  }
}

const requestsTo = (path: string) => demo.stats.log.filter((r) => r.path === path);

describe('retries', () => {
  it('honours Retry-After on 429, in seconds and as an HTTP date', async () => {
    const sleeps: number[] = [];
    const inThreeSeconds = new Date(FIXED_NOW.getTime() + 3000).toUTCString();
    demo.faults.add({ path: '/api/v2/pools', status: 429, headers: { 'retry-after': '1' }, times: 1 });
    demo.faults.add({ path: '/api/v2/dags', status: 429, headers: { 'retry-after': inThreeSeconds }, times: 1 });
    await withSource(
      { variables: [], backoff: { baseMs: 5, capMs: 5000 }, sleep: async (ms) => void sleeps.push(ms) },
      async (source) => {
        const snapshot = await source.snapshot(FIXED_NOW);
        expect(snapshot.pools).toHaveLength(3);
      },
    );
    expect(sleeps.sort((a, b) => a - b)).toEqual([1000, 3000]);
    expect(requestsTo('/api/v2/pools').map((r) => r.status)).toEqual([429, 200]);
  });

  it('really waits the Retry-After before trying again', async () => {
    demo.faults.add({
      path: '/api/v2/dags/capstone_ingestion_pipeline/dagRuns',
      status: 429,
      headers: { 'retry-after': '1' },
      times: 1,
    });
    await withSource({ backoff: { baseMs: 5, capMs: 5000 } }, async (source) => {
      const started = Date.now();
      const runs = await source.dagRuns('capstone_ingestion_pipeline', 3);
      expect(runs).toHaveLength(3);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });
  });

  it('retries 5xx and succeeds when the server recovers; gives up with the status and what to check', async () => {
    demo.faults.add({ path: '/api/v2/pools', status: 503, times: 2 });
    await withSource({ variables: [], retries: 2 }, async (source) => {
      expect((await source.snapshot(FIXED_NOW)).pools).toHaveLength(3);
    });
    expect(requestsTo('/api/v2/pools').map((r) => r.status)).toEqual([503, 503, 200]);

    demo.faults.add({ path: '/api/v2/pools', status: 500 });
    await withSource({ variables: [], retries: 1 }, async (source) => {
      const error = await expectAirflowError(source.snapshot(FIXED_NOW), 'server');
      expect(error.message).toBe(
        `500 from GET ${demo.url}/api/v2/pools after 2 tries: Airflow failed (injected fault); check the API server's log`,
      );
    });
  });

  it('gives up on a 429 that does not pass, saying Airflow is rate-limiting; waits never exceed the cap', async () => {
    const sleeps: number[] = [];
    demo.faults.add({ path: '/api/v2/pools', status: 429, headers: { 'retry-after': '600' } });
    await withSource(
      { variables: [], retries: 2, backoff: { baseMs: 5, capMs: 2000 }, sleep: async (ms) => void sleeps.push(ms) },
      async (source) => {
        const error = await expectAirflowError(source.snapshot(FIXED_NOW), 'rate_limited');
        expect(error.message).toMatch(
          /^429 from GET .*\/api\/v2\/pools after 3 tries: Airflow is rate-limiting airtop/,
        );
      },
    );
    expect(sleeps).toEqual([2000, 2000]);
  });

  it('does not retry other 4xx', async () => {
    demo.faults.add({ path: '/api/v2/pools', status: 400, body: '{"detail":"bad filter"}' });
    await withSource({ variables: [], retries: 3 }, async (source) => {
      const error = await expectAirflowError(source.snapshot(FIXED_NOW), 'bad_response');
      expect(error.message).toMatch(/^400 from GET .*\/api\/v2\/pools: Airflow rejected the request \(bad filter\)/);
    });
    expect(requestsTo('/api/v2/pools')).toHaveLength(1);
  });
});

describe('failures that keep the snapshot', () => {
  it('records a failed health check as an issue', async () => {
    demo.faults.add({ path: '/api/v2/monitor/health', status: 500 });
    await withSource({ variables: [], retries: 0 }, async (source) => {
      const snapshot = await source.snapshot(FIXED_NOW);
      expect(snapshot.health).toBeNull();
      expect(snapshot.issues).toEqual([
        { scope: 'health', message: expect.stringMatching(/^500 from GET .*\/api\/v2\/monitor\/health/) },
      ]);
      expect(snapshot.runs.length).toBeGreaterThan(0);
    });
  });

  it('refuses a Variable larger than the limit, naming its size and the limit', async () => {
    await withSource(
      { variables: ['extraction_log', 'capstone_cost_metrics'], maxVariableBytes: 4096 },
      async (source) => {
        const snapshot = await source.snapshot(FIXED_NOW);
        const read = snapshot.variables.extraction_log;
        expect(read?.status).toBe('error');
        expect(read && 'reason' in read ? read.reason : '').toMatch(
          /^Variable extraction_log is \d{5} bytes, above the limit of 4096 bytes \(variables\.max_bytes\)/,
        );
        expect(snapshot.variables.capstone_cost_metrics?.status).toBe('ok');
        expect(snapshot.issues.map((i) => i.scope)).toEqual(['variables']);
      },
    );
  });

  it('reports a missing Variable as missing, not as an issue', async () => {
    await withSource({ variables: ['capstone_latest_metrics'] }, async (source) => {
      const snapshot = await source.snapshot(FIXED_NOW);
      expect(snapshot.variables).toEqual({ capstone_latest_metrics: { status: 'missing' } });
      expect(snapshot.issues).toEqual([]);
    });
  });
});

describe('failures that sink the snapshot, with a message a person can act on', () => {
  it('times out a request that never answers', async () => {
    demo.faults.add({ path: '/api/v2/pools', delayMs: 3000 });
    await withSource({ variables: [], timeoutSeconds: 0.3, retries: 0 }, async (source) => {
      const started = Date.now();
      const error = await expectAirflowError(source.snapshot(FIXED_NOW), 'timeout');
      expect(error.message).toMatch(/^no answer from GET .*\/api\/v2\/pools within 0\.3s \(1 tries\)/);
      expect(Date.now() - started).toBeLessThan(2500);
    });
  });

  it('says which endpoint returned malformed JSON and what it was', async () => {
    demo.faults.add({ path: '/api/v2/dags', status: 200, body: '{"dags": [' });
    await withSource({ variables: [] }, async (source) => {
      const error = await expectAirflowError(source.snapshot(FIXED_NOW), 'bad_response');
      expect(error.message).toContain(`GET ${demo.url}/api/v2/dags returned malformed JSON (HTTP 200`);
      expect(error.message).toContain('"{"dags": ["');
    });
  });

  it('says which field of which endpoint has an unexpected shape', async () => {
    demo.faults.add({ path: '/api/v2/dags', status: 200, body: '{"dags": "none", "total_entries": 1}' });
    await withSource({ variables: [] }, async (source) => {
      const error = await expectAirflowError(source.snapshot(FIXED_NOW), 'bad_response');
      expect(error.message).toMatch(new RegExp(`^${demo.url}/api/v2/dags returned an unexpected shape at dags:`));
    });
  });

  it('cannot reach a closed port, and says to check the URL', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const source = await createRestSource(
      restOptionsFor(
        { url: `http://127.0.0.1:${port}`, credentials: { username: 'a', password: SECRET_PASSWORD } },
        { retries: 1 },
      ),
    );
    try {
      const error = await expectAirflowError(source.snapshot(FIXED_NOW), 'unreachable');
      expect(error.message).toMatch(
        new RegExp(`^cannot reach Airflow at http://127\\.0\\.0\\.1:${port}: check --url/AIRFLOW_URL \\(ECONNREFUSED`),
      );
      expect(error.message).not.toContain(SECRET_PASSWORD);
    } finally {
      await source.close();
    }
  });

  it('says when the URL is not an Airflow API at all', async () => {
    demo.faults.add({ path: '/api/v2/version', status: 404, body: '{"detail":"Not Found"}' });
    await withSource({}, async (source) => {
      const error = await expectAirflowError(source.snapshot(FIXED_NOW), 'config');
      expect(error.message).toMatch(
        /neither .*\/api\/v2\/version nor \/api\/v1\/version exists: is --url\/AIRFLOW_URL Airflow's base URL/,
      );
    });
  });

  it('refuses a URL that is not http(s) before sending anything', async () => {
    await expectAirflowError(
      createRestSource(restOptionsFor({ url: 'ftp://airflow', credentials: { username: 'a', password: 'b' } })),
      'config',
    );
  });
});

const SECRET_PASSWORD = 'Very-Secret-42';

describe('politeness', () => {
  it.each([2, 4])('never has more than maxInFlight=%i requests open at once', async (maxInFlight) => {
    demo.faults.add({ path: /^\/api\/v2\//, delayMs: 25 });
    demo.stats.reset();
    await withSource({ maxInFlight }, async (source) => {
      await source.snapshot(FIXED_NOW);
    });
    expect(demo.stats.requests).toBeGreaterThan(maxInFlight * 2);
    expect(demo.stats.peakInFlight).toBeLessThanOrEqual(maxInFlight);
    expect(demo.stats.peakInFlight).toBe(maxInFlight);
  });
});
