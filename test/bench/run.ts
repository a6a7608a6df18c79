// `npm run bench`: airtop's SQL and REST sources against the reference's own collection code, on the real
// Airflow 3 schema filled with synthetic history at sizes S, M and L (BENCH_SIZES=S,M,L), then a simulated
// day of polls through the whole pipeline and the UI bench. Progress goes to stderr, results to stdout.
//
// Env: BENCH_SIZES (S,M,L), BENCH_REGENERATE=1 (rebuild the cached size databases airtop_bench_<size>_<version>,
//      kept between runs: L is ~1.5 GB), BENCH_DROP=1 (drop them at the end), BENCH_SOAK_POLLS (288),
//      BENCH_REST_BUDGET / BENCH_REFERENCE_BUDGET: seconds per size, overriding BUDGETS below.
// The whole run is meant to fit in ~15 minutes on 2 cores; REST and the reference at L cannot finish in
// that time, so they report how far they got.
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { DEFAULT_WINDOW_CACHE } from '../../source/airflow/rest/window.js';
import { airflowVenv, startApiServer, type ApiServer } from './api-server.js';
import { runReference, runWorker, type Outcome, type ReferenceFigures } from './children.js';
import type { SizeName } from './generate.js';
import { printHubBench, runHubBench } from './hub-bench.js';
import { printFleetBench, runFleetBench } from './fleet-bench.js';
import { startCountingProxy, viaProxy } from './proxy.js';
import { dropDatabase, ensureTemplate } from './schema.js';
import { ensureSizeDb, type SizeDb } from './sizes.js';
import { stormLines } from './storm.js';
import { formatBytes, formatMs, formatRatio, ratio, table, targetLine, type Target } from './table.js';
import type { WorkerResult } from './worker.js';

type PollResult = Extract<WorkerResult, { kind: 'poll' }>;
type SoakResult = Extract<WorkerResult, { kind: 'soak' }>;
type UiResult = Extract<WorkerResult, { kind: 'ui' }>;

interface SizeResults {
  db: SizeDb;
  sql: Outcome<WorkerResult>;
  rest: Outcome<WorkerResult>;
  reference: Outcome<ReferenceFigures>;
}

/** Seconds allowed per size before a run is stopped and reported as "reached …". */
const BUDGETS: Record<SizeName, { rest: number; reference: number }> = {
  S: { rest: 60, reference: 60 },
  M: { rest: 300, reference: 120 },
  L: { rest: 45, reference: 120 },
};

const log = (line: string) => process.stderr.write(`${line}\n`);
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const benchStarted = Date.now();
// Other work on the machine slows every figure: printed with the results.
const startLoad = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');

function sizesFromEnv(): SizeName[] {
  const sizes = (process.env.BENCH_SIZES ?? 'S,M,L').split(',').map((s) => s.trim().toUpperCase());
  const bad = sizes.filter((s) => !['S', 'M', 'L'].includes(s));
  if (bad.length > 0) throw new Error(`BENCH_SIZES: unknown size ${bad.join(', ')} (use S, M, L)`);
  return sizes as SizeName[];
}

async function dagIdsOf(db: SizeDb): Promise<string[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ dag_id: string }>(
      "SELECT dag_id FROM dag WHERE dag_id LIKE 'capstone\\_%' AND NOT is_stale ORDER BY dag_id",
    );
    return rows.map((row) => row.dag_id);
  } finally {
    await client.end();
  }
}

const polled = (outcome: SizeResults['sql']): PollResult | null =>
  outcome.ok && outcome.value.kind === 'poll' ? outcome.value : null;
