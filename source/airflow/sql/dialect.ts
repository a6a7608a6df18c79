// The SQL source's queries are written for Airflow 3's metadata schema. Airflow 2 (2.6 – 2.11) differs in
// what they read in two places: dag_run has execution_date where Airflow 3 has run_after and logical_date, and
// dag has is_active where Airflow 3 has is_stale (its negation). The schema is asked from information_schema
// (not guessed from a version) the first time an Airflow 3 column is missing; on Airflow 2 every statement is
// then rewritten before it runs.
import type { RunQuery, Session } from './session.js';

export type SchemaDialect = 'airflow3' | 'airflow2';

const DETECT_SQL = `
SELECT count(*) FILTER (WHERE column_name = 'run_after')::int AS run_after,
       count(*) FILTER (WHERE column_name = 'execution_date')::int AS execution_date
  FROM information_schema.columns
 WHERE table_schema = current_schema() AND table_name = 'dag_run' AND column_name IN ('run_after', 'execution_date')`;

interface DetectRow {
  run_after: number;
  execution_date: number;
}

/** airflow2 only when dag_run has execution_date and no run_after; anything else reads as Airflow 3 (and fails loudly if it is not). */
export async function detectDialect(query: RunQuery): Promise<SchemaDialect> {
  const [row] = await query<DetectRow>('schema', DETECT_SQL, []);
  return row && row.run_after === 0 && row.execution_date > 0 ? 'airflow2' : 'airflow3';
}

// An Airflow 2 dag_run seen through a subquery with Airflow 3's column names: PostgreSQL pulls the subquery
// up, so `run_after >= $2` is planned as `execution_date >= $2` and uses the same indexes.
const AIRFLOW2_DAG_RUN = '(SELECT *, execution_date AS run_after, execution_date AS logical_date FROM dag_run) dag_run';

/** The statement for this schema: unchanged on Airflow 3. */
export function rewrite(sql: string, dialect: SchemaDialect): string {
  if (dialect === 'airflow3') return sql;
  return sql.replace(/\bFROM dag_run\b/g, `FROM ${AIRFLOW2_DAG_RUN}`).replace(/\bNOT d\.is_stale\b/g, 'd.is_active');
}

/** An Airflow 3 column a statement names that an Airflow 2 schema lacks: the sign to look at the schema. */
const AIRFLOW3_ONLY_COLUMN = /column "?(?:\w+\.)?(?:run_after|logical_date|is_stale)"? does not exist/;

/**
 * A session whose statements are rewritten for the schema it holds. It assumes Airflow 3 (no extra query per
 * poll); when a statement fails because an Airflow 3 column is missing, it asks information_schema once and,
 * on an Airflow 2 schema, runs the work again rewritten, and every later one too.
 */
export function withDialect(session: Session, onDetect?: (dialect: SchemaDialect) => void): Session {
  let dialect: SchemaDialect | null = null;
  const adapt =
    (query: RunQuery): RunQuery =>
    (name, sql, params) =>
      query(name, rewrite(sql, dialect ?? 'airflow3'), params);
  const run = <T>(during: string, work: (query: RunQuery, alongside: RunQuery) => Promise<T>) =>
    session.readOnly(during, (query, alongside) => work(adapt(query), adapt(alongside)));
  return {
    async readOnly(during, work) {
      try {
        return await run(during, work);
      } catch (error) {
        if (dialect !== null || !(error instanceof Error) || !AIRFLOW3_ONLY_COLUMN.test(error.message)) throw error;
        dialect = await session.readOnly('reading which Airflow schema this is', (query) => detectDialect(query));
        onDetect?.(dialect);
        if (dialect === 'airflow3') throw error;
        return run(during, work);
      }
    },
    close: () => session.close(),
  };
}
