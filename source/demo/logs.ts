import { hash32 } from './random.js';
import { isoMicros } from './serialize.js';
import type { DemoTaskState } from './world.js';

// Task logs as Airflow 3.3 serves them with Accept: application/json (compare the recorded ones in
// fixtures/airflow/recorded): a source-details group, a "Pre Execute" group, the task's own output, on a
// failed try "Task failed with exception" with error_detail, then a "Post Execute" group. A running try
// grows a line every 15 simulated seconds.

export interface DemoLogLine {
  event: string;
  timestamp?: string;
  level?: string;
  logger?: string;
  error_detail?: unknown[];
  [context: string]: unknown;
}

const FAILURES: Record<string, [string, string]> = {
  ml_feature_refresh: ['psycopg2.errors.LockNotAvailable', 'could not obtain lock on relation "features.daily"'],
  partner_sftp_sync: ['ConnectionResetError', '[Errno 104] Connection reset by peer'],
  capstone_processing_pipeline: ['openai.RateLimitError', 'Error code: 429 - Rate limit reached for requests'],
  capstone_ingestion_pipeline: [
    'requests.exceptions.ReadTimeout',
    "HTTPSConnectionPool(host='docs.example.com', port=443): Read timed out. (read timeout=30)",
  ],
};

function failure(ti: DemoTaskState): [string, string] {
  return FAILURES[ti.dagId] ?? ['RuntimeError', `${ti.taskId} failed: upstream data missing for ${ti.runId}`];
}

const TASK_RUNNER = '/opt/airflow/.venv/lib/python3.12/site-packages/airflow/sdk/execution_time/task_runner.py';

/** The lines of try `tryNumber` at `nowMs`, or null when that try has not begun. */
export function demoLogLines(ti: DemoTaskState, tryNumber: number, nowMs: number): DemoLogLine[] | null {
  const attempt = ti.tries[tryNumber - 1];
  if (attempt === undefined) return null;
  const context = {
    task_id: ti.taskId,
    run_id: ti.runId,
    dag_id: ti.dagId,
    map_index: ti.mapIndex,
    try_number: tryNumber,
  };
  const line = (
    ms: number,
    level: string,
    event: string,
    logger = 'task',
    extra: Partial<DemoLogLine> = {},
  ): DemoLogLine => ({
    timestamp: isoMicros(ms),
    event,
    level,
    ...context,
    logger,
    ...extra,
  });
  const lines: DemoLogLine[] = [
    { event: '::group::Log message source details' },
    { event: `/opt/airflow/logs/dag_id=${ti.dagId}/run_id=${ti.runId}/task_id=${ti.taskId}/attempt=${tryNumber}.log` },
    { event: '::endgroup::' },
    line(attempt.startMs, 'info', '::group::Pre Execute'),
    line(
      attempt.startMs + 90,
      'info',
      'DAG bundles loaded: dags-folder',
      'airflow.dag_processing.bundles.manager.DagBundlesManager',
    ),
    line(attempt.startMs + 300, 'info', '::endgroup::'),
  ];
  const until = attempt.endMs ?? nowMs;
  for (let ms = attempt.startMs + 15_000, i = 1; ms < until; ms += 15_000, i += 1) {
    lines.push(
      line(
        ms,
        'info',
        `Processed batch ${i} (${(hash32(ti.dagId, ti.runId, ti.taskId, tryNumber, i) % 90) + 10} documents)`,
        'task.stdout',
      ),
    );
  }
  if (attempt.endMs === null) return lines;
  if (attempt.ok) {
    lines.push(
      line(
        attempt.endMs - 5,
        'info',
        'Done. Returned value was: None',
        'airflow.task.operators.airflow.providers.standard.decorators.python._PythonDecoratedOperator',
      ),
    );
  } else {
    const [type, message] = failure(ti);
    lines.push(
      line(attempt.endMs - 5, 'error', 'Task failed with exception', 'task', {
        error_detail: [
          {
            exc_type: type,
            exc_value: message,
            exc_notes: [],
            syntax_error: null,
            is_cause: false,
            frames: [
              { filename: TASK_RUNNER, lineno: 1579, name: '_run_task_and_map_outcome' },
              { filename: TASK_RUNNER, lineno: 2192, name: '_run_execute_callable' },
              { filename: `/opt/airflow/dags/${ti.dagId}.py`, lineno: 40 + (hash32(ti.taskId) % 60), name: ti.taskId },
            ],
          },
        ],
      }),
    );
  }
  lines.push(line(attempt.endMs - 4, 'info', '::group::Post Execute'), line(attempt.endMs, 'info', '::endgroup::'));
  return lines;
}

/** The continuation token says how many lines the reader already has. */
export function encodeLogToken(position: number): string {
  return Buffer.from(JSON.stringify({ log_pos: position })).toString('base64url');
}

export function decodeLogToken(token: string | null): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { log_pos?: unknown };
    return typeof parsed.log_pos === 'number' && parsed.log_pos >= 0 ? parsed.log_pos : 0;
  } catch {
    return 0;
  }
}
