import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateWindow } from '../../../source/airflow/aggregate.js';
import { AirflowError } from '../../../source/airflow/errors.js';
import { parseBody, toDag, toPool, toRun, toTaskInstance } from '../../../source/airflow/rest/map.js';
import {
  dagListSchema,
  poolListSchema,
  runListSchema,
  taskInstanceListSchema,
} from '../../../source/airflow/rest/schemas.js';
import { screenSnapshot } from '../../../source/airflow/screen.js';
import * as sql from '../../../source/airflow/sql/rows.js';
import type { Dag, DagRun, Pool, Snapshot, TaskInstance, VariableRead } from '../../../source/airflow/types.js';
import { configSchema } from '../../../source/config/schema.js';
import { deriveReport } from '../../../source/engines/index.js';
import { summaryLine } from '../../../source/modes/once.js';
import type { Report } from '../../../source/report/types.js';
import { reportMetricsText } from '../../../source/sinks/metrics-registry.js';
import { createAirtopStore } from '../../../source/state/store.js';
import { isTerminalSafe } from '../../../source/text/sanitize.js';
import { HOSTILE } from '../../helpers/fake-airflow.js';
import { NOW } from '../../helpers/snapshot.js';
import { renderTui } from '../../ui/render.js';

// Generated hostile payloads through every layer outside text crosses: the REST mapper (zod schema + record
// mapping), the SQL row mapper, the engines, and the renderers (summary line, Prometheus text, the TUI).
// Wrong types, missing fields, huge numbers, control characters and deep nesting; thousands of cases.
// Properties: nothing throws but a refused body (an AirflowError naming the field), every string that
// comes out is terminal-safe, every number is finite, and every bad Variable or impossible record is
// explained in the report's issues or problems.

const config = configSchema.parse({ dags: { patterns: ['*'] } });

const nasty = fc.constantFrom(
  'toString',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  HOSTILE,
  '\x1b[2J',
  '\x1b]0;t\x07',
  '\u202e',
  '\u200b',
  '\x9b1m',
  '',
  ' ',
  '\ud800',
  'a'.repeat(10_000),
  '***',
  'NaN',
);
const text = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), nasty);
const huge = fc.constantFrom(1e15, -1e15, 1e308, -1e308, Number.MAX_SAFE_INTEGER, -1, -0, 0.5, 2 ** 31);
const number = fc.oneof(fc.integer({ min: -5, max: 200 }), huge, fc.double({ noNaN: true, noDefaultInfinity: true }));
const date = fc.oneof(
  fc.integer({ min: -7 * 86_400_000, max: 3_600_000 }).map((ms) => new Date(NOW.getTime() + ms).toISOString()),
  fc.constantFrom('0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', 'not a date', '2025-13-45'),
  text,
);
/** Any JSON value, nested up to 40 levels (deeper than anything airtop reads). */
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', maxDepth: 40 },
    text,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('json'), { maxLength: 3 }),
    fc.dictionary(text, tie('json'), { maxKeys: 3 }),
  ),
}));
/** Mostly the right type, sometimes anything, sometimes missing. */
const field = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 6, arbitrary: good },
    { weight: 1, arbitrary: json },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
const state = fc.constantFrom('success', 'failed', 'running', 'queued', 'up_for_retry', null);

const dagJson = fc.record({
  dag_id: field(text),
  is_paused: field(fc.boolean()),
  tags: field(fc.array(fc.record({ name: field(text) }), { maxLength: 3 })),
  owners: field(fc.array(text, { maxLength: 3 })),
});
const runJson = fc.record({
  dag_id: field(fc.oneof(text, fc.constantFrom('a', 'b'))),
  dag_run_id: field(text),
  state: field(state),
  run_type: field(text),
  queued_at: field(date),
  start_date: field(date),
  end_date: field(date),
  run_after: field(date),
  logical_date: field(date),
});
const tiJson = fc.record({
  dag_id: field(fc.oneof(text, fc.constantFrom('a', 'b'))),
  dag_run_id: field(text),
  task_id: field(text),
  map_index: field(fc.integer({ min: -1, max: 5 })),
  state: field(state),
  try_number: field(number),
  max_tries: field(number),
  start_date: field(date),
  end_date: field(date),
  duration: field(number),
  pool: field(text),
  pool_slots: field(number),
  queue: field(text),
  operator: field(text),
  queued_when: field(date),
});
const poolJson = fc.record({
  name: field(text),
  slots: field(fc.oneof(fc.integer({ min: -3, max: 64 }), huge)),
  running_slots: field(number),
  queued_slots: field(number),
  open_slots: field(number),
  occupied_slots: field(number),
});
const list = <T>(key: string, item: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ [key]: fc.array(item, { maxLength: 6 }), total_entries: field(fc.nat(10)) }) },
    { weight: 1, arbitrary: json },
  );

