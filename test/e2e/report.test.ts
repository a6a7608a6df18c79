// Given a real Airflow 3 running the capstone pipeline, when a scenario of runs (successes, failures, a retry
// that recovers, a task that runs past its SLA) has finished, then `airtop --once --json` reports every
// figure exactly as SQL on the metadata DB and the conf that was sent say it should.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../source/report/types.js';
import { AirflowApi, type RunConf, type RunRef } from './support/api.js';
import { cliEnv, onceJson, writeConfig } from './support/cli.js';
import { expectClose, expectFigures, SECONDS_TOLERANCE, sortedKeys } from './support/compare.js';
import { CAPSTONE, CAPSTONE_DAGS, harness } from './support/context.js';
import { contributionsOf, doc, type Contributions } from './support/documents.js';
import {
  costFigures,
  embeddingComponent,
  expectedSlaMisses,
  expectedThresholds,
  extractionComponent,
  healthScore,
  llmComponent,
  qualityReport,
  type SlaDefinitions,
} from './support/expected.js';
import { oracle, type OracleFigures } from './support/oracle.js';
import { readPipelineVariables, type PipelineVariables } from './support/variables.js';

const d1 = doc('doc-1', { confidence: 0.95, latency_ms: 800 });
const d2 = doc('doc-2', {
  type: 'docx',
  encoding_error: true,
  confidence: 0.6,
  norm: 0.98,
  complete: false,
  latency_ms: 1200,
  processing_time_ms: 2100,
});
const d3 = doc('doc-3', { confidence: 0.85, norm: 1.02, json_valid: false, latency_ms: 950, embedding_tokens: 450 });
const d4 = doc('doc-4', {
  type: 'html',
  extraction_status: 'failed',
  text_length: 0,
  confidence: 0.5,
  llm_input_tokens: 900,
});

/** Three runs per DAG: one clean, one that misbehaves and recovers or runs late, one that fails. */
const SCENARIO: { dagId: string; conf: RunConf }[] = [
  { dagId: 'capstone_ingestion_pipeline', conf: {} },
  { dagId: 'capstone_ingestion_pipeline', conf: { sleep: { scan_sources: 8 } } },
  { dagId: 'capstone_ingestion_pipeline', conf: { fail: ['download_documents'] } },
  { dagId: 'capstone_processing_pipeline', conf: { docs: [d1, d2] } },
  { dagId: 'capstone_processing_pipeline', conf: { docs: [d3], flaky: ['extract_text'] } },
  { dagId: 'capstone_processing_pipeline', conf: { docs: [d4], fail: ['generate_summary'] } },
  { dagId: 'capstone_vector_store_pipeline', conf: { docs: [d1, d2] } },
  { dagId: 'capstone_vector_store_pipeline', conf: { docs: [d3], flaky: ['generate_embeddings'] } },
  { dagId: 'capstone_vector_store_pipeline', conf: { docs: [d4], fail: ['upsert_vectors'] } },
];

/** Short SLAs so the 8 s sleep misses one; everything else keeps the reference's defaults. */
const SLA_SECONDS: SlaDefinitions = {
  capstone_ingestion_pipeline: { default: 600, tasks: { scan_sources: 5, download_documents: 600 } },
  capstone_processing_pipeline: {
    default: 600,
    tasks: { extract_text: 600, generate_summary: 600, classify_document: 600 },
  },
  capstone_vector_store_pipeline: { default: 600, tasks: { generate_embeddings: 600, upsert_vectors: 600 } },
};

function e2eConfig(): Record<string, unknown> {
  return { sla: { definitions: SLA_SECONDS } };
}

/** What the Variables should hold now: what they held before the scenario plus what its conf implies. */
function expectedAfter(before: PipelineVariables, added: Contributions, hourKey: string, dayKey: string) {
  const hour = before.processing[hourKey] ?? {
    documents_processed: 0,
    total_processing_time_ms: 0,
    errors: { extraction: 0, embedding: 0, storage: 0 },
  };
  const day = before.costs[dayKey] ?? {
    embedding_tokens: 0,
    llm_input_tokens: 0,
    llm_output_tokens: 0,
    documents_processed: 0,
  };
  return {
    extraction_log: [...before.extraction_log, ...added.extraction_log],
    llm_response_log: [...before.llm_response_log, ...added.llm_response_log],
    embedding_generation_log: [...before.embedding_generation_log, ...added.embedding_generation_log],
    extraction_confidence_scores: [...before.extraction_confidence_scores, ...added.extraction_confidence_scores],
    embedding_similarity_scores: [...before.embedding_similarity_scores, ...added.embedding_similarity_scores],
    day: {
      embedding_tokens: day.embedding_tokens + added.tokens.embedding_tokens,
      llm_input_tokens: day.llm_input_tokens + added.tokens.llm_input_tokens,
      llm_output_tokens: day.llm_output_tokens + added.tokens.llm_output_tokens,
      documents_processed: day.documents_processed + added.tokens.documents_processed,
    },
    hour: {
      documents_processed: hour.documents_processed + added.processing.documents_processed,
      total_processing_time_ms: hour.total_processing_time_ms + added.processing.total_processing_time_ms,
      errors: {
        extraction: (hour.errors.extraction ?? 0) + added.processing.errors.extraction,
        embedding: (hour.errors.embedding ?? 0) + added.processing.errors.embedding,
        storage: (hour.errors.storage ?? 0) + added.processing.errors.storage,
      },
    },
  };
}

