// An AirflowSource for the drill-down: fixture runs and task instances, logs per try, a continuation token
// that hands out appended lines, and timers the test steps by hand.
import { AirflowError } from '../../source/airflow/errors.js';
import type { AirflowSource, TaskLogPage } from '../../source/airflow/types.js';
import type { DrillTimers } from '../../source/collect/drill.js';
import { buildSnapshot, processingRuns, processingTaskInstances } from './fixtures.js';

export class FakeSource implements AirflowSource {
  readonly url = 'http://127.0.0.1:8080';
  calls: string[] = [];
  /** Lines per try number; appended lines arrive through the continuation token. */
  logs = new Map<number, string[]>([
    [
      1,
      [
        '[2025-03-14 11:20:00] INFO - Starting generate_summary',
        '[2025-03-14 11:21:00] ERROR - LLM timeout after 60s',
        'Traceback (most recent call last):',
      ],
    ],
    [2, Array.from({ length: 200 }, (_, i) => `[2025-03-14 11:2${i % 10}:00] INFO - try 2 line ${i + 1}`)],
  ]);
  failRuns: string | null = null;

  async snapshot() {
    return buildSnapshot();
  }
  async dagRuns(dagId: string, limit: number) {
    this.calls.push(`dagRuns ${dagId} ${limit}`);
    if (this.failRuns) throw new AirflowError('server', this.failRuns, 500);
    return processingRuns().filter((r) => r.dagId === dagId);
  }
  async taskInstances(dagId: string, runId: string) {
    this.calls.push(`taskInstances ${dagId} ${runId}`);
    return processingTaskInstances(runId);
  }
  async taskLog(ti: { taskId: string }, tryNumber: number, token?: string | null): Promise<TaskLogPage> {
    this.calls.push(`taskLog ${ti.taskId} ${tryNumber} ${token ?? '-'}`);
    const lines = this.logs.get(tryNumber) ?? [];
    const from = token ? Number(token) : 0;
    return { lines: lines.slice(from), continuationToken: String(lines.length) };
  }
  async close() {}
}

/** Timers that fire only when the test says so. */
export class ManualTimers implements DrillTimers {
  private next = 1;
  pending = new Map<number, () => void>();
  setTimeout(callback: () => void): unknown {
    const id = this.next++;
    this.pending.set(id, callback);
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Runs every timer due now; returns how many fired. */
  fire(): number {
    const due = [...this.pending.entries()];
    this.pending.clear();
    for (const [, callback] of due) callback();
    return due.length;
  }
}
