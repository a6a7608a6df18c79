import { randomBytes } from 'node:crypto';
import { invalid, likeToRegExp, page, pagingFromQuery, Reply, sortBy } from './filters.js';
import type { Planner } from './plan.js';
import { ACTION_ROUTES } from './routes-actions.js';
import {
  dagOr404,
  getLog,
  getRun,
  getRuns,
  getTaskInstances,
  postRunsList,
  postTaskInstancesList,
  type DemoContext,
} from './routes-runs.js';
import type { DemoScenario, DemoUser } from './scenario.js';
import { dagJson, healthJson, poolJson } from './serialize.js';
import { demoVariables } from './variables.js';
import { poolsAt } from './world.js';

export interface DemoRequest {
  method: string;
  segments: string[];
  query: URLSearchParams;
  body: unknown;
  accept: string;
  authorization: string | undefined;
}

export interface DemoResponse {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

type Params = Record<string, string>;
type Handler = (ctx: DemoContext, params: Params, req: DemoRequest, user: DemoUser) => unknown;

function memoBySecond<T>(compute: (nowMs: number) => T): (nowMs: number) => T {
  let second = Number.NaN;
  let value: T;
  return (nowMs) => {
    const current = Math.floor(nowMs / 1000);
    if (current !== second) {
      value = compute(current * 1000);
      second = current;
    }
    return value;
  };
}

export function createRouter(scenario: DemoScenario, planner: Planner) {
  const tokens = new Map<string, DemoUser>();
  // Both are pure in time; clients ask for them several times per poll at the same simulated second.
  const variablesAt = memoBySecond((nowMs) => demoVariables(scenario, nowMs));
  const poolsNow = memoBySecond((nowMs) => poolsAt(scenario, planner, nowMs));
  const written = new Map<string, { value: string; description: string | null }>();

  const variableValue = (key: string, nowMs: number): { value: string; description: string | null } | null => {
    const stored = written.get(key);
    if (stored) return stored;
    const generated = variablesAt(nowMs)[key];
    return generated === undefined ? null : { value: generated, description: null };
  };
  const variableJson = (key: string, v: { value: string; description: string | null }) => ({
    key,
    value: v.value,
    description: v.description,
    is_encrypted: true,
    team_name: null,
  });
  const needsOp = (user: DemoUser) => {
    if (user.role === 'viewer') throw new Reply(403, { detail: 'Forbidden' });
  };
  const storedValue = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

  const routes: [string, string, Handler][] = [
    [
      'GET',
      'api/v2/dags',
      (ctx, _p, req) => {
        const q = req.query;
        const pattern = q.get('dag_id_pattern');
        const paused = q.get('paused');
        // Airflow matches dag_id_pattern as ilike '%pattern%' (recorded from 3.3.2: `capstone_` finds capstone_ingestion_pipeline).
        const like = pattern === null ? null : likeToRegExp(`%${pattern}%`);
        const dags = scenario.dags.filter(
          (d) =>
            (like === null || like.test(d.dagId)) &&
            (paused === null || String(d.pausedMinutesBeforeAnchor !== undefined) === paused),
        );
        const orderBy = q.getAll('order_by').length > 0 ? q.getAll('order_by') : ['dag_id'];
        const sorted = sortBy(dags, orderBy, { dag_id: (d) => d.dagId }, (d) => scenario.dags.indexOf(d));
        return {
          dags: page(sorted, pagingFromQuery(q)).map((d) => dagJson(d, ctx.nowMs)),
          total_entries: sorted.length,
        };
      },
    ],
    ['GET', 'api/v2/dags/:dag', (ctx, p) => dagJson(dagOr404(ctx, p.dag!), ctx.nowMs)],
    ['GET', 'api/v2/dags/:dag/dagRuns', (ctx, p, req) => getRuns(ctx, p.dag!, req.query)],
    [
      'POST',
      'api/v2/dags/:dag/dagRuns/list',
      (ctx, p, req) => {
        if (p.dag !== '~') invalid(['path', 'dag_id'], "Input should be '~'", p.dag);
        return postRunsList(ctx, req.body);
      },
    ],
    ['GET', 'api/v2/dags/:dag/dagRuns/:run', (ctx, p) => getRun(ctx, p.dag!, p.run!)],
    [
      'GET',
      'api/v2/dags/:dag/dagRuns/:run/taskInstances',
      (ctx, p, req) => getTaskInstances(ctx, p.dag!, p.run!, req.query),
    ],
    [
      'POST',
      'api/v2/dags/:dag/dagRuns/:run/taskInstances/list',
      (ctx, p, req) => {
        if (p.dag !== '~' || p.run !== '~') invalid(['path', 'dag_id'], "Input should be '~'", p.dag);
        return postTaskInstancesList(ctx, req.body);
      },
    ],
    [
      'GET',
      'api/v2/dags/:dag/dagRuns/:run/taskInstances/:task/logs/:try',
      (ctx, p, req) => {
        const result = getLog(
          ctx,
          { dagId: p.dag!, runId: p.run!, taskId: p.task!, tryNumber: p.try! },
          req.query,
          req.accept,
        );
        return 'text' in result ? { __text: result.text } : result.json;
      },
    ],
    [
      'GET',
      'api/v2/pools',
      (ctx, _p, req) => {
        const pools = poolsNow(ctx.nowMs);
        return { pools: page(pools, pagingFromQuery(req.query)).map(poolJson), total_entries: pools.length };
      },
    ],
    [
      'GET',
      'api/v2/variables',
      (ctx, _p, req, user) => {
        needsOp(user);
        const keys = [...new Set([...Object.keys(variablesAt(ctx.nowMs)), ...written.keys()])].sort();
        return {
          variables: page(keys, pagingFromQuery(req.query)).map((k) => variableJson(k, variableValue(k, ctx.nowMs)!)),
          total_entries: keys.length,
        };
      },
    ],
    [
      'GET',
      'api/v2/variables/:key',
      (ctx, p, _req, user) => {
        needsOp(user);
        const found = variableValue(p.key!, ctx.nowMs);
        if (!found) throw new Reply(404, { detail: `The Variable with key: \`${p.key}\` was not found` });
        return variableJson(p.key!, found);
      },
    ],
    [
      'POST',
      'api/v2/variables',
      (ctx, _p, req, user) => {
        needsOp(user);
        const body = req.body as { key?: unknown; value?: unknown; description?: unknown } | null;
        if (typeof body?.key !== 'string' || body.value === undefined)
          invalid(['body'], 'key and value are required', body);
        if (variableValue(body.key, ctx.nowMs))
          throw new Reply(409, { detail: `The Variable with key: \`${body.key}\` already exists` });
        const entry = {
          value: storedValue(body.value),
          description: typeof body.description === 'string' ? body.description : null,
        };
        written.set(body.key, entry);
        return { __status: 201, ...variableJson(body.key, entry) };
      },
    ],
    [
      'PATCH',
      'api/v2/variables/:key',
      (ctx, p, req, user) => {
        needsOp(user);
        const body = req.body as { value?: unknown; description?: unknown } | null;
        const found = variableValue(p.key!, ctx.nowMs);
        if (!found) throw new Reply(404, { detail: `The Variable with key: \`${p.key}\` was not found` });
        if (body?.value === undefined) invalid(['body', 'value'], 'Field required', body);
        const entry = {
          value: storedValue(body.value),
          description: typeof body.description === 'string' ? body.description : found.description,
        };
        written.set(p.key!, entry);
        return variableJson(p.key!, entry);
      },
    ],
    // clear, mark, trigger, pause (with their dry runs): routes-actions.ts
    ...ACTION_ROUTES,
  ];

  function match(method: string, segments: string[]): { handler: Handler; params: Params } | null {
    for (const [m, pattern, handler] of routes) {
      const parts = pattern.split('/');
      if (m !== method || parts.length !== segments.length) continue;
      const params: Params = {};
      if (
        parts.every((part, i) =>
          part.startsWith(':') ? ((params[part.slice(1)] = segments[i]!), true) : part === segments[i],
        )
      )
        return { handler, params };
    }
    return null;
  }

  function handle(req: DemoRequest, nowMs: number): DemoResponse {
    const path = req.segments.join('/');
    if (req.method === 'GET' && path === 'api/v2/version')
      return { status: 200, json: { version: scenario.version, git_version: '.release:demo' } };
    if (req.method === 'GET' && path === 'api/v2/monitor/health') return { status: 200, json: healthJson(nowMs) };
    if (req.method === 'POST' && path === 'auth/token') {
      const body = req.body as { username?: unknown; password?: unknown } | null;
      const user = scenario.users.find((u) => u.username === body?.username && u.password === body?.password);
      if (!user) return { status: 401, json: { detail: 'Invalid credentials' } };
      // Shaped like Airflow 3's JWT (its claims name the user and role); the signature part is random.
      const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const token = [
        part({ alg: 'HS512', typ: 'JWT' }),
        part({ sub: user.username, role: user.role }),
        randomBytes(24).toString('base64url'),
      ].join('.');
      tokens.set(token, user);
      return { status: 201, json: { access_token: token } };
    }
    const found = match(req.method, req.segments);
    if (!found) return { status: 404, json: { detail: 'Not Found' } };
    const bearer = /^Bearer (.+)$/.exec(req.authorization ?? '')?.[1];
    const user = bearer === undefined ? undefined : tokens.get(bearer);
    if (!user) return { status: 401, json: { detail: 'Not authenticated' }, headers: { 'www-authenticate': 'Bearer' } };
    try {
      const result = found.handler({ scenario, planner, nowMs }, found.params, req, user) as Record<string, unknown>;
      if (result && typeof result.__text === 'string') return { status: 200, text: result.__text };
      if (result && typeof result.__status === 'number') {
        const { __status, ...json } = result;
        return { status: __status, json };
      }
      return { status: 200, json: result };
    } catch (error) {
      if (error instanceof Reply) return { status: error.status, json: error.body, headers: error.headers };
      throw error;
    }
  }

  return {
    handle,
    /** Invalidate every issued token, as when Airflow's JWT secret rotates: clients must sign in again. */
    expireTokens: () => tokens.clear(),
  };
}
