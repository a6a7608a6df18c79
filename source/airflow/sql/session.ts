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
  /**
   * Runs `work` in one READ ONLY, REPEATABLE READ transaction: its queries see one consistent state.
   * `alongside` runs a query in a transaction of its own on a second connection, concurrently, for the
   * one aggregate that is worth overlapping with the rest (see poll.ts).
   */
  readOnly<T>(during: string, work: (query: RunQuery, alongside: RunQuery) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const TIMESTAMPTZ_OID = 1184;
/**
 * timestamptz straight to the ISO text toISOString() writes ("2026-01-15T12:00:00.000Z"), without a Date
 * per value: with TimeZone set to UTC the server writes "2026-01-15 12:00:00[.123456]+00". Parsing tens of
 * thousands of timestamps into Dates and back was most of a poll's client time.
 */
export function isoFromPg(text: string): string {
  const n = text.length;
  if (n >= 22 && text.charCodeAt(10) === 32 && text.endsWith('+00') && (n === 22 || text.charCodeAt(19) === 46)) {
    const fraction = n === 22 ? '000' : `${text.slice(20, n - 3)}00`.slice(0, 3);
    return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction}Z`;
  }
  const date = new Date(text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ_OID && format !== 'binary'
      ? isoFromPg
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * A small pg pool (a poll uses two connections, a drill-down may overlap) whose every statement runs in a read-only
 * transaction with SET LOCAL statement_timeout. JIT is off: on these aggregates its compile time
 * (up to 2 s measured on 1.6M task instances) exceeds the query time. work_mem is raised for the
 * transaction only, so the baseline's window-function sort stays in memory.
 */
export function openSession(target: DbTarget, timeoutSeconds: number, onQuery?: (event: QueryEvent) => void): Session {
  const timeoutMs = Math.max(1, Math.round(timeoutSeconds * 1000));
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: 3,
    idleTimeoutMillis: 60_000,
    connectionTimeoutMillis: Math.min(timeoutMs, 10_000),
    // If the network hangs, the server-side timeout never reports back; give up a little after it.
    query_timeout: timeoutMs + 5_000,
    application_name: 'airtop',
    types,
  });
  // An idle connection dropped by the server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  // airtop is a guest on Airflow's database: a poll keeps at most three backends busy (its two connections
  // and one parallel worker), which on 2 cores was also faster than PostgreSQL's default of two workers.
  const begin =
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ' +
    `SET LOCAL statement_timeout = ${timeoutMs}; SET LOCAL TimeZone = 'UTC'; SET LOCAL jit = off; ` +
    "SET LOCAL work_mem = '64MB'; SET LOCAL max_parallel_workers_per_gather = 1";

  async function transaction<T>(during: string, work: (query: RunQuery) => Promise<T>): Promise<T> {
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
  }

  return {
    readOnly: (during, work) =>
      transaction(during, (query) =>
        work(query, <R extends object>(name: string, sql: string, params: unknown[]) =>
          transaction(during, (side) => side<R>(name, sql, params)),
        ),
      ),
    close: () => pool.end(),
  };
}