/** Polls after the first; for REST the quiet ones (its busy poll is told apart). */
const steadyOf = (result: PollResult | null) => {
  const steady = result?.polls.slice(1).filter((p) => p.kind !== 'busy') ?? [];
  return steady.length > 0 ? steady : null;
};
const busyOf = (result: PollResult | null) => result?.polls.find((p) => p.kind === 'busy') ?? null;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measureSize(size: SizeName, venv: string | null, regenerate: boolean): Promise<SizeResults> {
  const started = Date.now();
  const db = await ensureSizeDb(size, { regenerate, log });
  log(
    `bench ${size}: ${db.name} ${db.generated ? `generated in ${formatMs(db.counts.ms)}` : 'reused'}: ${db.counts.dags} DAGs, ${db.counts.runs} runs, ` +
      `${db.counts.taskInstances} task instances (${db.counts.windowTaskInstances} started in the last hour), anchor ${db.anchor.toISOString()}`,
  );
  const pgProxy = await startCountingProxy(5432);
  try {
    log(`bench ${size}: SQL source`);
    const sql = await runWorker(
      { kind: 'sql', dbUrl: viaProxy(db.url, pgProxy), now: db.anchor.toISOString(), steadyPolls: 3 },
      { proxy: pgProxy, budgetSeconds: 300 },
    );
    let reference: SizeResults['reference'] = { ok: false, reason: 'no Airflow venv', seconds: 0, progress: null };
    let rest: SizeResults['rest'] = { ok: false, reason: 'no Airflow venv', seconds: 0, progress: null };
    if (venv) {
      log(`bench ${size}: the reference's collect_* code`);
      reference = await runReference({
        venv,
        dbName: db.name,
        proxy: pgProxy,
        now: db.anchor,
        dagIds: await dagIdsOf(db),
        budgetSeconds: env('BENCH_REFERENCE_BUDGET', BUDGETS[size].reference),
      });
      log(`bench ${size}: REST source (starting the api-server)`);
      let api: ApiServer | null = null;
      try {
        // The generated history was last updated at the anchor: until the REST source's overlap has passed
        // since, its quiet poll would re-read the newest rows as changes. Waited out of the REST budget.
        const quietAt = db.anchor.getTime() + DEFAULT_WINDOW_CACHE.overlapMs + 5000;
        if (Date.now() < quietAt) {
          log(
            `bench ${size}: waiting ${Math.ceil((quietAt - Date.now()) / 1000)} s until the history is older than the REST overlap`,
          );
          await new Promise((resolve) => setTimeout(resolve, quietAt - Date.now()));
        }
        api = await startApiServer(db.name, { venv });
        const httpProxy = await startCountingProxy(Number(new URL(api.url).port));
        try {
          rest = await runWorker(
            {
              kind: 'rest',
              url: viaProxy(api.url, httpProxy),
              username: api.user.username,
              password: api.user.password,
              now: db.anchor.toISOString(),
              dbUrl: db.url,
            },
            { proxy: httpProxy, budgetSeconds: env('BENCH_REST_BUDGET', BUDGETS[size].rest) },
          );
        } finally {
          await httpProxy.close();
        }
      } catch (error) {
        rest = {
          ok: false,
          reason: error instanceof Error ? error.message.split('\n')[0]! : String(error),
          seconds: 0,
          progress: null,
        };
      } finally {
        await api?.stop();
      }
    }
    log(`bench ${size}: done in ${formatMs(Date.now() - started)}`);
    return { db, sql, rest, reference };
  } finally {
    await pgProxy.close();
  }
}

/** Failures are told below the table, numbered, so the table stays narrow. */
const notes: string[] = [];
function note(text: string): string {
  notes.push(text);
  return `see note ${notes.length}`;
}

