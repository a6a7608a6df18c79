import type { ActionRequest, PreviewItem } from './types.js';

// Words for actions: dialog titles, result lines, alert notes and audit targets. Pure.

const mapSuffix = (mapIndex: number) => (mapIndex >= 0 ? `[${mapIndex}]` : '');

export function targetText(req: ActionRequest): string {
  switch (req.verb) {
    case 'clearTask':
    case 'markTask':
      return `${req.task.dagId}.${req.task.taskId}${mapSuffix(req.task.mapIndex)} in ${req.task.runId}`;
    case 'clearRun':
    case 'markRun':
      return `${req.dagId} run ${req.runId}`;
    case 'trigger':
    case 'pause':
      return req.dagId;
  }
}

/** "clear", "mark success", "trigger", "pause": what the action does, as a verb phrase. */
export function verbText(req: ActionRequest): string {
  switch (req.verb) {
    case 'clearTask':
    case 'clearRun':
      return 'clear';
    case 'markTask':
    case 'markRun':
      return `mark ${req.state}`;
    case 'trigger':
      return 'trigger';
    case 'pause':
      return req.paused ? 'pause' : 'unpause';
  }
}

/** Past tense, for result lines and the prefilled ack note: "cleared capstone.extract in manual__…". */
export function doneText(req: ActionRequest): string {
  const past: Record<string, string> = { clear: 'cleared', trigger: 'triggered', pause: 'paused', unpause: 'unpaused' };
  const verb = verbText(req);
  return `${past[verb] ?? `marked ${verb.replace('mark ', '')}`} ${targetText(req)}`;
}

/** What the role check calls the action in a refusal: "clear task instances". */
export function permissionText(req: ActionRequest): string {
  switch (req.verb) {
    case 'clearTask':
      return 'clear task instances';
    case 'markTask':
      return 'change task instance states';
    case 'clearRun':
      return 'clear DAG runs';
    case 'markRun':
      return 'change DAG run states';
    case 'trigger':
      return 'trigger DAG runs';
    case 'pause':
      return 'pause or unpause DAGs';
  }
}

export function itemText(item: PreviewItem): string {
  return `${item.dagId}.${item.taskId}${mapSuffix(item.mapIndex)}  ${item.runId}  ${item.state ?? 'no status'}`;
}

/** The alert labels an action's object answers to: the DAG, and the task when there is one. */
export function actionLabels(req: ActionRequest): { dagId: string; taskId: string | null; runId: string | null } {
  switch (req.verb) {
    case 'clearTask':
    case 'markTask':
      return { dagId: req.task.dagId, taskId: req.task.taskId, runId: req.task.runId };
    case 'clearRun':
    case 'markRun':
      return { dagId: req.dagId, taskId: null, runId: req.runId };
    default:
      return { dagId: req.dagId, taskId: null, runId: null };
  }
}

/** Text bound for the terminal (ids and answers come from Airflow): control characters and escapes removed. */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\x00-\x1f\x7f\x9b]/g, ' ');
}
