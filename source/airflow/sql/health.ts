import type { ComponentHealth, Health } from '../types.js';

export interface JobRow {
  job_type: string;
  state: string | null;
  latest_heartbeat: string | null;
}

export const JOB_TYPES = {
  scheduler: 'SchedulerJob',
  triggerer: 'TriggererJob',
  dagProcessor: 'DagProcessorJob',
} as const;

/**
 * Airflow's own rule (airflow/api/common/airflow_health.py, Job.is_alive): take the most recent job of the
 * type (a running one first, then the latest heartbeat); it is healthy when its state is "running" and its
 * latest heartbeat is less than the type's threshold old. Airflow 3 reads the thresholds from
 * [scheduler] scheduler_health_check_threshold, [triggerer] triggerer_health_check_threshold and
 * [dag_processor] health_check_threshold, all 30 s by default; the 2.1 × heartrate grace factor only applies
 * to other job types. The DB does not hold Airflow's config, so the defaults are used.
 */
export const HEALTH_THRESHOLD_SECONDS = 30;

function componentHealth(job: JobRow | undefined, now: Date, required: boolean): ComponentHealth {
  // No job at all: the scheduler is then unhealthy; the triggerer and dag processor are optional (null).
  if (!job) return { status: required ? 'unhealthy' : null, latestHeartbeat: null };
  const heartbeat = job.latest_heartbeat ? new Date(job.latest_heartbeat) : null;
  const alive =
    job.state === 'running' &&
    heartbeat !== null &&
    (now.getTime() - heartbeat.getTime()) / 1000 < HEALTH_THRESHOLD_SECONDS;
  return { status: alive ? 'healthy' : 'unhealthy', latestHeartbeat: heartbeat?.toISOString() ?? null };
}

/** The metadatabase is healthy by construction: the query that read the jobs succeeded. */
export function healthFromJobs(jobs: JobRow[], now: Date): Health {
  const byType = new Map(jobs.map((job) => [job.job_type, job]));
  return {
    metadatabase: { status: 'healthy', latestHeartbeat: null },
    scheduler: componentHealth(byType.get(JOB_TYPES.scheduler), now, true),
    triggerer: componentHealth(byType.get(JOB_TYPES.triggerer), now, false),
    dagProcessor: componentHealth(byType.get(JOB_TYPES.dagProcessor), now, false),
  };
}