function sourceRow(size: SizeName, name: string, outcome: SizeResults['sql']): string[] {
  const result = polled(outcome);
  const finished = !outcome.ok ? outcome.completed?.[0] : undefined;
  if (!result && finished) {
    // The first poll finished, the steady one was stopped: show what was measured.
    const steady = note(
      `${size} ${name} steady poll: ${outcome.ok ? '' : outcome.reason}${!outcome.ok && outcome.progress ? ` (reached ${outcome.progress})` : ''}`,
    );
    return [
      size,
      name,
      formatMs(finished.ms),
      steady,
      String(finished.calls),
      '',
      formatBytes(finished.bytes),
      '',
      '—',
    ];
  }
  if (!result) {
    const reason = outcome.ok
      ? 'unexpected result'
      : `${outcome.reason}${outcome.progress ? ` (reached ${outcome.progress})` : ''}`;
    return [size, name, note(`${size} ${name}: ${reason}`), '', '', '', '', '', ''];
  }
  const first = result.polls[0];
  const steady = steadyOf(result) ?? [];
  return [
    size,
    name,
    formatMs(first!.ms),
    steady.length ? formatMs(median(steady.map((p) => p.ms))) : '—',
    String(first!.calls),
    steady.length ? String(median(steady.map((p) => p.calls))) : '—',
    formatBytes(first!.bytes),
    steady.length ? formatBytes(median(steady.map((p) => p.bytes))) : '—',
    `${result.maxRssMb}`,
  ];
}

/** The REST poll after one interval of changes, under its quiet steady poll. */
function busyRow(results: SizeResults): string[][] {
  const busy = busyOf(polled(results.rest));
  if (!busy) return [];
  const changed = busy.changed ? ` (${busy.changed.taskInstances} TIs changed)` : '';
  return [
    [
      results.db.size,
      `  … busy${changed}`,
      '',
      formatMs(busy.ms),
      '',
      String(busy.calls),
      '',
      formatBytes(busy.bytes),
      '',
    ],
  ];
}

function referenceRow(size: SizeName, outcome: SizeResults['reference']): string[] {
  if (!outcome.ok) {
    return [
      size,
      'reference (Python)',
      note(`${size} reference: ${outcome.reason}${outcome.progress ? ` (${outcome.progress})` : ''}`),
      '',
      '',
      '',
      '',
      '',
      '',
    ];
  }
  const f = outcome.value;
  return [
    size,
    'reference (Python)',
    formatMs(f.total_ms),
    '',
    String(f.statements),
    '',
    formatBytes(f.bytes),
    '',
    `${Math.round(f.max_rss_mb)}`,
  ];
}

/** Do the sources agree with the reference on the figures all three compute? Durations to the millisecond. */
function agreement(results: SizeResults): string {
  const sql = polled(results.sql)?.shape;
  const rest = polled(results.rest)?.shape;
  const ref = results.reference.ok ? results.reference.value : null;
  const rows: string[] = [];
  let differ = 0;
  // A sum of n durations each read to the millisecond (REST timestamps are parsed to ms) may differ by n ms.
  const check = (what: string, a: number | undefined, b: number | undefined, c: number | undefined, terms = 1) => {
    const values = [a, b, c].filter((v): v is number => v !== undefined);
    const same = values.every((v) => Math.abs(v - values[0]!) <= 0.001 * Math.max(1, terms));
    if (!same) differ += 1;
    const show = (v: number | undefined) => (v === undefined ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(3));
    rows.push(`${what}: SQL ${show(a)} / REST ${show(b)} / reference ${show(c)}${same ? '' : '  ← differ'}`);
  };
  check('DAGs', sql?.dags, rest?.dags, ref?.dags);
  check('runs in the window', sql?.windowRuns, rest?.windowRuns, ref?.window_runs);
  check('  successful', sql?.successRuns, rest?.successRuns, ref?.success_runs);
  check('  failed', sql?.failedRuns, rest?.failedRuns, ref?.failed_runs);
  check('Σ avg run duration (s)', sql?.avgDurationSum, rest?.avgDurationSum, ref?.avg_duration_sum, sql?.dags);
  check(
    'task instances in the window',
    sql?.windowTaskInstances,
    rest?.windowTaskInstances,
    ref?.window_task_instances,
  );
  check('  successful', sql?.taskSuccess, rest?.taskSuccess, ref?.task_success);
  check('  failed', sql?.taskFailed, rest?.taskFailed, ref?.task_failed);
  check('  retries', sql?.retries, rest?.retries, ref?.retries);
  check('Σ avg task duration (s)', sql?.taskAvgSum, rest?.taskAvgSum, ref?.task_avg_sum, sql?.taskKeys);
  check('Σ max task duration (s)', sql?.taskMaxSum, rest?.taskMaxSum, ref?.task_max_sum, sql?.taskKeys);
  check('dag.task keys', sql?.taskKeys, rest?.taskKeys, ref?.task_keys);
  const measured = [sql, rest, ref].filter(Boolean).length;
  const verdict =
    measured < 2
      ? 'only one side measured, nothing to compare'
      : differ === 0
        ? `all equal (${measured} sides)`
        : `${differ} differ`;
  const head = `  ${results.db.size}: ${verdict}`;
  return [head, ...rows.map((r) => `     ${r}`)].join('\n');
}

