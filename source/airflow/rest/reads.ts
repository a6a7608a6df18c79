import { AirflowError } from '../errors.js';
import type { Dag, DagRun, Health, Pool, TaskInstance, TaskLogPage, VariableRead } from '../types.js';
import { ResponseTooLargeError, type Http } from './http.js';
import { renderLogContent } from './log-lines.js';
import { parseBody, toDag, toHealth, toPool, toRun, toTaskInstance } from './map.js';
import { fetchAllPages, fetchPagesUntil, type Page } from './paging.js';
import { apiPath, type QueryParams } from './query.js';
import {
  dagListSchema,
  healthSchema,
  logSchema,
  poolListSchema,
  runListSchema,
  taskInstanceListSchema,
  variableSchema,
} from './schemas.js';

export type Api = 'v2' | 'v1';

/** Filters for the batch run list (POST .../dags/~/dagRuns/list). */
export interface RunFilter {
  dagIds: string[];
  since?: string;
  states?: string[];
}

/** Filters for the batch task-instance list (POST .../dags/~/dagRuns/~/taskInstances/list). */
export interface TaskInstanceFilter {
  dagIds: string[];
  runIds?: string[];
  startedSince?: string;
  states?: string[];
}

/** One read per Airflow endpoint airtop uses, for either API version; each returns airtop's records. */
export function createReads(http: Http, api: Api) {
  const prefix = `/api/${api}`;
  // Airflow 2 has no run_after: its window is the logical (execution) date.
  const runTimeField = api === 'v2' ? 'run_after' : 'execution_date';
  const where = (path: string) => `${http.baseUrl}${path}`;

  async function get(path: string, query?: QueryParams): Promise<unknown> {
    return (await http.request({ method: 'GET', path, query })).body;
  }
  async function post(path: string, body: unknown): Promise<unknown> {
    return (await http.request({ method: 'POST', path, body })).body;
  }

  const runPage = (path: string, body: unknown): Page<DagRun> => {
    const parsed = parseBody(runListSchema, body, where(path));
    return { items: parsed.dag_runs.map(toRun), total: parsed.total_entries };
  };
  const tiPage = (path: string, body: unknown): Page<TaskInstance> => {
    const parsed = parseBody(taskInstanceListSchema, body, where(path));
    return { items: parsed.task_instances.map(toTaskInstance), total: parsed.total_entries };
  };

  return {
    api,

    async dags(likePattern: string | null): Promise<Dag[]> {
      const path = `${prefix}/dags`;
      return fetchAllPages(async (offset, limit) => {
        const parsed = parseBody(
          dagListSchema,
          await get(path, { limit, offset, dag_id_pattern: likePattern }),
          where(path),
        );
        return { items: parsed.dags.map(toDag), total: parsed.total_entries };
      });
    },

    async runs(filter: RunFilter): Promise<DagRun[]> {
      const path = `${prefix}/dags/~/dagRuns/list`;
      return fetchAllPages(async (offset, limit) => {
        const body: Record<string, unknown> = { dag_ids: filter.dagIds, page_offset: offset, page_limit: limit };
        if (filter.since !== undefined) body[`${runTimeField}_gte`] = filter.since;
        if (filter.states !== undefined) body.states = filter.states;
        // A stable order keeps pages from overlapping while runs are added.
        if (api === 'v2') body.order_by = 'id';
        return runPage(path, await post(path, body));
      });
    },

    async taskInstances(filter: TaskInstanceFilter): Promise<TaskInstance[]> {
      const path = `${prefix}/dags/~/dagRuns/~/taskInstances/list`;
      return fetchAllPages(async (offset, limit) => {
        const body: Record<string, unknown> = { dag_ids: filter.dagIds, page_offset: offset, page_limit: limit };
        if (filter.runIds !== undefined) body.dag_run_ids = filter.runIds;
        if (filter.startedSince !== undefined) body.start_date_gte = filter.startedSince;
        if (filter.states !== undefined) body.state = filter.states;
        return tiPage(path, await post(path, body));
      });
    },

    /**
     * Runs of every DAG (narrowed by `dagIdPattern`) updated at or after `updatedSince`, on Airflow's clock.
     * Airflow 3's GET list takes updated_at_gte; its batch list does not. Ordered by id so that rows updated
     * while paging can only repeat an item, never hide one.
     */
    async runsUpdated(updatedSince: string, dagIdPattern: string | null): Promise<DagRun[]> {
      const path = `${prefix}/dags/~/dagRuns`;
      return fetchAllPages(async (offset, limit) =>
        runPage(
          path,
          await get(path, {
            limit,
            offset,
            updated_at_gte: updatedSince,
            dag_id_pattern: dagIdPattern,
            order_by: 'id',
          }),
        ),
      );
    },

    /** Task instances updated at or after `updatedSince`, as runsUpdated; ids are time-ordered (uuid7). */
    async taskInstancesUpdated(updatedSince: string, dagIdPattern: string | null): Promise<TaskInstance[]> {
      const path = `${prefix}/dags/~/dagRuns/~/taskInstances`;
      return fetchAllPages(async (offset, limit) =>
        tiPage(
          path,
          await get(path, {
            limit,
            offset,
            updated_at_gte: updatedSince,
            dag_id_pattern: dagIdPattern,
            order_by: 'id',
          }),
        ),
      );
    },

    /** Newest first; `enough` stops paging once the caller has what it needs. */
    async runsOfDag(
      dagId: string,
      query: { since?: string; states?: string[] },
      enough: (runs: DagRun[]) => boolean,
      maxPages: number,
    ): Promise<DagRun[]> {
      const path = apiPath(`${prefix}/dags`, dagId, 'dagRuns');
      return fetchPagesUntil(
        async (offset, limit) =>
          runPage(
            path,
            await get(path, {
              limit,
              offset,
              order_by: `-${runTimeField}`,
              state: query.states,
              [`${runTimeField}_gte`]: query.since,
            }),
          ),
        enough,
        maxPages,
      );
    },

    /** Task instances of one DAG across its runs; Airflow 3 sorts newest first, Airflow 2 in its own order. */
    async taskInstancesOfDag(
      dagId: string,
      query: { startedSince: string; states: string[] },
      enough: (tis: TaskInstance[]) => boolean,
      maxPages: number,
    ): Promise<TaskInstance[]> {
      const path = `${apiPath(`${prefix}/dags`, dagId)}/dagRuns/~/taskInstances`;
      return fetchPagesUntil(
        async (offset, limit) =>
          tiPage(
            path,
            await get(path, {
              limit,
              offset,
              state: query.states,
              start_date_gte: query.startedSince,
              order_by: api === 'v2' ? '-start_date' : undefined,
            }),
          ),
        enough,
        maxPages,
      );
    },

    async taskInstancesOfRun(dagId: string, runId: string): Promise<TaskInstance[]> {
      const path = apiPath(`${prefix}/dags`, dagId, 'dagRuns', runId, 'taskInstances');
      return fetchAllPages(async (offset, limit) => tiPage(path, await get(path, { limit, offset })));
    },

    async pools(): Promise<Pool[]> {
      const path = `${prefix}/pools`;
      return fetchAllPages(async (offset, limit) => {
        const parsed = parseBody(poolListSchema, await get(path, { limit, offset }), where(path));
        return { items: parsed.pools.map(toPool), total: parsed.total_entries };
      });
    },

    async health(): Promise<Health> {
      const path = api === 'v2' ? '/api/v2/monitor/health' : '/api/v1/health';
      const result = await http.request({ method: 'GET', path, auth: false });
      return toHealth(parseBody(healthSchema, result.body, result.url));
    },

    async variable(key: string, maxBytes: number): Promise<VariableRead> {
      const path = apiPath(`${prefix}/variables`, key);
      const limitNote = `above the limit of ${maxBytes} bytes (variables.max_bytes): raise the limit or trim the Variable`;
      try {
        // JSON escaping can double a value's size on the wire; the exact check is on the value below.
        const result = await http.request({
          method: 'GET',
          path,
          expect: [403, 404],
          maxBodyBytes: maxBytes * 2 + 64 * 1024,
        });
        if (result.status === 404) return { status: 'missing' };
        if (result.status === 403) {
          return {
            status: 'forbidden',
            reason: `403 reading Variable ${key} from ${http.baseUrl}: the user needs the Op role (or higher) to read Variables`,
          };
        }
        const value = parseBody(variableSchema, result.body, result.url).value ?? '';
        const bytes = Buffer.byteLength(value, 'utf8');
        if (bytes > maxBytes) return { status: 'error', reason: `Variable ${key} is ${bytes} bytes, ${limitNote}` };
        return { status: 'ok', raw: value };
      } catch (error) {
        if (error instanceof ResponseTooLargeError) {
          const size =
            error.declaredBytes === null
              ? `more than ${error.limitBytes} bytes on the wire`
              : `${error.declaredBytes} bytes on the wire`;
          return { status: 'error', reason: `Variable ${key} is ${size}, ${limitNote}` };
        }
        if (error instanceof AirflowError)
          return { status: 'error', reason: `reading Variable ${key}: ${error.message}` };
        throw error;
      }
    },

    async log(
      ti: { dagId: string; runId: string; taskId: string; mapIndex: number },
      tryNumber: number,
      token: string | null | undefined,
    ): Promise<TaskLogPage> {
      const path = apiPath(
        `${prefix}/dags`,
        ti.dagId,
        'dagRuns',
        ti.runId,
        'taskInstances',
        ti.taskId,
        'logs',
        tryNumber,
      );
      const result = await http.request({
        method: 'GET',
        path,
        query: { map_index: ti.mapIndex, token: token ?? undefined, full_content: api === 'v1' ? false : undefined },
        accept: 'application/json',
      });
      const parsed = parseBody(logSchema, result.body, result.url);
      return { lines: renderLogContent(parsed.content), continuationToken: parsed.continuation_token ?? null };
    },
  };
}

export type Reads = ReturnType<typeof createReads>;
