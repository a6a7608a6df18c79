// The reference's SLA handler on Airflow 2.11 (fixtures/reference/sla/capstone_sla_ingestion.py): Airflow's
// own SLA check records the misses of a scheduled DAG, calls SLAHandler.handle_sla_miss, which posts to Slack
// and appends to the `sla_miss_history` Variable (_log_sla_miss). Here: unpause that DAG, wait for the
// misses to be recorded and notified, and compare them, miss by miss, with airtop's `sla.misses`.
import type { Report, SlaMiss } from '../../../source/report/types.js';
import type { AirflowApi } from '../support/api.js';
import { withDb } from '../support/oracle.js';
import type { Figure } from './figures.js';

export const SLA_DAG = 'sla_capstone_ingestion';

/** airtop's config for the SLA DAG: the reference's SLA_DEFINITIONS for the ingestion pipeline, in seconds. */
export const SLA_CONFIG = {
  dags: {
    ids: ['capstone_ingestion_pipeline', 'capstone_processing_pipeline', 'capstone_vector_store_pipeline', SLA_DAG],
  },
  sla: { definitions: { [SLA_DAG]: { default: 3600, tasks: { scan_sources: 300, download_documents: 1800 } } } },
};

/**
 * The same DAG with a 0-second SLA on scan_sources: every run misses it by airtop's rule (run start + SLA;
 * the task ends about half a second after its run starts, so 1 s would not do),
 * which shows airtop does see the runs the reference's misses are about, so an absent airtop miss there is
 * the rule's difference, not a run airtop missed.
 */
export const SLA_PROBE_CONFIG = {
  ...SLA_CONFIG,
  sla: { definitions: { [SLA_DAG]: { tasks: { scan_sources: 0 } } } },
};

/**
 * The reference's level can only exceed 1 for a miss Airflow recorded over an hour before the callback runs
 * (its lateness is now - SlaMiss.timestamp, the time of detection). That is what a miss looks like after the
 * scheduler was down: recorded, its notification still pending. One such row, for scan_sources at the last
 * 5-minute interval that has ended (catchup runs it), recorded two hours ago: Airflow skips recording that
 * interval again, and its next SLA check hands the row to the reference's callback, which escalates it to
 * level 3 (Slack, email, PagerDuty). Returns the logical date.
 */
export async function recordOverdueMiss(dbUrl: string, now = new Date()): Promise<string> {
  const step = 5 * 60_000;
  const logical = new Date(Math.floor(now.getTime() / step) * step - step);
  await withDb(dbUrl, (db) =>
    db.query(
      `INSERT INTO sla_miss (task_id, dag_id, execution_date, email_sent, timestamp, description, notification_sent)
       VALUES ('scan_sources', $1, $2, false, $3, 'airtop e2e: a miss recorded two hours ago, not yet notified', false)`,
      [SLA_DAG, logical.toISOString(), new Date(now.getTime() - 2 * 3600_000).toISOString()],
    ),
  );
  return logical.toISOString();
}

/** The run's logical dates airtop reported a miss for, in the reference's history format. */
export function missedDates(report: Report): string[] {
  return report.sla.misses
    .filter((m) => m.dag_id === SLA_DAG)
    .map((m) => new Date(m.execution_date).toISOString().slice(0, 19));
}

type Json = Record<string, unknown>;

/** What the reference's `_build_notification` logged, as `_log_sla_miss` stored it. */
export interface HistoryEntry {
  dag_id: string;
  task_id: string;
  execution_date: string;
  lateness_seconds: number;
  escalation_level: number;
  severity: string;
}

/** One Slack message the reference's `_send_notification("slack", …)` posted. */
export interface SlackSla {
  dag: string;
  task: string;
  level: number;
}

/** The reference's SLA Slack messages among everything the receiver caught (its monitoring posts there too). */
export function slackSlaMisses(bodies: unknown[]): SlackSla[] {
  return bodies.flatMap((body) => {
    const attachment = ((body as Json)?.attachments as Json[] | undefined)?.[0];
    const title = String(attachment?.title ?? '');
    const level = /SLA Miss - Level (\d)/.exec(title);
    if (!level) return [];
    const field = (name: string) =>
      String(((attachment?.fields as Json[] | undefined) ?? []).find((f) => f.title === name)?.value ?? '');
    return [{ dag: field('DAG'), task: field('Task'), level: Number(level[1]) }];
  });
}