const soakOf = (outcome: Outcome<WorkerResult> | null): SoakResult | null =>
  outcome?.ok && outcome.value.kind === 'soak' ? outcome.value : null;

/** The REST target at M; a steady poll stopped by the budget has still shown how many requests it needed at least. */
function restSteadyTarget(rest: SizeResults['rest'] | undefined): Target {
  const name = 'REST steady-state poll at M < 20 requests';
  const full = rest ? steadyOf(polled(rest)) : null;
  if (full) {
    const busy = busyOf(polled(rest!));
    const busyText = busy
      ? `; after one 5-minute interval of changes (${busy.changed?.taskInstances} task instances, ${busy.changed?.runs} runs updated): ` +
        `${busy.calls} requests, ${formatMs(busy.ms)}, ${formatBytes(busy.bytes)} — Airflow pages at 100 rows, so changes cost a request per 100`
      : '';
    return {
      name,
      pass: full[0]!.calls < 20,
      detail: `${full[0]!.calls} requests when little changed (first poll ${polled(rest!)!.polls[0]!.calls})${busyText}`,
    };
  }
  if (rest && !rest.ok && rest.completed?.length === 1 && rest.reached && rest.reached.poll >= 1) {
    const atLeast = rest.reached.calls - rest.completed[0]!.calls;
    return {
      name,
      pass: atLeast >= 20 ? false : null,
      detail: `the steady poll had made ${atLeast} requests when the budget stopped it (first poll: ${rest.completed[0]!.calls} requests, ${formatMs(rest.completed[0]!.ms)})`,
    };
  }
  return {
    name,
    pass: null,
    detail: `not measured${rest && !rest.ok ? `: ${rest.reason}${rest.progress ? ` (reached ${rest.progress})` : ''}` : ''}`,
  };
}

