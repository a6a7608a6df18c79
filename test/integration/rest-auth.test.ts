import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../source/demo/index.js';
import { createRestSource } from '../../source/airflow/rest/index.js';
import { expectAirflowError, FIXED_NOW, fixedClock, restOptionsFor } from '../helpers/http.js';

let demo: DemoServer;
beforeAll(async () => {
  demo = await startDemoServer({ clock: fixedClock });
});
afterAll(async () => {
  await demo.close();
});

const SECRET = 'S3cret-pass-word';

describe('REST authentication', () => {
  it('refuses a wrong password with a 401 that names /auth/token and the variables to check, never the password', async () => {
    const source = await createRestSource(
      restOptionsFor(demo, { auth: { kind: 'password', username: 'admin', password: SECRET } }),
    );
    try {
      const error = await expectAirflowError(source.snapshot(FIXED_NOW), 'auth');
      expect(error.message).toBe(`401 from ${demo.url}/auth/token: check AIRFLOW_USERNAME / AIRFLOW_PASSWORD`);
      expect(error.message).not.toContain(SECRET);
      expect(error.status).toBe(401);
    } finally {
      await source.close();
    }
  });

  it('signs in once and shares one new token when it expires under several requests at once', async () => {
    const source = await createRestSource(restOptionsFor(demo));
    try {
      demo.stats.reset();
      await source.snapshot(FIXED_NOW);
      demo.expireTokens();
      const snapshot = await source.snapshot(FIXED_NOW);
      expect(snapshot.pools.length).toBeGreaterThan(0);
      const signIns = demo.stats.log.filter((r) => r.path === '/auth/token');
      expect(signIns).toHaveLength(2);
      expect(demo.stats.log.filter((r) => r.status === 401).length).toBeGreaterThan(1);
    } finally {
      await source.close();
    }
  });

  it('fails with the credential hint when a fresh token is refused too, after exactly one re-sign-in', async () => {
    const source = await createRestSource(restOptionsFor(demo, { variables: [] }));
    demo.faults.add({ path: '/api/v2/pools', status: 401, body: '{"detail":"Invalid JWT token"}' });
    try {
      demo.stats.reset();
      const error = await expectAirflowError(source.snapshot(FIXED_NOW), 'auth');
      expect(error.message).toMatch(
        new RegExp(
          `^401 from ${demo.url}/api/v2/pools even with a fresh token .*check AIRFLOW_USERNAME / AIRFLOW_PASSWORD`,
        ),
      );
      expect(demo.stats.log.filter((r) => r.path === '/api/v2/pools')).toHaveLength(2);
    } finally {
      demo.faults.clear();
      await source.close();
    }
  });

  it('says which setting to fix for a refused static token, and for no credentials at all', async () => {
    const token = await createRestSource(
      restOptionsFor(demo, { auth: { kind: 'token', token: 'not-a-real-token-123' } }),
    );
    const none = await createRestSource(restOptionsFor(demo, { auth: { kind: 'none' } }));
    try {
      const refused = await expectAirflowError(token.snapshot(FIXED_NOW), 'auth');
      expect(refused.message).toMatch(/the token was refused: check AIRFLOW_TOKEN/);
      expect(refused.message).not.toContain('not-a-real-token-123');
      const anonymous = await expectAirflowError(none.snapshot(FIXED_NOW), 'auth');
      expect(anonymous.message).toMatch(/set AIRFLOW_USERNAME and AIRFLOW_PASSWORD, or AIRFLOW_TOKEN/);
    } finally {
      await token.close();
      await none.close();
    }
  });
});

describe('authenticated requests for writers', () => {
  it('detects the API and sends writes with the same sign-in', async () => {
    const source = await createRestSource(restOptionsFor(demo));
    try {
      expect(await source.detect()).toEqual({ api: 'v2', version: '3.3.2' });
      const key = 'capstone_quality_report';
      const patched = await source.request({
        method: 'PATCH',
        path: `/api/v2/variables/${key}`,
        body: { key, value: '{}' },
        expect: [404],
      });
      expect(patched.status).toBe(404);
      const created = await source.request({
        method: 'POST',
        path: '/api/v2/variables',
        body: { key, value: '{"overall_score": 91}' },
      });
      expect(created.status).toBe(201);
      const snapshot = await createRestSource(restOptionsFor(demo, { variables: [key] })).then(async (reader) => {
        try {
          return await reader.snapshot(FIXED_NOW);
        } finally {
          await reader.close();
        }
      });
      expect(snapshot.variables[key]).toEqual({ status: 'ok', raw: '{"overall_score": 91}' });
    } finally {
      await source.close();
    }
  });
});

describe('403 on Variables (a Viewer user)', () => {
  it('records the issue with the role to ask for and keeps the rest of the snapshot', async () => {
    const source = await createRestSource(
      restOptionsFor(demo, {
        auth: { kind: 'password', username: 'viewer', password: 'viewer' },
        variables: ['capstone_cost_metrics'],
      }),
    );
    try {
      const snapshot = await source.snapshot(FIXED_NOW);
      const reason = `403 reading Variable capstone_cost_metrics from ${demo.url}: the user needs the Op role (or higher) to read Variables`;
      expect(snapshot.variables).toEqual({ capstone_cost_metrics: { status: 'forbidden', reason } });
      expect(snapshot.issues).toEqual([{ scope: 'variables', message: reason }]);
      expect(snapshot.window.dags.capstone_ingestion_pipeline?.runs).toBeGreaterThan(0);
      expect(snapshot.pools.length).toBe(3);
      expect(snapshot.health).not.toBeNull();
    } finally {
      await source.close();
    }
  });

  it('reads just the Variables asked for (as the SQL source does), with the same statuses', async () => {
    const viewer = await createRestSource(
      restOptionsFor(demo, { auth: { kind: 'password', username: 'viewer', password: 'viewer' } }),
    );
    const admin = await createRestSource(restOptionsFor(demo));
    try {
      demo.stats.reset();
      const reads = await admin.readVariables(['capstone_cost_metrics', 'no_such_variable']);
      expect(reads.capstone_cost_metrics?.status).toBe('ok');
      expect(reads.no_such_variable).toEqual({ status: 'missing' });
      expect(
        demo.stats.log.every(
          (r) => r.path.startsWith('/api/v2/variables/') || r.path === '/api/v2/version' || r.path === '/auth/token',
        ),
      ).toBe(true);
      expect((await viewer.readVariables(['extraction_log'])).extraction_log?.status).toBe('forbidden');
    } finally {
      await viewer.close();
      await admin.close();
    }
  });

  it('names every forbidden Variable in one issue', async () => {
    const source = await createRestSource(
      restOptionsFor(demo, {
        auth: { kind: 'password', username: 'viewer', password: 'viewer' },
        variables: ['extraction_log', 'llm_response_log'],
      }),
    );
    try {
      const snapshot = await source.snapshot(FIXED_NOW);
      expect(snapshot.issues).toEqual([
        {
          scope: 'variables',
          message: `403 reading Variables extraction_log, llm_response_log from ${demo.url}: the user needs the Op role (or higher) to read Variables`,
        },
      ]);
    } finally {
      await source.close();
    }
  });
});