/** Every string in a value (keys too) and every number. */
function walk(value: unknown, strings: string[], numbers: number[], depth = 0): void {
  if (depth > 100) return;
  if (typeof value === 'string') strings.push(value);
  else if (typeof value === 'number') numbers.push(value);
  else if (Array.isArray(value)) for (const item of value) walk(item, strings, numbers, depth + 1);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      strings.push(key);
      walk(item, strings, numbers, depth + 1);
    }
  }
}

function expectSafe(value: unknown, what: string): void {
  const strings: string[] = [];
  const numbers: number[] = [];
  walk(value, strings, numbers);
  for (const s of strings) if (!isTerminalSafe(s)) throw new Error(`${what}: unsafe string ${JSON.stringify(s)}`);
  for (const n of numbers) if (!Number.isFinite(n)) throw new Error(`${what}: non-finite number ${n}`);
}

const outcomes = { accepted: 0, refused: 0 };

/** parseBody + mapping, as the REST reads do; a refusal must be an AirflowError with a safe message naming where. */
function mapped<T>(map: () => T[]): T[] {
  try {
    const records = map();
    outcomes.accepted += 1;
    return records;
  } catch (error) {
    outcomes.refused += 1;
    if (!(error instanceof AirflowError)) throw error;
    expect(error.kind).toBe('bad_response');
    expect(error.message).toMatch(/returned an unexpected shape at /);
    expect(isTerminalSafe(error.message)).toBe(true);
    return [];
  }
}

const RUNS = Number(process.env.AIRTOP_FUZZ_RUNS ?? 1500);

describe('fuzz: the REST mapper', () => {
  it('maps or refuses every generated list body; what it maps is terminal-safe', () => {
    outcomes.accepted = 0;
    outcomes.refused = 0;
    fc.assert(
      fc.property(
        list('dags', dagJson),
        list('dag_runs', runJson),
        list('task_instances', tiJson),
        list('pools', poolJson),
        (dags, runs, tis, pools) => {
          const out = [
            mapped(() => parseBody(dagListSchema, dags, 'dags').dags.map(toDag)),
            mapped(() => parseBody(runListSchema, runs, 'runs').dag_runs.map(toRun)),
            mapped(() => parseBody(taskInstanceListSchema, tis, 'tis').task_instances.map(toTaskInstance)),
            mapped(() => parseBody(poolListSchema, pools, 'pools').pools.map(toPool)),
          ];
          expectSafe(out, 'REST records');
        },
      ),
      { numRuns: RUNS },
    );
    // The generator reaches both paths, or the property says little.
    expect(outcomes.accepted).toBeGreaterThan(RUNS / 4);
    expect(outcomes.refused).toBeGreaterThan(RUNS / 4);
  });
});

