import { describe, expect, it } from 'vitest';
import { renderLogContent } from '../../../source/airflow/rest/log-lines.js';
import * as rest from '../../../source/airflow/rest/map.js';
import * as sql from '../../../source/airflow/sql/rows.js';
import { AirflowError } from '../../../source/airflow/errors.js';
import { jsonLogger } from '../../../source/headless/json-logger.js';
import {
  isTerminalSafe,
  MAX_TEXT,
  sanitizeDeep,
  sanitizeText,
  terminalSafeJson,
} from '../../../source/text/sanitize.js';
import { HOSTILE, TERMINAL_UNSAFE } from '../../helpers/fake-airflow.js';

/** Every string anywhere in a value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

const expectSafe = (value: unknown) => {
  for (const text of strings(value)) {
    expect(text).not.toMatch(TERMINAL_UNSAFE);
    expect(isTerminalSafe(text)).toBe(true);
  }
};

describe('sanitizeText', () => {
  it('removes CSI, OSC (with its text), DCS and other escapes whole, and keeps the readable text', () => {
    expect(sanitizeText('a\x1b[2J\x1b[31mb\x1b[0m')).toBe('ab');
    expect(sanitizeText('a\x1b]0;title\x07b')).toBe('ab');
    expect(sanitizeText('a\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\b')).toBe('alinkb');
    expect(sanitizeText('a\x1bP+q544e\x1b\\b')).toBe('ab');
    expect(sanitizeText('a\x9b31mb')).toBe('ab');
    expect(sanitizeText('a\x1bcb')).toBe('ab');
    expect(sanitizeText('a\x1b]0;never ends')).toBe('a');
  });

  it('makes other controls, bidi overrides and zero-width characters visible', () => {
    expect(sanitizeText('a\u202eb')).toBe('a\\u{202E}b');
    expect(sanitizeText('a\u200bb\ufeff')).toBe('a\\u{200B}b\\u{FEFF}');
    expect(sanitizeText('a\x07b\x00')).toBe('a\\u{07}b\\u{00}');
    expect(sanitizeText('line1\nline2\r')).toBe('line1\\nline2\\u{0D}');
    expect(sanitizeText('line1\nline2', { multiline: true })).toBe('line1\nline2');
    expect(sanitizeText('\ud800x')).toBe('\ufffdx');
  });

  it('keeps ordinary Unicode and caps the length', () => {
    expect(sanitizeText('Zürich 東京 🚀 d’état')).toBe('Zürich 東京 🚀 d’état');
    expect(sanitizeText('x'.repeat(100_000))).toHaveLength(MAX_TEXT + 1);
    expect(sanitizeText(`${'\x1b[31m'.repeat(100_000)}`)).toBe('');
  });

  it('sanitizeDeep cleans keys and values and cuts absurd nesting', () => {
    const deep: unknown[] = [];
    let cursor = deep;
    for (let i = 0; i < 200; i++) {
      const next: unknown[] = [];
      cursor.push(next);
      cursor = next;
    }
    expectSafe(sanitizeDeep({ [HOSTILE]: [HOSTILE, { x: HOSTILE }], n: 1, deep }));
  });

  it('terminalSafeJson escapes what JSON.stringify writes raw, and parses back to the same value', () => {
    const value = { s: `\x9b\u202e\u200b${HOSTILE}🚀` };
    const text = terminalSafeJson(JSON.stringify(value));
    expect(text).not.toMatch(TERMINAL_UNSAFE);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('every string field of every record is sanitised where it enters', () => {
  it('REST: DAGs, runs, task instances, pools', () => {
    expectSafe(rest.toDag({ dag_id: HOSTILE, is_paused: false, tags: [{ name: HOSTILE }], owners: [HOSTILE] }));
    expectSafe(
      rest.toRun({
        dag_id: HOSTILE,
        dag_run_id: HOSTILE,
        state: HOSTILE,
        run_type: HOSTILE,
        queued_at: null,
        start_date: null,
        end_date: null,
        run_after: '2025-01-01T00:00:00.000Z',
        logical_date: null,
        execution_date: null,
      }),
    );
    expectSafe(
      rest.toTaskInstance({
        dag_id: HOSTILE,
        dag_run_id: HOSTILE,
        task_id: HOSTILE,
        map_index: -1,
        state: HOSTILE,
        try_number: 1,
        max_tries: 1,
        start_date: null,
        end_date: null,
        duration: null,
        pool: HOSTILE,
        pool_slots: 1,
        queue: HOSTILE,
        operator: HOSTILE,
        queued_when: null,
      }),
    );
    expectSafe(rest.toPool({ name: HOSTILE, slots: 1 }));
  });

  it('SQL: DAGs, runs, task instances, pools and window rows', () => {
    expectSafe(sql.toDag({ dag_id: HOSTILE, is_paused: false, owners: `${HOSTILE},${HOSTILE}`, tags: [HOSTILE] }));
    expectSafe(
      sql.toDagRun({
        dag_id: HOSTILE,
        run_id: HOSTILE,
        state: HOSTILE,
        run_type: HOSTILE,
        queued_at: null,
        start_date: null,
        end_date: null,
        run_after: '2025-01-01T00:00:00Z',
        logical_date: null,
      }),
    );
    expectSafe(
      sql.toTaskInstance({
        dag_id: HOSTILE,
        run_id: HOSTILE,
        task_id: HOSTILE,
        map_index: -1,
        state: HOSTILE,
        try_number: 1,
        max_tries: 1,
        start_date: null,
        end_date: null,
        duration: null,
        pool: HOSTILE,
        pool_slots: 1,
        queue: HOSTILE,
        operator: HOSTILE,
        queued_dttm: null,
      }),
    );
    expectSafe(
      sql.toPool({
        pool: HOSTILE,
        slots: 1,
        include_deferred: false,
        running: 0,
        queued: 0,
        scheduled: 0,
        deferred: 0,
      }),
    );
    expectSafe(
      sql.toWindowDags(
        [sanitizeText(HOSTILE)],
        [{ dag_id: HOSTILE, runs: 1, success: 1, failed: 0, running: 0, queued: 0, avg_seconds: 1, p95_seconds: 1 }],
      ),
    );
    expectSafe(
      sql.toWindowTasks([
        {
          dag_id: HOSTILE,
          task_id: HOSTILE,
          total: 1,
          success: 1,
          failed: 0,
          retries: 0,
          avg_seconds: 1,
          max_seconds: 1,
        },
      ]),
    );
    // The SQL window row of a hostile DAG still lands on that DAG (both sides sanitised alike).
    expect(
      sql.toWindowDags(
        [sanitizeText(HOSTILE)],
        [{ dag_id: HOSTILE, runs: 3, success: 1, failed: 0, running: 0, queued: 0, avg_seconds: 1, p95_seconds: 1 }],
      )[sanitizeText(HOSTILE)]!.runs,
    ).toBe(3);
  });

  it('task logs: OSC text and CSI are gone from every line', () => {
    const lines = renderLogContent([
      'plain',
      { event: HOSTILE, timestamp: HOSTILE, level: 'info' },
      `a\x1b]0;title text\x07b`,
    ]);
    expectSafe(lines);
    expect(lines.join('\n')).not.toContain('title text');
    expectSafe(renderLogContent(`one\x1b[2J\ntwo\x1b]2;x\x07\n`));
  });

  it('error messages (a 404 detail) and JSON log lines', () => {
    expectSafe(new AirflowError('not_found', `404: ${HOSTILE}`).message);
    let out = '';
    const log = jsonLogger({ write: (chunk: string) => (out += chunk) });
    log.error(HOSTILE, { [HOSTILE]: HOSTILE, nested: { list: [HOSTILE] } });
    expect(out).not.toMatch(TERMINAL_UNSAFE);
    expect(() => JSON.parse(out) as unknown).not.toThrow();
  });
});
