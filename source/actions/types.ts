// What a person can ask Airflow to change from airtop, as plain data: the dialog edits it, the dry run
// previews it, the REST client sends it and the audit log records it.

export type MarkState = 'success' | 'failed';

export interface TaskRef {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
}

export type ActionRequest =
  | { verb: 'clearTask'; task: TaskRef; downstream: boolean; upstream: boolean; onlyFailed: boolean }
  | { verb: 'markTask'; task: TaskRef; state: MarkState; downstream: boolean }
  | { verb: 'clearRun'; dagId: string; runId: string; onlyFailed: boolean }
  | { verb: 'markRun'; dagId: string; runId: string; state: MarkState }
  | { verb: 'trigger'; dagId: string; conf: Record<string, unknown> | null; note: string | null }
  | { verb: 'pause'; dagId: string; paused: boolean };

export type ActionVerb = ActionRequest['verb'];

/** One thing Airflow's dry run says the action will change. */
export interface PreviewItem {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  /** Its state now (null: no status). */
  state: string | null;
}

export type Preview =
  | { status: 'loading' }
  | { status: 'ready'; items: PreviewItem[]; total: number }
  /** The API offers no dry run for this action; the dialog says what will be sent instead. */
  | { status: 'none'; reason: string }
  | { status: 'error'; reason: string };

/** Airflow's answer to an action, in words, and what it changed (when it lists that). */
export interface ActionResult {
  ok: boolean;
  message: string;
  changed: PreviewItem[];
  /** HTTP status when Airflow answered. */
  status: number | null;
}

/** Whether this user may act on this Airflow, learnt without changing anything. */
export interface ActionAvailability {
  /** null while unknown (not probed yet). */
  allowed: boolean | null;
  /** Why the action keys are off (viewer role, no REST URL, read-only), shown greyed in help and footer. */
  reason: string | null;
  role: string | null;
}

/** One line of actions.log. */
export interface AuditRecord {
  at: string;
  os_user: string;
  airflow_user: string | null;
  airflow_url: string;
  action: ActionVerb;
  target: string;
  request: ActionRequest;
  dry_run: PreviewItem[] | null;
  outcome: 'done' | 'refused' | 'failed';
  status: number | null;
  answer: string;
  acknowledged_alert: string | null;
}