describe('fuzz: the SQL row mapper', () => {
  it('never throws on rows of the wrong types; strings are safe, numbers finite', () => {
    const row = fc.dictionary(
      fc.constantFrom(
        'dag_id',
        'run_id',
        'task_id',
        'state',
        'run_type',
        'owners',
        'tags',
        'pool',
        'queue',
        'operator',
        'is_paused',
        'map_index',
        'try_number',
        'max_tries',
        'duration',
        'pool_slots',
        'slots',
        'running',
        'queued',
        'scheduled',
        'deferred',
        'include_deferred',
        'start_date',
        'end_date',
        'run_after',
        'queued_at',
        'logical_date',
        'queued_dttm',
        'runs',
        'success',
        'failed',
        'avg_seconds',
        'p95_seconds',
        'total',
        'retries',
        'max_seconds',
      ),
      fc.oneof(
        json,
        date,
        fc.date().map((d) => d),
      ),
    );
    fc.assert(
      fc.property(row, (r) => {
        const anyRow = r as never;
        const out = [
          sql.toDag(anyRow),
          sql.toDagRun(anyRow),
          sql.toTaskInstance(anyRow),
          sql.toPool(anyRow),
          sql.toWindowDags(['a'], [anyRow]),
          sql.toWindowTasks([anyRow]),
        ];
        expectSafe(out, 'SQL records');
      }),
      { numRuns: RUNS },
    );
  });
});

