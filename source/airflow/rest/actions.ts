import type { ActionAvailability, ActionRequest, ActionResult, Preview, PreviewItem } from '../../actions/types.js';
import { permissionText } from '../../actions/describe.js';
import { AirflowError } from '../errors.js';
import type { HttpRequest, HttpResult } from './http.js';
import type { QueryParams } from './query.js';

// Airflow's write endpoints for the TUI's actions, on /api/v2 (Airflow 3) and /api/v1 (Airflow 2), with their
// dry runs. Read from the 3.3.2 OpenAPI spec: clearTaskInstances' and dagRuns/{id}/clear's `dry_run`
// default to TRUE, as does v1's clearTaskInstances, so every body here says what it means explicitly.
// Refusals (403, 404, 409, 422) come back as results in words; no answer at all throws AirflowError.

export interface ActionTransport {
  request(req: HttpRequest): Promise<HttpResult>;
  detect(): Promise<{ api: 'v2' | 'v1'; version: string | null }>;
}

export interface ActionClient {
  /** Airflow's own dry run of the action, or `none` where the API has none. Changes nothing. */
  preview(req: ActionRequest): Promise<Preview>;
  /** Sends the action once (no retries: a repeated trigger would start two runs). */
  apply(req: ActionRequest): Promise<ActionResult>;
  /** May this user act? Learnt from a dry-run clear of a run that does not exist: 403 no, 404 yes. */
  probe(dagId: string): Promise<ActionAvailability>;
}

/** Statuses that are Airflow's answer (refusals), not transport failures. */
const ANSWERS = [400, 403, 404, 409, 422] as const;
const PROBE_RUN = 'airtop-permission-probe';
/** A v1 dry run names one run (clear and mark never reach other runs here); read at most this many for states. */
const MAX_STATE_RUNS = 5;

const enc = encodeURIComponent;

/** Airflow's words go to the terminal and the audit log: no control characters (escape sequences) in them. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f\x9b]/g, ' ').slice(0, 300);
}

function detail(body: unknown): string {
  return clean(rawDetail(body));
}

function rawDetail(body: unknown): string {
  if (body && typeof body === 'object' && 'detail' in body) {
    const d = (body as { detail: unknown }).detail;
    if (typeof d === 'string') return d;
    if (Array.isArray(d)) {
      return d
        .map((e: unknown) => {
          const item = e as { loc?: unknown[]; msg?: unknown };
          return `${Array.isArray(item.loc) ? item.loc.join('.') : ''}: ${String(item.msg ?? '')}`;
        })
        .join('; ');
    }
    return JSON.stringify(d).slice(0, 200);
  }
  return '';
}

function items(body: unknown, fallback: { dagId: string; runId: string }): PreviewItem[] {
  const list = body && typeof body === 'object' ? (body as { task_instances?: unknown }).task_instances : undefined;
  if (!Array.isArray(list)) return [];
  return list.map((raw: unknown) => {
    const ti = (raw ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      dagId: str(ti.dag_id) ?? fallback.dagId,
      runId: str(ti.dag_run_id) ?? str(ti.run_id) ?? fallback.runId,
      taskId: str(ti.task_id) ?? '?',
      mapIndex: typeof ti.map_index === 'number' ? ti.map_index : -1,
      // v1's TaskInstanceReference and v2's NewTaskResponse carry no state.
      state: 'state' in ti ? str(ti.state) : null,
    };
  });
}

function refOf(req: ActionRequest): { dagId: string; runId: string } {
  if (req.verb === 'clearTask' || req.verb === 'markTask') return { dagId: req.task.dagId, runId: req.task.runId };
  if (req.verb === 'clearRun' || req.verb === 'markRun') return { dagId: req.dagId, runId: req.runId };
  return { dagId: req.dagId, runId: '' };
}

interface Call {
  method: 'POST' | 'PATCH';
  path: string;
  query?: QueryParams;
  body: unknown;
}

/** The request for `req`; `dryRun` null means the endpoint has no dry run and this is the real call. */
function callFor(api: 'v2' | 'v1', req: ActionRequest, dryRun: boolean): Call | null {
  const p = `/api/${api}/dags/${enc(refOf(req).dagId)}`;
  switch (req.verb) {
    case 'clearTask': {
      const { task } = req;
      const taskIds = api === 'v2' && task.mapIndex >= 0 ? [[task.taskId, task.mapIndex]] : [task.taskId];
      return {
        method: 'POST',
        path: `${p}/clearTaskInstances`,
        body: {
          dry_run: dryRun,
          dag_run_id: task.runId,
          task_ids: taskIds,
          include_upstream: req.upstream,
          include_downstream: req.downstream,
          include_future: false,
          include_past: false,
          only_failed: req.onlyFailed,
          reset_dag_runs: true,
        },
      };
    }
    case 'markTask': {
      const { task } = req;
      if (api === 'v1') {
        return {
          method: 'POST',
          path: `${p}/updateTaskInstancesState`,
          body: {
            dry_run: dryRun,
            task_id: task.taskId,
            dag_run_id: task.runId,
            include_upstream: false,
            include_downstream: req.downstream,
            include_future: false,
            include_past: false,
            new_state: req.state,
          },
        };
      }
      const query: QueryParams = {
        update_mask: 'new_state',
        ...(task.mapIndex >= 0 ? { map_index: task.mapIndex } : {}),
      };
      return {
        method: 'PATCH',
        path: `${p}/dagRuns/${enc(task.runId)}/taskInstances/${enc(task.taskId)}${dryRun ? '/dry_run' : ''}`,
        query,
        body: {
          new_state: req.state,
          include_downstream: req.downstream,
          include_upstream: false,
          include_future: false,
          include_past: false,
        },
      };
    }
    case 'clearRun':
      // v1's dagRuns/{id}/clear has no only_failed: clearTaskInstances on the run does the same with it.
      if (api === 'v1') {
        return {
          method: 'POST',
          path: `${p}/clearTaskInstances`,
          body: {
            dry_run: dryRun,
            dag_run_id: req.runId,
            only_failed: req.onlyFailed,
            reset_dag_runs: true,
            include_upstream: false,
            include_downstream: false,
          },
        };
      }
      return {
        method: 'POST',
        path: `${p}/dagRuns/${enc(req.runId)}/clear`,
        body: { dry_run: dryRun, only_failed: req.onlyFailed },
      };
    case 'markRun':
      if (dryRun) return null;
      return {
        method: 'PATCH',
        path: `${p}/dagRuns/${enc(req.runId)}`,
        query: { update_mask: 'state' },
        body: { state: req.state },
      };
    case 'trigger': {
      if (dryRun) return null;
      const body: Record<string, unknown> = { conf: req.conf ?? {} };
      if (api === 'v2') body.logical_date = null;
      if (req.note) body.note = req.note;
      return { method: 'POST', path: `${p}/dagRuns`, body };
    }
    case 'pause':
      if (dryRun) return null;
      return { method: 'PATCH', path: p, query: { update_mask: 'is_paused' }, body: { is_paused: req.paused } };
  }
}

