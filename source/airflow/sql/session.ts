import pg from 'pg';
import type { DbTarget } from './db-url.js';
import { toAirflowError } from './pg-errors.js';

/** What one statement cost; the bench and the tests count these. */
export interface QueryEvent {
  name: string;
  ms: number;
  rows: number;
}

export type RunQuery = <R extends object>(name: string, sql: string, params: unknown[]) => Promise<R[]>;

export interface Session {
  /** Runs `work` in one READ ONLY, REPEATABLE READ transaction: every query sees the same consistent state. */
  readOnly<T>(during: string, work: (query: RunQuery) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A small pg pool (a poll and a drill-down may overlap) whose every statement runs in a read-only
 * transaction with SET LOCAL statement_timeout. JIT is off: on these aggregates its compile time
 * (up to 2 s measured on 1.6M task instances) exceeds the query time. work_mem is raised for the
 * transaction only, so the baseline's window-function sort stays in memory.
 */
export function openSession(target: DbTarget, timeoutSeconds: number, onQuery?: (event: QueryEvent) => void): Session {
  const timeoutMs = Math.max(1, Math.round(timeoutSeconds * 1000));
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: 2,
    idleTimeoutMillis: 60_000,
    connectionTimeoutMillis: Math.min(timeoutMs, 10_000),
    // If the network hangs, the server-side timeout never reports back; give up a little after it.
    query_timeout: timeoutMs + 5_000,
    application_name: 'airtop',
  });
  // An idle connection dropped by the server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const begin = `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL statement_timeout = ${timeoutMs}; SET LOCAL jit = off; SET LOCAL work_mem = '64MB'`;

  return {
    async readOnly(during, work) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw toAirflowError(error, target, during, timeoutSeconds);
      }
      let step = during;
      let broken: Error | undefined;
      const query: RunQuery = async <R extends object>(name: string, sql: string, params: unknown[]) => {
        step = `the "${name}" query`;
        const started = performance.now();
        const result = await client.query<R>(sql, params);
        onQuery?.({ name, ms: performance.now() - started, rows: result.rowCount ?? result.rows.length });
        return result.rows;
      };
      try {
        await client.query(begin);
        const value = await work(query);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw toAirflowError(error, target, step, timeoutSeconds);
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
