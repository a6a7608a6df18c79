// collect_resource_metrics: slots and utilization per pool.
import type { Pool } from '../airflow/types.js';
import type { PoolMetrics } from '../report/types.js';
import { finiteOr } from '../numbers.js';

/** Airflow's value for an unlimited pool. */
export const UNLIMITED_SLOTS = -1;

export function poolUtilization(pool: Pick<Pool, 'slots' | 'occupiedSlots'>): number {
  // The reference: occupied / slots if slots > 0 else 0. An unlimited pool (slots -1) can never be full,
  // so it reports 0 rather than a negative ratio; a pool of 0 slots likewise reports 0. Above 1 is kept:
  // it happens when a pool is shrunk while its tasks run, and it is exactly what the critical check should see.
  if (!(pool.slots > 0)) return 0;
  return finiteOr(finiteOr(pool.occupiedSlots) / pool.slots);
}

export function poolMetrics(pools: readonly Pool[]): Record<string, PoolMetrics> {
  const result: Record<string, PoolMetrics> = {};
  for (const pool of pools) {
    result[pool.name] = {
      total_slots: finiteOr(pool.slots, UNLIMITED_SLOTS),
      // Airflow computes open slots of an unlimited pool as infinity; JSON cannot carry that, so -1 (unlimited).
      open_slots: finiteOr(pool.openSlots, UNLIMITED_SLOTS),
      used_slots: finiteOr(pool.occupiedSlots),
      queued_slots: finiteOr(pool.queuedSlots),
      utilization: poolUtilization(pool),
    };
  }
  return result;
}