/** A path segment for one miss: no dots (figure paths split on them), whatever the timestamp's precision. */
function key(dagId: string, taskId: string | null, executionDate: string): string {
  const when = new Date(executionDate).toISOString().slice(0, 19);
  return `${dagId}/${taskId ?? '(dag)'}/${when}Z`;
}

/**
 * Unpauses the SLA DAG (catchup then creates its runs) and waits until every run has finished and the SLA
 * check has had its say: the history holds the DAG's misses and Slack caught one message per miss.
 */
export async function runSlaScenario(
  api: AirflowApi,
  slackBodies: () => unknown[],
  timeoutMs = 240_000,
): Promise<HistoryEntry[]> {
  await api.ok('PATCH', `${api.prefix}/dags/${SLA_DAG}?update_mask=is_paused`, { is_paused: false });
  const deadline = Date.now() + timeoutMs;
  let settledSince: number | null = null;
  for (;;) {
    const { dag_runs } = await api.ok<{ dag_runs: { state: string }[] }>(
      'GET',
      `${api.prefix}/dags/${SLA_DAG}/dagRuns?limit=100`,
    );
    const done = dag_runs.length > 0 && dag_runs.every((r) => r.state === 'success' || r.state === 'failed');
    const history = (((await api.variable('sla_miss_history')) ?? []) as HistoryEntry[]).filter(
      (h) => h.dag_id === SLA_DAG,
    );
    const notified = slackSlaMisses(slackBodies()).filter((s) => s.dag === SLA_DAG).length;
    // The check runs while runs are scheduled; once they are done and a notification per miss has arrived,
    // give the last callback 20 s to land before reading.
    if (done && history.length > 0 && notified >= history.length) {
      settledSince ??= Date.now();
      if (Date.now() - settledSince > 20_000) return history;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${SLA_DAG}: after ${timeoutMs / 1000} s, runs ${JSON.stringify(dag_runs.map((r) => r.state))}, ` +
          `${history.length} SLA misses in sla_miss_history, ${notified} Slack SLA messages`,
      );
    }
    await new Promise((done) => setTimeout(done, 2_000));
  }
}

/**
 * Pauses the SLA DAG again (its schedule would keep adding runs to the other suites' windows). Only after
 * airtop has read it: airtop leaves paused DAGs out.
 */
export async function pauseSlaDag(api: AirflowApi): Promise<void> {
  await api.request('PATCH', `${api.prefix}/dags/${SLA_DAG}?update_mask=is_paused`, { is_paused: true });
}

/** Miss by miss (dag, task, execution date): lateness, level and severity; and the Slack messages per task. */
export function slaFigures(history: HistoryEntry[], slack: SlackSla[], report: Report): Figure[] {
  const ours = report.sla.misses.filter((m: SlaMiss) => m.dag_id === SLA_DAG);
  const reference = new Map(history.map((h) => [key(h.dag_id, h.task_id, h.execution_date), h]));
  const airtop = new Map(ours.map((m) => [key(m.dag_id, m.task_id, m.execution_date), m]));
  const misses = [...new Set([...reference.keys(), ...airtop.keys()])].sort().flatMap((k) =>
    (['lateness_seconds', 'escalation_level', 'severity'] as const).map((field) => ({
      path: `sla.history.${k}.${field}`,
      reference: reference.get(k)?.[field],
      airtop: airtop.get(k)?.[field],
    })),
  );
  const tasks = [...new Set([...slack.map((s) => s.task), ...ours.map((m) => m.task_id ?? '(dag)')])].sort();
  const notifications = tasks.map((task) => ({
    path: `sla.slack.${SLA_DAG}/${task}.levels`,
    reference: slack.filter((s) => s.dag === SLA_DAG && s.task === task).map((s) => s.level),
    airtop: ours
      .filter((m) => (m.task_id ?? '(dag)') === task && m.channels.includes('slack'))
      .map((m) => m.escalation_level),
  }));
  return [...misses, ...notifications];
}