const canonical = (entries: object[]) => entries.map((e) => JSON.stringify(e, Object.keys(e).sort())).sort();
const utcHour = (d: Date) => d.toISOString().slice(0, 13).replace('T', '-');
const utcDay = (d: Date) => d.toISOString().slice(0, 10);

describe('airtop --once --json against a real Airflow (3.3.2 or 2.11), after a scenario of runs', () => {
  const api = AirflowApi.as('admin');
  let refs: RunRef[] = [];
  let before: PipelineVariables;
  let after: PipelineVariables;
  let triggeredAt: Date;
  let code: number | null;
  let report: Report;
  let stderr: string;
  let truth: OracleFigures;
  let configPath: string;

  beforeAll(async () => {
    await api.waitQuiet();
    before = await readPipelineVariables(api);
    triggeredAt = new Date();
    refs = await Promise.all(SCENARIO.map((run) => api.trigger(run.dagId, run.conf)));
    const states = await api.waitForRuns(refs, 420_000);
    expect(Object.values(states).filter((s) => s === 'failed')).toHaveLength(3);
    after = await readPipelineVariables(api);

    configPath = writeConfig(e2eConfig());
    const h = harness();
    const env = cliEnv({ AIRFLOW_USERNAME: h.users.admin.username, AIRFLOW_PASSWORD: h.users.admin.password });
    ({ code, report, stderr } = await onceJson<Report>(['--url', h.url, '--config', configPath], env));
    truth = await oracle(h.dbUrl, new Date(report.timestamp));
  }, 600_000);

  it('exits by the status it reports, and says which Airflow it read', () => {
    expect(stderr).not.toMatch(/admin-pw/);
    const h = harness();
    expect(report.airflow).toMatchObject({
      url: h.url,
      version: h.major === 2 ? '2.11.2' : '3.3.2',
      api: h.major === 2 ? 'v1' : 'v2',
      stale: false,
    });
    expect(report.airflow.health?.scheduler.status).toBe('healthy');
    // Airflow 2.11 parses DAGs inside the scheduler (no standalone dag processor): its health says null.
    expect(report.airflow.health?.dagProcessor.status).toBe(h.major === 2 ? null : 'healthy');
    expect(code).toBe({ healthy: 0, warning: 1, critical: 2 }[report.summary.overall]);
    // Every DAG failed a third of its runs: a success-rate violation, so critical.
    expect(report.summary.overall).toBe('critical');
    expect(report.issues).toEqual([]);
  });

  it('pipeline: runs, outcomes, success rate, mean and p95 duration per DAG equal SQL', () => {
    expect(sortedKeys(report.pipeline.dags)).toEqual([...CAPSTONE_DAGS].sort());
    for (const dagId of CAPSTONE_DAGS) {
      const { baseline_samples: _samples, ...expected } = truth.dags[dagId]!;
      expect(expected.runs_last_hour, `${dagId} runs in the oracle`).toBeGreaterThanOrEqual(3);
      expectFigures(
        report.pipeline.dags[dagId] as unknown as Record<string, unknown>,
        expected,
        `pipeline.dags.${dagId}`,
        {
          avg_duration_seconds: SECONDS_TOLERANCE,
          p95_duration_seconds: SECONDS_TOLERANCE,
          baseline_avg_duration_seconds: SECONDS_TOLERANCE,
        },
      );
    }
  });

  it('tasks: total, success, failed, retries, mean and max duration per dag.task equal SQL', () => {
    expect(sortedKeys(report.tasks.task_stats)).toEqual(sortedKeys(truth.tasks));
    for (const [key, expected] of Object.entries(truth.tasks)) {
      expectFigures(
        report.tasks.task_stats[key] as unknown as Record<string, unknown>,
        { ...expected },
        `tasks.task_stats.${key}`,
        {
          avg_duration: SECONDS_TOLERANCE,
          max_duration: SECONDS_TOLERANCE,
        },
      );
    }
    // The scenario's retries: one flaky task in each of two DAGs, retried once.
    expect(report.tasks.task_stats['capstone_processing_pipeline.extract_text']?.retries).toBeGreaterThanOrEqual(1);
    expect(
      report.tasks.task_stats['capstone_vector_store_pipeline.generate_embeddings']?.retries,
    ).toBeGreaterThanOrEqual(1);
    for (const [dagId, tasks] of Object.entries(CAPSTONE)) {
      for (const task of tasks) expect(report.tasks.task_stats[`${dagId}.${task}`], `${dagId}.${task}`).toBeDefined();
    }
  });

  it('resources: every pool, its slots and utilization equal SQL', () => {
    expect(sortedKeys(report.resources.pools)).toEqual(sortedKeys(truth.pools));
    expect(report.resources.pools.capstone_small?.total_slots).toBe(2);
    for (const [pool, expected] of Object.entries(truth.pools)) {
      expectFigures(
        report.resources.pools[pool] as unknown as Record<string, unknown>,
        { ...expected },
        `resources.pools.${pool}`,
      );
    }
  });

  it('thresholds: exactly the violations and warnings the reference rules give on the SQL figures', () => {
    const expected = expectedThresholds(truth);
    const subject = (f: { type: string; dag_id?: string; pool?: string; task?: string }) =>
      `${f.type}:${f.dag_id ?? f.pool ?? f.task}`;
    expect(report.thresholds.violations.map(subject).sort()).toEqual(expected.violations);
    expect(report.thresholds.warnings.map(subject).sort()).toEqual(expected.warnings);
    expect(report.thresholds.healthy).toBe(expected.violations.length === 0);
    expect(expected.violations).toEqual(CAPSTONE_DAGS.map((d) => `success_rate_critical:${d}`).sort());
    expect(expected.warnings).toContain('high_retry_rate:capstone_processing_pipeline.extract_text');
    for (const finding of [...report.thresholds.violations, ...report.thresholds.warnings]) {
      if (finding.dag_id && finding.type.startsWith('success_rate')) {
        expectClose(finding.value, truth.dags[finding.dag_id]!.success_rate, `${subject(finding)} value`);
      }
      if (finding.task) {
        const t = truth.tasks[finding.task]!;
        expectClose(finding.value, t.retries / t.total, `${subject(finding)} value`);
      }
    }
  });

  it('SLA: every miss of the short SLAs, with its lateness and escalation, as computed from SQL timing', () => {
    const nowSec = Date.parse(report.timestamp) / 1000;
    const expected = expectedSlaMisses(truth, SLA_SECONDS, nowSec);
    const actual = report.sla.misses.map((m) => ({
      key: `${m.dag_id}|${m.task_id ?? '-'}|${m.run_id}`,
      lateness: m.lateness_seconds,
      level: m.escalation_level,
      m,
    }));
    // A lateness within 10 ms of zero may fall either side through millisecond parsing: leave those out.
    const clear = (l: number) => Math.abs(l) > SECONDS_TOLERANCE;
    expect(
      actual
        .filter((a) => clear(a.lateness))
        .map((a) => a.key)
        .sort(),
    ).toEqual(expected.filter((e) => clear(e.lateness)).map((e) => e.key));
    for (const miss of expected) {
      const got = actual.find((a) => a.key === miss.key);
      if (!got) continue;
      expectClose(got.lateness, miss.lateness, `sla ${miss.key} lateness_seconds`, SECONDS_TOLERANCE);
      expect(got.level, `sla ${miss.key} escalation_level`).toBe(miss.level);
      expect(got.m.severity).toBe({ 1: 'warning', 2: 'high', 3: 'critical' }[miss.level]);
      expect(got.m.type).toBe('sla_miss');
      expect(got.m.message).toContain('SLA missed for');
    }
    const sleeper = refs[1]!;
    expect(
      expected.map((e) => e.key),
      'the run that slept 8 s against a 5 s SLA',
    ).toContain(`${sleeper.dagId}|scan_sources|${sleeper.runId}`);
  });

  it('the pipeline wrote to its Variables exactly what the conf implies', () => {
    const added = contributionsOf(SCENARIO);
    const hourKey = report.processing.hour_key;
    const dayKey = report.costs.day_key;
    const expected = expectedAfter(before, added, hourKey, dayKey);
    expect(canonical(after.extraction_log)).toEqual(canonical(expected.extraction_log));
    expect(canonical(after.llm_response_log)).toEqual(canonical(expected.llm_response_log));
    expect(canonical(after.embedding_generation_log)).toEqual(canonical(expected.embedding_generation_log));
    expect([...after.extraction_confidence_scores].sort()).toEqual([...expected.extraction_confidence_scores].sort());
    expect([...after.embedding_similarity_scores].sort()).toEqual([...expected.embedding_similarity_scores].sort());
    if (utcHour(triggeredAt) === hourKey) expect(after.processing[hourKey]).toMatchObject(expected.hour);
    if (utcDay(triggeredAt) === dayKey) expect(after.costs[dayKey]).toEqual(expected.day);
  });

  it('quality: each component score, the overall score, status and issues follow the reference from the conf', () => {
    const added = contributionsOf(SCENARIO);
    const expected = expectedAfter(before, added, report.processing.hour_key, report.costs.day_key);
    // Fewer than quality.recent_samples (100) entries, so "the last 100" is all of them, in any order.
    expect(expected.extraction_log.length).toBeLessThan(100);
    const embedding = embeddingComponent(expected.embedding_generation_log);
    const extraction = extractionComponent(expected.extraction_log);
    const llm = llmComponent(expected.llm_response_log);
    const c = report.quality.components;
    expectFigures(
      c.embedding as Record<string, unknown>,
      { samples_analyzed: embedding.samples_analyzed, quality_score: embedding.quality_score },
      'quality.components.embedding',
    );
    expectFigures(
      (c.embedding as { norms: Record<string, unknown> }).norms,
      embedding.norms,
      'quality.components.embedding.norms',
      { average: 1e-9, std: 1e-9 },
    );
    expectFigures(c.extraction as Record<string, unknown>, extraction, 'quality.components.extraction');
    const { latency_ms: latency, ...llmRates } = llm;
    expectFigures(c.llm as Record<string, unknown>, llmRates, 'quality.components.llm');
    expectFigures(
      (c.llm as { latency_ms: Record<string, unknown> }).latency_ms,
      latency,
      'quality.components.llm.latency_ms',
    );
    const overall = qualityReport(
      { embedding: embedding.quality_score, extraction: extraction.quality_score, llm: llm.quality_score },
      extraction.success_rate,
      llm.completion_rate,
    );
    expectClose(report.quality.overall_score, overall.overall_score, 'quality.overall_score', 1e-9);
    expect(report.quality.status).toBe(overall.status);
    expect(report.quality.issues).toEqual(overall.issues);
    expect(report.quality.issues).toEqual(['High extraction failure rate', 'Incomplete LLM responses detected']);
    expect(report.quality.problems).toEqual([]);
    const scores = expected.extraction_confidence_scores;
    expectFigures(
      report.quality.extraction_confidence as unknown as Record<string, unknown>,
      {
        avg_confidence: scores.reduce((a, b) => a + b, 0) / scores.length,
        low_confidence_count: scores.filter((s) => s < 0.7).length,
        samples: scores.length,
      },
      'quality.extraction_confidence',
    );
  });

  it("costs: today's tokens priced with the reference rates", () => {
    const expected = expectedAfter(before, contributionsOf(SCENARIO), report.processing.hour_key, report.costs.day_key);
    const day = utcDay(triggeredAt) === report.costs.day_key ? expected.day : after.costs[report.costs.day_key]!;
    const figures = costFigures(day);
    expectFigures(report.costs.costs as unknown as Record<string, unknown>, figures.costs, 'costs.costs');
    expectFigures(report.costs.tokens as unknown as Record<string, unknown>, figures.tokens, 'costs.tokens');
    expect(report.costs.problems).toEqual([]);
  });

  it("processing: this hour's documents, time and stage errors; the health score from them", () => {
    const expected = expectedAfter(before, contributionsOf(SCENARIO), report.processing.hour_key, report.costs.day_key);
    const hour =
      utcHour(triggeredAt) === report.processing.hour_key
        ? expected.hour
        : after.processing[report.processing.hour_key]!;
    expect(report.processing.metrics.documents_processed).toBe(hour.documents_processed);
    expect(report.processing.metrics.total_processing_time_ms).toBe(hour.total_processing_time_ms);
    expect(report.processing.metrics.errors).toEqual(hour.errors);
    expectClose(
      report.processing.avg_processing_time_ms,
      hour.total_processing_time_ms / hour.documents_processed,
      'processing.avg_processing_time_ms',
    );
    expect(report.processing.problems).toEqual([]);

    const scores = expected.extraction_confidence_scores;
    const avgConfidence = scores.reduce((a, b) => a + b, 0) / scores.length;
    const errors = Object.values(hour.errors).reduce((a, b) => a + b, 0);
    expectClose(
      report.summary.health_score,
      healthScore(errors, avgConfidence, report.costs.costs.cost_per_document_usd),
      'summary.health_score',
      1e-9,
    );
  });
});