function targets(all: SizeResults[], soak: Outcome<WorkerResult> | null): Target[] {
  const bySize = (size: SizeName) => all.find((r) => r.db.size === size);
  const out: Target[] = [];
  const large = bySize('L');
  const largeSql = large ? polled(large.sql) : null;
  const largeSteady = steadyOf(largeSql);
  out.push({
    name: 'SQL source polls L in < 1 s with ≤ 6 queries',
    pass: largeSteady
      ? median(largeSteady.map((p) => p.ms)) < 1000 && largeSql!.polls.every((p) => p.calls <= 6)
      : null,
    detail: largeSteady
      ? `steady poll ${formatMs(median(largeSteady.map((p) => p.ms)))} (first poll, which also reads the 7-day baseline: ${formatMs(largeSql!.polls[0]!.ms)}), queries per poll ${largeSql!.polls.map((p) => p.calls).join('/')}`
      : 'L not measured',
  });
  const medium = bySize('M');
  const mediumSteady = steadyOf(medium ? polled(medium.sql) : null);
  const mediumRef = medium?.reference.ok ? medium.reference.value : null;
  const speedup = ratio(mediumRef?.total_ms, mediumSteady ? median(mediumSteady.map((p) => p.ms)) : null);
  const speedupFirst = ratio(mediumRef?.total_ms, medium ? polled(medium.sql)?.polls[0]?.ms : null);
  out.push({
    name: '≥ 20× faster than the reference at M',
    pass: speedup === null ? null : speedup >= 20,
    detail:
      speedup === null
        ? 'M or its reference run not measured'
        : `reference ${formatMs(mediumRef!.total_ms)} vs SQL steady poll: ${formatRatio(speedup)} (vs first poll: ${formatRatio(speedupFirst)})`,
  });
  out.push(restSteadyTarget(medium?.rest));
  const soaked = soakOf(soak);
  out.push({
    name: 'RSS < 150 MB after a simulated day (288 polls at M: source → deriveReport → store, as airtop --headless)',
    // 150 MB = 143.05 MiB
    pass: soaked ? (soaked.rssEndMb * 1048576) / 1e6 < 150 && soaked.history <= soaked.capacity : null,
    detail: soaked
      ? `RSS start ${soaked.rssStartMb} MiB, after poll 1 ${soaked.rssAfterFirstMb}, mid ${soaked.rssMidMb}, end ${soaked.rssEndMb} (peak ${soaked.maxRssMb}); ` +
        `live heap ${soaked.heapUsedMb} of ${soaked.heapTotalMb} MiB held by V8; history ${soaked.history}/${soaked.capacity} points; poll p50 ${formatMs(soaked.pollMsP50)}`
      : `not measured${soak && !soak.ok ? `: ${soak.reason}` : ''}`,
  });
  return out;
}