const NO_DRY_RUN: Record<string, string> = {
  markRun:
    "Airflow's API has no dry run for marking a run; it sets the run's state (and Airflow settles its unfinished tasks)",
  trigger: "Airflow's API has no dry run for triggering: Enter starts one new run",
  pause: "Airflow's API has no dry run for pausing: Enter changes only the DAG's paused flag",
};

/** A refusal in words a person can act on. */
export function refusalText(req: ActionRequest, status: number, body: unknown, role: string | null): string {
  const why = detail(body);
  if (status === 403)
    return `your role${role ? ` (${role})` : ''} cannot ${permissionText(req)}; it needs op (or user, admin)${why && why !== 'Forbidden' ? `: ${why}` : ''}`;
  if (status === 404) return `Airflow does not know it (404): ${why || 'not found'}`;
  if (status === 409) return `Airflow refused (409 conflict): ${why}`;
  return `Airflow refused (${status}): ${why || 'invalid request'}`;
}

export function createActionClient(
  transport: ActionTransport,
  who: { role: () => Promise<string | null> },
): ActionClient {
  async function send(call: Call, retries?: number): Promise<HttpResult> {
    return transport.request({
      method: call.method,
      path: call.path,
      body: call.body,
      expect: ANSWERS,
      ...(call.query ? { query: call.query } : {}),
      ...(retries !== undefined ? { retries } : {}),
    });
  }

  /**
   * v1's dry runs answer TaskInstanceReferences, which carry no state (the dialog would call a failed task
   * "no status"): the state comes from the listed runs' task instances. A run that cannot be read leaves its
   * items as they were.
   */
  async function withStates(found: PreviewItem[]): Promise<PreviewItem[]> {
    const key = (dagId: string, runId: string, taskId: string, mapIndex: number) =>
      JSON.stringify([dagId, runId, taskId, mapIndex]);
    const runs = new Map(found.filter((i) => i.state === null).map((i) => [JSON.stringify([i.dagId, i.runId]), i]));
    const states = new Map<string, string | null>();
    for (const run of [...runs.values()].slice(0, MAX_STATE_RUNS)) {
      try {
        const result = await transport.request({
          method: 'GET',
          path: `/api/v1/dags/${enc(run.dagId)}/dagRuns/${enc(run.runId)}/taskInstances`,
          query: { limit: 100 },
          expect: ANSWERS,
        });
        const list = result.status === 200 ? (result.body as { task_instances?: unknown }).task_instances : null;
        if (!Array.isArray(list)) continue;
        for (const raw of list) {
          const ti = (raw ?? {}) as Record<string, unknown>;
          if (typeof ti.task_id !== 'string') continue;
          const mapIndex = typeof ti.map_index === 'number' ? ti.map_index : -1;
          states.set(key(run.dagId, run.runId, ti.task_id, mapIndex), typeof ti.state === 'string' ? ti.state : null);
        }
      } catch {
        // No answer: the items keep no state rather than fail the preview.
      }
    }
    return found.map((i) => {
      const k = key(i.dagId, i.runId, i.taskId, i.mapIndex);
      return i.state === null && states.has(k) ? { ...i, state: states.get(k) ?? null } : i;
    });
  }

  return {
    async preview(req) {
      const { api } = await transport.detect();
      const call = callFor(api, req, true);
      if (!call) return { status: 'none', reason: NO_DRY_RUN[req.verb] ?? 'no dry run for this action' };
      try {
        const result = await send(call);
        if (result.status >= 300)
          return { status: 'error', reason: refusalText(req, result.status, result.body, await who.role()) };
        const listed = items(result.body, refOf(req));
        const found = api === 'v1' ? await withStates(listed) : listed;
        return { status: 'ready', items: found, total: found.length };
      } catch (error) {
        return { status: 'error', reason: clean(error instanceof Error ? error.message : String(error)) };
      }
    },
    async apply(req) {
      const { api } = await transport.detect();
      const call = callFor(api, req, false)!;
      const result = await send(call, 0);
      if (result.status >= 300)
        return {
          ok: false,
          status: result.status,
          message: refusalText(req, result.status, result.body, await who.role()),
          changed: [],
        };
      const changed =
        req.verb === 'clearTask' || req.verb === 'markTask' || (req.verb === 'clearRun' && api === 'v1')
          ? items(result.body, refOf(req))
          : [];
      return { ok: true, status: result.status, message: answerText(req, result.body, changed), changed };
    },
    async probe(dagId) {
      const { api } = await transport.detect();
      try {
        const result = await transport.request({
          method: 'POST',
          path: `/api/${api}/dags/${enc(dagId)}/clearTaskInstances`,
          body: { dry_run: true, dag_run_id: PROBE_RUN, task_ids: [PROBE_RUN] },
          expect: ANSWERS,
        });
        const role = await who.role();
        if (result.status === 403)
          return {
            allowed: false,
            role,
            reason: `your Airflow role${role ? ` (${role})` : ''} may only read: clear, mark, trigger and pause need op`,
          };
        return { allowed: true, role, reason: null };
      } catch (error) {
        if (error instanceof AirflowError && error.kind === 'auth')
          return { allowed: false, role: null, reason: error.message };
        return { allowed: null, role: null, reason: null };
      }
    },
  };
}

function answerText(req: ActionRequest, body: unknown, changed: PreviewItem[]): string {
  const b = (body ?? {}) as Record<string, unknown>;
  switch (req.verb) {
    case 'clearTask':
    case 'markTask':
      return `Airflow ${req.verb === 'clearTask' ? 'cleared' : `marked ${req.state}`} ${changed.length} task instance${changed.length === 1 ? '' : 's'}`;
    case 'clearRun':
      return `Airflow cleared the run${typeof b.state === 'string' ? ` (now ${b.state})` : ''}`;
    case 'markRun':
      return `Airflow set the run to ${typeof b.state === 'string' ? b.state : req.state}`;
    case 'trigger':
      return `Airflow created run ${typeof b.dag_run_id === 'string' ? clean(b.dag_run_id) : '(id not returned)'}${typeof b.state === 'string' ? ` (${b.state})` : ''}`;
    case 'pause':
      return `Airflow says the DAG is ${b.is_paused === true ? 'paused' : b.is_paused === false ? 'active' : req.paused ? 'paused' : 'active'}`;
  }
}
