// collect_processing_metrics: the current hour's bucket of the capstone_processing_metrics Variable, and the
// stage-error part of _check_metric_alerts.
import type { VariableRead } from '../airflow/types.js';
import type { Config } from '../config/schema.js';
import type { ProcessingReport } from '../report/types.js';
import { safeRatio } from '../numbers.js';
import { hourKey } from './time.js';
import { isRecord, kindOf, parseVariable, readCount } from './variables.js';

/** The bucket the reference initialises for an hour it has not seen. */
export function emptyHourBucket(): ProcessingReport['metrics'] {
  return {
    documents_processed: 0,
    total_processing_time_ms: 0,
    by_type: {},
    errors: { extraction: 0, embedding: 0, storage: 0 },
  };
}

export function processingMetrics(
  read: VariableRead | undefined,
  config: Pick<Config, 'variables'>,
  now: Date,
): ProcessingReport {
  const name = config.variables.processing_metrics;
  const key = hourKey(now);
  const parsed = parseVariable(read, name, config.variables.max_bytes);
  const problems = parsed.problem ? [parsed.problem] : [];
  const metrics = emptyHourBucket();

  let bucket: unknown = undefined;
  if (parsed.value !== null) {
    if (!isRecord(parsed.value))
      problems.push(
        `Variable ${name} should be a JSON object keyed by hour ("${key}"), found ${kindOf(parsed.value)}: ignored`,
      );
    else bucket = parsed.value[key];
  }
  if (bucket !== undefined && !isRecord(bucket)) {
    problems.push(`Variable ${name}: hour bucket "${key}" should be an object, found ${kindOf(bucket)}: ignored`);
  } else if (bucket !== undefined) {
    const where = `Variable ${name}: "${key}"`;
    for (const field of ['documents_processed', 'total_processing_time_ms'] as const) {
      const read = readCount(bucket, field, 0);
      if (read.ok) metrics[field] = read.value;
      else problems.push(`${where}.${field} should be a number >= 0, found ${read.shown}: counted as 0`);
    }
    if (isRecord(bucket.by_type)) {
      metrics.by_type = bucket.by_type;
      const unread = unreadableTypes(bucket.by_type);
      if (unread.length > 0)
        problems.push(`${where}.by_type: ${unread.join('; ')}: no average for ${unread.length === 1 ? 'it' : 'them'}`);
    } else if (bucket.by_type !== undefined)
      problems.push(`${where}.by_type should be an object, found ${kindOf(bucket.by_type)}: ignored`);
    if (isRecord(bucket.errors)) {
      for (const stage of Object.keys(bucket.errors)) {
        const read = readCount(bucket.errors, stage, 0);
        if (read.ok) metrics.errors[stage] = read.value;
        else problems.push(`${where}.errors.${stage} should be a number >= 0, found ${read.shown}: counted as 0`);
      }
    } else if (bucket.errors !== undefined) {
      problems.push(`${where}.errors should be an object of counts per stage, found ${kindOf(bucket.errors)}: ignored`);
    }
  }

  return {
    timestamp: now.toISOString(),
    hour_key: key,
    metrics,
    documents_per_hour: metrics.documents_processed,
    avg_processing_time_ms: safeRatio(metrics.total_processing_time_ms, metrics.documents_processed),
    avg_processing_time_ms_by_type: averageByType(metrics.by_type),
    problems,
  };
}

/**
 * The reference promises "average processing time by document type" but never fills by_type. A type entry
 * that is an object with a count (documents_processed or count) and total_processing_time_ms gets an average;
 * any other shape is shown as read and left out here.
 */
export function averageByType(byType: Record<string, unknown>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [type, entry] of Object.entries(byType)) {
    if (!isRecord(entry)) continue;
    const count = readCount(entry, 'documents_processed' in entry ? 'documents_processed' : 'count', 0);
    const total = readCount(entry, 'total_processing_time_ms', 0);
    if (count.ok && total.ok && count.value > 0 && 'total_processing_time_ms' in entry) {
      result[type] = safeRatio(total.value, count.value);
    }
  }
  return result;
}

/**
 * The by_type entries that are objects but not in the shape averageByType reads, each with the keys it has,
 * so a writer using other names (count / total_time_ms, say) sees why avg_processing_time_ms_by_type is
 * empty. A plain number per type is a count with no time: shown as read, not a problem.
 */
export function unreadableTypes(byType: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [type, entry] of Object.entries(byType)) {
    if (!isRecord(entry)) continue;
    const hasCount = 'documents_processed' in entry || 'count' in entry;
    const count = readCount(entry, 'documents_processed' in entry ? 'documents_processed' : 'count', 0);
    const total = readCount(entry, 'total_processing_time_ms', 0);
    if (hasCount && 'total_processing_time_ms' in entry && count.ok && total.ok) continue;
    const keys =
      Object.keys(entry)
        .slice(0, 6)
        .map((k) => JSON.stringify(k))
        .join(', ') || 'no keys';
    out.push(`"${type}" should be {documents_processed, total_processing_time_ms} (numbers >= 0), found ${keys}`);
  }
  return out.slice(0, 5);
}

/** _check_metric_alerts' error checks, in its order: more than stage_error_threshold errors in the hour. */
export function processingAlerts(report: ProcessingReport, config: Pick<Config, 'processing'>): string[] {
  const limit = config.processing.stage_error_threshold;
  const alerts: string[] = [];
  if ((report.metrics.errors.extraction ?? 0) > limit) alerts.push('High extraction error rate');
  if ((report.metrics.errors.embedding ?? 0) > limit) alerts.push('High embedding error rate');
  return alerts;
}

/** _calculate_health_score's error total: every stage's count. */
export function totalErrors(report: ProcessingReport): number {
  return Object.values(report.metrics.errors).reduce((sum, n) => sum + n, 0);
}
