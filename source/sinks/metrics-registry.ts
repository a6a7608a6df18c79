import { Gauge, Registry } from 'prom-client';
import type { Report } from '../report/types.js';

// The report as Prometheus metrics. The reference's four families keep their names and labels (existing
// dashboards keep working); the rest are additions. Used by the Pushgateway sink and the /metrics endpoint.
// Only gauges: each value is the state at this poll, not a count since start.

const QUALITY_COMPONENTS = ['embedding', 'extraction', 'llm'] as const;
const ALERT_STATES = ['firing', 'acknowledged', 'silenced', 'resolved'] as const;
const SEVERITIES = ['critical', 'warning', 'info'] as const;

function gauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): Gauge<L> {
  return new Gauge<L>({ name, help, labelNames: [...labelNames], registers: [registry] });
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export function reportToRegistry(report: Report): Registry {
  const registry = new Registry();

  // The reference pushes the health score of capstone_latest_metrics.summary: its own formula. airtop's (which
  // does not deduct for missing confidence samples) is airtop_health_score.
  const pipeline = { pipeline: 'document-processor' };
  gauge(registry, 'capstone_health_score', "Pipeline health score (0-100), the reference's formula", ['pipeline']).set(
    pipeline,
    report.summary.reference.health_score,
  );
  gauge(
    registry,
    'airtop_health_score',
    "Pipeline health score (0-100), airtop's: no deduction without confidence samples",
    ['pipeline'],
  ).set(pipeline, report.summary.health_score);

  const c = report.costs.costs;
  const cost = gauge(registry, 'capstone_cost_usd', 'Estimated cost today in USD', ['type']);
  cost.set({ type: 'total' }, c.total_cost_usd);
  cost.set({ type: 'embedding' }, c.embedding_cost_usd);
  cost.set({ type: 'llm_input' }, c.llm_input_cost_usd);
  cost.set({ type: 'llm_output' }, c.llm_output_cost_usd);
  gauge(registry, 'capstone_cost_per_doc_usd', 'Cost per processed document today in USD').set(c.cost_per_document_usd);
  gauge(registry, 'capstone_documents_processed', 'Documents processed today').set(c.documents_processed);

  // The collector always reports extraction_quality, so the reference always pushes this line: 0 with no
  // samples. The sample count (an addition) tells that 0 from a real one.
  const confidence = report.quality.extraction_confidence;
  gauge(
    registry,
    'capstone_extraction_confidence',
    'Average extraction confidence (0-1); 0 with no samples, as the reference',
  ).set(confidence?.avg_confidence ?? 0);
  gauge(
    registry,
    'capstone_extraction_confidence_samples',
    'Extraction confidence scores behind capstone_extraction_confidence',
  ).set(confidence?.samples ?? 0);

  const dags = Object.entries(report.pipeline.dags);
  if (dags.length > 0) {
    const rate = gauge(registry, 'capstone_dag_success_rate', 'Share of successful runs in the last hour (0-1)', [
      'dag_id',
    ]);
    const duration = gauge(
      registry,
      'capstone_dag_avg_duration_seconds',
      'Mean duration of successful runs in the last hour',
      ['dag_id'],
    );
    const runs = gauge(registry, 'capstone_dag_runs', 'Runs in the last hour by state', ['dag_id', 'state']);
    for (const [dagId, m] of dags) {
      rate.set({ dag_id: dagId }, m.success_rate);
      duration.set({ dag_id: dagId }, m.avg_duration_seconds);
      runs.set({ dag_id: dagId, state: 'success' }, m.success_count);
      runs.set({ dag_id: dagId, state: 'failed' }, m.failed_count);
      runs.set({ dag_id: dagId, state: 'running' }, m.running_count);
    }
  }

  const pools = Object.entries(report.resources.pools);
  if (pools.length > 0) {
    const utilization = gauge(registry, 'capstone_pool_utilization', 'Occupied share of pool slots (0-1)', ['pool']);
    for (const [pool, m] of pools) utilization.set({ pool }, m.utilization);
  }

  const quality = gauge(registry, 'capstone_quality_score', 'Quality score (0-100) overall and per component', [
    'component',
  ]);
  quality.set({ component: 'overall' }, report.quality.overall_score);
  for (const component of QUALITY_COMPONENTS) {
    const score = report.quality.components[component]?.quality_score;
    if (finite(score)) quality.set({ component }, score);
  }

  const alerts = gauge(registry, 'capstone_alerts', 'Alerts by state and severity', ['state', 'severity']);
  for (const state of ALERT_STATES) {
    for (const severity of SEVERITIES) {
      alerts.set({ state, severity }, report.alerts.filter((a) => a.state === state && a.severity === severity).length);
    }
  }

  const misses = gauge(registry, 'capstone_sla_misses', 'Current SLA misses by escalation level', ['level']);
  for (const level of [1, 2, 3])
    misses.set({ level: String(level) }, report.sla.misses.filter((m) => m.escalation_level === level).length);

  gauge(registry, 'capstone_report_timestamp_seconds', 'When this report was made (Unix seconds)').set(
    Date.parse(report.timestamp) / 1000,
  );
  return registry;
}

/** Text format 0.0.4, ending with a newline as the Pushgateway requires. */
export async function reportMetricsText(report: Report): Promise<string> {
  const text = await reportToRegistry(report).metrics();
  return text.endsWith('\n') ? text : `${text}\n`;
}
