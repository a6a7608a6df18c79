// collect_cost_metrics: today's token counts from the capstone_cost_metrics Variable priced with COST_RATES,
// the daily budget from _check_metric_alerts, and a per-day series for the chart.
import type { VariableRead } from '../airflow/types.js';
import type { Config } from '../config/schema.js';
import type { CostReport } from '../report/types.js';
import { finiteOr, safeRatio } from '../numbers.js';
import { DAY_KEY_PATTERN, dayKey } from './time.js';
import { isRecord, kindOf, parseVariable, ProblemTally, readCount } from './variables.js';

/** The day bucket's fields, as the reference reads them (a day it has not seen is all zeros). */
const TOKEN_FIELDS = ['embedding_tokens', 'llm_input_tokens', 'llm_output_tokens', 'documents_processed'] as const;
type DayBucket = Record<(typeof TOKEN_FIELDS)[number], number>;

/** The chart needs at most a year of days. */
const MAX_DAYS = 366;

type Rates = Config['costs']['rates'];

export function priceDay(day: DayBucket, rates: Rates): CostReport['costs'] {
  // finiteOr: absurd token counts times absurd configured rates must not print Infinity.
  const embedding = finiteOr((day.embedding_tokens / 1000) * rates.embedding_input);
  const llmInput = finiteOr((day.llm_input_tokens / 1000) * rates.llm_input);
  const llmOutput = finiteOr((day.llm_output_tokens / 1000) * rates.llm_output);
  const total = finiteOr(embedding + llmInput + llmOutput);
  const docs = day.documents_processed;
  return {
    embedding_cost_usd: embedding,
    llm_input_cost_usd: llmInput,
    llm_output_cost_usd: llmOutput,
    total_cost_usd: total,
    cost_per_document_usd: docs > 0 ? safeRatio(total, docs) : 0,
    documents_processed: docs,
  };
}

export function costMetrics(
  read: VariableRead | undefined,
  config: Pick<Config, 'variables' | 'costs'>,
  now: Date,
): CostReport {
  const name = config.variables.cost_metrics;
  const today = dayKey(now);
  const parsed = parseVariable(read, name, config.variables.max_bytes);
  const problems = parsed.problem ? [parsed.problem] : [];

  let buckets: Record<string, unknown> = {};
  if (parsed.value !== null) {
    if (isRecord(parsed.value)) buckets = parsed.value;
    else
      problems.push(
        `Variable ${name} should be a JSON object keyed by day ("${today}"), found ${kindOf(parsed.value)}: ignored`,
      );
  }

  const tally = new ProblemTally();
  const days: Record<string, DayBucket> = {};
  const ignoredKeys: string[] = [];
  for (const [key, bucket] of Object.entries(buckets)) {
    if (!DAY_KEY_PATTERN.test(key)) {
      ignoredKeys.push(key);
      continue;
    }
    days[key] = readDay(bucket, key, tally);
  }
  const dayCount = Object.keys(days).length;
  problems.push(...tally.problems(name, dayCount, 'day buckets'));
  if (ignoredKeys.length > 0) {
    const keys = ignoredKeys.length === 1 ? '1 key is not a day' : `${ignoredKeys.length} keys are not days`;
    problems.push(`Variable ${name}: ${keys} (YYYY-MM-DD), e.g. "${ignoredKeys[0]}": ignored`);
  }

  const todayBucket = days[today] ?? {
    embedding_tokens: 0,
    llm_input_tokens: 0,
    llm_output_tokens: 0,
    documents_processed: 0,
  };
  const costs = priceDay(todayBucket, config.costs.rates);
  const budget = config.costs.daily_budget_usd;
  const by_day = Object.keys(days)
    .sort()
    .slice(-MAX_DAYS)
    .map((day) => ({ day, total_cost_usd: priceDay(days[day]!, config.costs.rates).total_cost_usd }));

  return {
    timestamp: now.toISOString(),
    day_key: today,
    costs,
    tokens: {
      embedding: todayBucket.embedding_tokens,
      llm_input: todayBucket.llm_input_tokens,
      llm_output: todayBucket.llm_output_tokens,
    },
    budget: {
      daily_budget_usd: budget,
      // A budget of 0 means any spend is over it: report the ratio as 1 rather than dividing by zero.
      used_ratio: budget > 0 ? safeRatio(costs.total_cost_usd, budget) : costs.total_cost_usd > 0 ? 1 : 0,
      exceeded: costs.total_cost_usd > budget,
    },
    by_day,
    problems,
  };
}

function readDay(bucket: unknown, key: string, tally: ProblemTally): DayBucket {
  const day: DayBucket = { embedding_tokens: 0, llm_input_tokens: 0, llm_output_tokens: 0, documents_processed: 0 };
  if (!isRecord(bucket)) {
    tally.note('a bucket that is not an object', `"${key}": ${kindOf(bucket)}`, 'counted as zero');
    return day;
  }
  for (const field of TOKEN_FIELDS) {
    // The reference indexes day_costs[field] and would raise KeyError on a partial bucket; absent counts as 0.
    const read = readCount(bucket, field, 0);
    if (read.ok) day[field] = read.value;
    else tally.note(`${field} that is not a number >= 0`, `"${key}": ${read.shown}`, 'counted as 0');
  }
  return day;
}

/** _check_metric_alerts' cost check: today's total over the daily budget. */
export function costAlerts(report: CostReport): string[] {
  return report.budget.exceeded ? ['Daily cost budget exceeded'] : [];
}