const variableRead: fc.Arbitrary<VariableRead> = fc.oneof(
  { weight: 3, arbitrary: json.map((value) => ({ status: 'ok' as const, raw: JSON.stringify(value) ?? 'null' })) },
  {
    weight: 2,
    arbitrary: fc
      .dictionary(
        fc.constantFrom('2024-01-15-11', '2024-01-15-12', '2024-01-15', 'x'),
        fc.dictionary(
          fc.constantFrom(
            'total_documents',
            'errors',
            'by_type',
            'embedding_tokens',
            'llm_input_tokens',
            'llm_output_tokens',
            'complete',
            'dimensions',
            'confidence',
            'stage',
          ),
          json,
        ),
      )
      .map((v) => ({ status: 'ok' as const, raw: JSON.stringify(v) })),
  },
  { weight: 1, arbitrary: text.map((raw) => ({ status: 'ok' as const, raw })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<VariableRead>(
      { status: 'missing' },
      { status: 'forbidden', reason: `403 ${HOSTILE}` },
      { status: 'error', reason: HOSTILE },
      { status: 'ok', raw: '{"a": NaN, "b": 1e400}' },
    ),
  },
);

function snapshotOf(
  dags: Dag[],
  runs: DagRun[],
  tis: TaskInstance[],
  pools: Pool[],
  variables: Record<string, VariableRead>,
): Snapshot {
  const dagIds = [...new Set([...dags.map((d) => d.dagId), 'a'])];
  const since = new Date(NOW.getTime() - 3_600_000).toISOString();
  const durations = runs
    .filter((r) => r.startDate && r.endDate)
    .map((r) => (Date.parse(r.endDate!) - Date.parse(r.startDate!)) / 1000);
  return screenSnapshot({
    takenAt: NOW.toISOString(),
    source: 'rest',
    airflow: { url: 'http://127.0.0.1:1', version: '3.0.2', api: 'v2' },
    health: null,
    dags,
    window: { since, ...aggregateWindow(runs, tis, since, dagIds) },
    baseline: { since, dags: { a: durations }, tasks: {} },
    runs,
    taskInstances: tis,
    pools,
    variables,
    issues: [],
  });
}

/** Every explanation the report gives: source issues and the engines' problems. */
function explanations(report: Report): string {
  const found: string[] = report.issues.map((i) => i.message);
  const collect = (value: unknown, depth = 0): void => {
    if (depth > 6 || value === null || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
      if ((key === 'problems' || key === 'issues') && Array.isArray(item))
        found.push(...item.filter((x): x is string => typeof x === 'string'));
      else collect(item, depth + 1);
    }
  };
  collect(report);
  return found.join('\n');
}

const v = config.variables;
const ENGINE_INPUTS = [
  v.processing_metrics,
  v.cost_metrics,
  v.quality_metrics,
  v.embedding_log,
  v.extraction_log,
  v.llm_log,
];

const recordsArb = fc.tuple(
  fc.array(dagJson, { maxLength: 4 }),
  fc.array(runJson, { maxLength: 8 }),
  fc.array(tiJson, { maxLength: 8 }),
  fc.array(poolJson, { maxLength: 3 }),
  fc.dictionary(
    fc.constantFrom(...Object.values(config.variables).filter((v): v is string => typeof v === 'string')),
    variableRead,
  ),
);

function mapAll([dags, runs, tis, pools]: [unknown[], unknown[], unknown[], unknown[]]): [
  Dag[],
  DagRun[],
  TaskInstance[],
  Pool[],
] {
  return [
    mapped(() => parseBody(dagListSchema, { dags, total_entries: dags.length }, 'dags').dags.map(toDag)),
    mapped(() => parseBody(runListSchema, { dag_runs: runs, total_entries: runs.length }, 'runs').dag_runs.map(toRun)),
    mapped(() =>
      parseBody(taskInstanceListSchema, { task_instances: tis, total_entries: tis.length }, 'tis').task_instances.map(
        toTaskInstance,
      ),
    ),
    mapped(() => parseBody(poolListSchema, { pools, total_entries: pools.length }, 'pools').pools.map(toPool)),
  ];
}

describe('fuzz: the engines and the text renderers', () => {
  it('derive a report from any records and Variables: no throw, safe strings, finite numbers, bad input explained', async () => {
    await fc.assert(
      fc.asyncProperty(recordsArb, async ([dags, runs, tis, pools, variables]) => {
        const [d, r, t, p] = mapAll([dags, runs, tis, pools]);
        const snapshot = snapshotOf(d, r, t, p, variables);
        const { report, candidates } = deriveReport({
          snapshot,
          history: [],
          config,
          now: NOW,
          stale: { stale: false, reason: null, lastSuccess: NOW.toISOString() },
        });
        expectSafe(report, 'report');
        expectSafe(candidates, 'alert candidates');
        const why = explanations(report);
        for (const [name, read] of Object.entries(variables)) {
          // The Variables the engines read; the others are airtop's own output, written back, not read.
          if (read.status !== 'ok' || !ENGINE_INPUTS.includes(name)) continue;
          let parsed: unknown;
          try {
            parsed = JSON.parse(read.raw);
          } catch {
            // Not JSON (NaN aside, which is cleaned and noted): said in so many words, naming the Variable.
            if (!/NaN|Infinity/.test(read.raw) && read.raw.trim() !== '') expect(why).toContain(name);
            continue;
          }
          // A Variable of the wrong type (a number, a string) is explained where it is read; JSON null is "not set".
          if (parsed !== null && typeof parsed !== 'object') expect(why).toContain(name);
        }
        if (r.some((run) => run.startDate && run.endDate && Date.parse(run.endDate) < Date.parse(run.startDate)))
          expect(why).toMatch(/impossible/);
        expectSafe(summaryLine(report), 'summary line');
        expectSafe(await reportMetricsText(report), 'metrics text');
      }),
      { numRuns: Math.round(RUNS / 2) },
    );
  }, 120_000);
});

describe('fuzz: the TUI', () => {
  it('draws any such report without crashing and without an escape sequence of its own data', async () => {
    await fc.assert(
      fc.asyncProperty(recordsArb, async ([dags, runs, tis, pools, variables]) => {
        const [d, r, t, p] = mapAll([dags, runs, tis, pools]);
        const snapshot = snapshotOf(d, r, t, p, variables);
        const { report, point } = deriveReport({
          snapshot,
          history: [],
          config,
          now: NOW,
          stale: { stale: false, reason: null, lastSuccess: NOW.toISOString() },
        });
        const store = createAirtopStore({});
        store.getState().setSize(100, 30);
        store.getState().pollSucceeded({ snapshot, report, alerts: [], point, at: NOW, nextPollAt: null });
        const ui = renderTui({ store, clock: () => NOW });
        try {
          await ui.waitForContent('DAG health');
          await ui.sendKeys('2', '5', '1');
          // noColor: Ink writes no SGR, so any ESC in the frame would be the data's own.
          for (const frame of ui.stdout.frames) {
            if (/[\x1b\x07\x9b\u202e\u200b]/.test(frame.replace(/\x1b\[(?:\d+[ABCDGJK]|2K|1A|G|\?25[hl])/g, '')))
              throw new Error(`unsafe frame:\n${frame}`);
          }
        } finally {
          ui.unmount();
        }
      }),
      { numRuns: Number(process.env.AIRTOP_FUZZ_UI_RUNS ?? 40) },
    );
  }, 120_000);
});