async function main(): Promise<void> {
  // BENCH_ONLY=hub: just the hub under 50 attached TUIs (no databases needed).
  if (process.env.BENCH_ONLY === 'hub') return printHubBench(await runHubBench(log));
  // BENCH_ONLY=fleet: just the fleet line (20 simulated instances × 200 DAGs; no databases needed).
  if (process.env.BENCH_ONLY === 'fleet') return printFleetBench(await runFleetBench(log));
  const sizes = sizesFromEnv();
  const regenerate = process.env.BENCH_REGENERATE === '1';
  await ensureTemplate(log);
  let venv: string | null = null;
  try {
    venv = airflowVenv();
  } catch (error) {
    log(
      `bench: no Airflow venv (${error instanceof Error ? error.message : String(error)}); REST and reference runs are skipped`,
    );
  }
  const results: SizeResults[] = [];
  for (const size of sizes) results.push(await measureSize(size, venv, regenerate));

  let soak: Outcome<WorkerResult> | null = null;
  let soakTui: Outcome<WorkerResult> | null = null;
  if (sizes.includes('M')) {
    const m = results.find((r) => r.db.size === 'M')!.db;
    const polls = env('BENCH_SOAK_POLLS', 288);
    const soakTask = { kind: 'soak', dbUrl: m.url, now: m.anchor.toISOString(), polls } as const;
    log(`bench: soak, ${polls} polls at M with V8 tuned as airtop --headless tunes it`);
    soak = await runWorker({ ...soakTask, lean: true }, { proxy: null, budgetSeconds: 600 });
    log(`bench: soak, ${polls} polls at M with V8's defaults, as the TUI runs`);
    soakTui = await runWorker({ ...soakTask, lean: false }, { proxy: null, budgetSeconds: 600 });
  }
  log('bench: UI');
  const ui = await runWorker({ kind: 'ui' }, { proxy: null, budgetSeconds: 300 });

  const header = [
    'size',
    'source',
    'first poll',
    'steady',
    'calls 1st',
    'steady',
    'bytes 1st',
    'steady',
    'peak RSS MiB',
  ];
  const rows = results.flatMap((r) => [
    sourceRow(r.db.size, 'airtop SQL', r.sql),
    sourceRow(r.db.size, 'airtop REST', r.rest),
    ...busyRow(r),
    referenceRow(r.db.size, r.reference),
  ]);
  console.log(
    '\nairtop bench — calls are SQL queries (BEGIN/COMMIT not counted) or HTTP requests; bytes through a counting proxy',
  );
  console.log(
    `machine: ${cpus().length} cores; load average at start ${startLoad}, at end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(table(header, rows));
  notes.forEach((text, i) => console.log(`  note ${i + 1}: ${text}`));
  console.log('\nairtop / reference (time: reference ÷ airtop steady poll; RSS: reference ÷ airtop)');
  for (const r of results) {
    const sqlPoll = polled(r.sql);
    const steady = steadyOf(sqlPoll);
    const ref = r.reference.ok ? r.reference.value : null;
    console.log(
      `  ${r.db.size}: SQL ${formatRatio(ratio(ref?.total_ms, steady ? median(steady.map((p) => p.ms)) : null))} faster, ` +
        `${formatRatio(ratio(ref?.max_rss_mb, sqlPoll?.maxRssMb))} less memory, ${formatRatio(ratio(ref?.statements, sqlPoll?.polls[0]?.calls))} fewer queries` +
        (ref
          ? `  (reference: pipeline ${formatMs(ref.pipeline_ms)}, tasks ${formatMs(ref.tasks_ms)}, pools ${formatMs(ref.resources_ms)}; Airflow import ${formatMs(ref.import_ms)} not counted)`
          : ''),
    );
  }
  console.log('\nfigures each side computed');
  for (const r of results) console.log(agreement(r));
  console.log('\ntargets');
  for (const target of targets(results, soak)) console.log(targetLine(target));
  const tui = soakOf(soakTui);
  if (tui) {
    console.log(
      `      the same day with V8's defaults, as the TUI runs (the headless tuning doubles key-to-frame time): RSS end ${tui.rssEndMb} MiB ` +
        `(peak ${tui.maxRssMb}), live heap ${tui.heapUsedMb} of ${tui.heapTotalMb} MiB, poll p50 ${formatMs(tui.pollMsP50)}`,
    );
  }
  const uiResult = ui.ok && ui.value.kind === 'ui' ? (ui.value as UiResult) : null;
  console.log('\nUI bench (test/bench/ui-bench.tsx)');
  if (uiResult) {
    for (const line of uiResult.lines) console.log(`  ${line}`);
    console.log(
      `  p95 key→frame ${uiResult.p95KeyMs.toFixed(1)} ms, idle CPU ${uiResult.idleCpuPct.toFixed(2)} %, peak RSS ${uiResult.maxRssMb} MiB`,
    );
  } else {
    console.log(`  not measured: ${ui.ok ? 'unexpected result' : ui.reason}`);
  }
  log('bench: alert storm');
  const storm = await stormLines(500);
  console.log(
    '\nalert storm: 500 DAGs failing at once (test/bench/storm.ts; Slack at 1 message/s on a simulated clock)',
  );
  for (const line of storm.lines) console.log(`  ${line}`);
  console.log(
    targetLine({
      name: 'storm: grouped Slack messages, outbox empty within 2 min',
      detail: `${storm.grouped.messagesOut} message(s), ${storm.grouped.drainSeconds} s`,
      pass: storm.grouped.messagesOut <= 10 && storm.grouped.drainSeconds <= 120,
    }),
  );
  printHubBench(await runHubBench(log));
  printFleetBench(await runFleetBench(log));
  console.log(`\nbench took ${formatMs(Date.now() - benchStarted)}`);
  if (process.env.BENCH_DROP === '1') {
    for (const r of results) await dropDatabase(r.db.name);
    log(`bench: dropped ${results.map((r) => r.db.name).join(', ')}`);
  }
}

await main();
