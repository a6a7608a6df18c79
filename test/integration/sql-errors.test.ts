// What the SQL source says when the DB is not what it expects: each message names the target and what to fix,
// and never the password.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AirflowError } from '../../source/airflow/errors.js';
import { parseDbUrl, redactDbUrl } from '../../source/airflow/sql/db-url.js';
import { createSqlSource, type SqlSourceOptions } from '../../source/airflow/sql/index.js';
import { toAirflowError } from '../../source/airflow/sql/pg-errors.js';
import { chooseTaskRead } from '../../source/airflow/sql/poll.js';
import { globToPgRegex } from '../../source/airflow/sql/selection.js';
import { isoFromPg, openSession } from '../../source/airflow/sql/session.js';
import { versionFromRevision } from '../../source/airflow/sql/version.js';
import { createScratchDb, dbUrlFor, type ScratchDb } from '../bench/schema.js';

const NOW = new Date('2026-01-15T12:00:00.000Z');
const PASSWORD = 'hunter2-secret';

function options(dbUrl: string, extra: Partial<SqlSourceOptions> = {}): SqlSourceOptions {
  return {
    dbUrl,
    statementTimeoutSeconds: 5,
    dags: { ids: ['capstone_ingestion_pipeline'], patterns: [] },
    window: { recentSeconds: 3600, baselineSeconds: 7 * 86400, baselineSamples: 50 },
    variables: { source: null, names: [] },
    ...extra,
  };
}

async function failure(dbUrl: string, extra: Partial<SqlSourceOptions> = {}): Promise<AirflowError> {
  const source = createSqlSource(options(dbUrl, extra));
  try {
    await source.snapshot(NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(AirflowError);
    return error as AirflowError;
  } finally {
    await source.close();
  }
  throw new Error('the snapshot succeeded');
}

let db: ScratchDb;

beforeAll(async () => {
  db = await createScratchDb('sqlerrors');
}, 180_000);

afterAll(async () => {
  await db?.drop();
});

describe('SQL source errors', () => {
  it('connection refused names host:port and --db, without the password', async () => {
    const error = await failure(`postgres://postgres:${PASSWORD}@127.0.0.1:1/airflow`);
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/^cannot reach PostgreSQL at 127\.0\.0\.1:1: check --db/);
    expect(error.message).not.toContain(PASSWORD);
  });

  it('a missing database is named', async () => {
    const error = await failure(`postgres://postgres:${PASSWORD}@127.0.0.1:5432/airtop_no_such_db`);
    expect(error.kind).toBe('config');
    expect(error.message).toBe(
      'database "airtop_no_such_db" does not exist on 127.0.0.1:5432: check the database name in --db',
    );
  });

  it('a database without the Airflow tables asks whether it is an Airflow 3 metadata DB', async () => {
    const error = await failure(dbUrlFor('postgres'));
    expect(error.kind).toBe('config');
    expect(error.message).toContain('is this an Airflow 3 metadata DB?');
    expect(error.message).toContain('127.0.0.1:5432/postgres');
  });

  it('a URL that is not PostgreSQL is refused before connecting', () => {
    expect(() => createSqlSource(options(`mysql://root:${PASSWORD}@db/airflow`))).toThrow(
      'is not a PostgreSQL URL: expected postgres://USER[:PASSWORD]@HOST:5432/DATABASE',
    );
    expect(() => createSqlSource(options(`mysql://root:${PASSWORD}@db/airflow`))).not.toThrow(PASSWORD);
  });

  it("accepts Airflow's own SQLAlchemy URL", async () => {
    const source = createSqlSource(options(db.url.replace('postgres://', 'postgresql+psycopg2://')));
    const snapshot = await source.snapshot(NOW);
    expect(snapshot.airflow.version).toBe('3.3.0+');
    expect(snapshot.issues.map((i) => i.scope)).toEqual(['dags']);
    await source.close();
  });

  it('a query held up past the statement timeout is cancelled with a message, and the source recovers', async () => {
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    const source = createSqlSource(options(db.url, { statementTimeoutSeconds: 0.5 }));
    try {
      await locker.query('BEGIN; LOCK TABLE dag IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      await expect(source.snapshot(NOW)).rejects.toMatchObject({
        kind: 'timeout',
        message: expect.stringContaining('took longer than the 0.5s statement timeout'),
      });
      expect(Date.now() - started).toBeLessThan(5000);
      await locker.query('ROLLBACK');
      await expect(source.snapshot(NOW)).resolves.toMatchObject({ source: 'sql' });
    } finally {
      await locker.end();
      await source.close();
    }
  });

  it('runs every statement in a read-only transaction', async () => {
    const session = openSession(parseDbUrl(db.url), 5);
    await expect(
      session.readOnly('writing', (query) =>
        query('insert', "INSERT INTO slot_pool (pool, slots, include_deferred) VALUES ('x', 1, false)", []),
      ),
    ).rejects.toThrow(/read-only transaction/);
    await session.close();
  });

  it('reads an Airflow 2 schema (execution_date, is_active) and flags an unknown revision', async () => {
    const other = await createScratchDb('sqlrev');
    const client = new pg.Client({ connectionString: other.url });
    await client.connect();
    try {
      // Airflow 2.10.3's revision, and its dag_run/dag columns where Airflow 3 has others.
      await client.query("UPDATE alembic_version SET version_num = '5f2621c13b39'");
      await client.query('ALTER TABLE dag_run DROP COLUMN IF EXISTS logical_date CASCADE');
      await client.query('ALTER TABLE dag_run RENAME COLUMN run_after TO execution_date');
      await client.query('ALTER TABLE dag ADD COLUMN is_active boolean');
      await client.query('UPDATE dag SET is_active = NOT is_stale');
      await client.query('ALTER TABLE dag DROP COLUMN is_stale CASCADE');
      const old = createSqlSource(options(other.url));
      const read = await old.snapshot(NOW);
      await old.close();
      expect(read.airflow.version).toBe('2.10.3+');
      expect(read.issues.filter((issue) => issue.scope === 'version')).toEqual([]);
      await client.query("UPDATE alembic_version SET version_num = 'f00dfeedbeef'");
      const source = createSqlSource(options(other.url));
      const snapshot = await source.snapshot(NOW);
      await source.close();
      expect(snapshot.airflow.version).toBeNull();
      expect(snapshot.issues).toContainEqual({
        scope: 'version',
        message: expect.stringContaining('unknown Airflow schema revision f00dfeedbeef'),
      });
    } finally {
      await client.end();
      await other.drop();
    }
  });
});

describe('SQL source helpers', () => {
  const target = parseDbUrl(`postgres://airflow:${PASSWORD}@db.internal:6432/airflow`);

  it('maps authentication failures and privileges to actionable messages', () => {
    const auth = toAirflowError(
      { code: '28P01', message: `password authentication failed for user "airflow" (${PASSWORD})` },
      target,
      'reading',
      10,
    );
    expect(auth.kind).toBe('auth');
    expect(auth.message).toBe(
      'PostgreSQL at db.internal:6432/airflow refused user "airflow" (password authentication failed for user "airflow" (***)): check the user and password in --db',
    );
    expect(
      toAirflowError({ code: '42501', message: 'permission denied for table dag' }, target, 'reading', 10).message,
    ).toContain('grant it SELECT');
    const refused = toAirflowError(
      Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], ''), {}),
      target,
      'r',
      10,
    );
    expect(refused.kind).toBe('unreachable');
  });

  it('redacts passwords in DB URLs', () => {
    expect(redactDbUrl(`postgres://airflow:${PASSWORD}@db:5432/airflow`)).toBe(
      'postgres://airflow:***@db:5432/airflow',
    );
    expect(redactDbUrl('postgres://airflow@db/airflow')).toBe('postgres://airflow@db/airflow');
    expect(redactDbUrl(`not a url //u:${PASSWORD}@h`)).not.toContain(PASSWORD);
    expect(target).toMatchObject({
      label: 'db.internal:6432/airflow',
      hostPort: 'db.internal:6432',
      user: 'airflow',
      database: 'airflow',
    });
  });

  it('reads timestamps as the ISO text toISOString() writes', () => {
    expect(isoFromPg('2026-01-15 12:00:00+00')).toBe('2026-01-15T12:00:00.000Z');
    expect(isoFromPg('2026-01-15 12:00:00.1+00')).toBe('2026-01-15T12:00:00.100Z');
    expect(isoFromPg('2026-01-15 12:00:00.123456+00')).toBe('2026-01-15T12:00:00.123Z');
    expect(isoFromPg('2026-01-15 14:00:00.5+02')).toBe('2026-01-15T12:00:00.500Z');
  });

  it('turns globs into anchored regexes with literal punctuation', () => {
    expect(globToPgRegex('capstone_*')).toBe('^capstone_.*$');
    expect(globToPgRegex('a.b?c+(d)')).toBe('^a\\.b.c\\+\\(d\\)$');
  });

  it('maps alembic heads to the first release with that schema', () => {
    expect(versionFromRevision('d2f4e1b3c5a7')).toEqual({ kind: 'airflow3', version: '3.3.0+' });
    expect(versionFromRevision('29ce7909c52b')).toEqual({ kind: 'airflow3', version: '3.0.0+' });
    expect(versionFromRevision('22ed7efa9da2')).toEqual({ kind: 'airflow2', version: '2.10.0+' });
    expect(versionFromRevision(null)).toEqual({ kind: 'unknown', revision: null });
  });

  it('scans task_instance when the window holds a good share of runs, else reads through runs', () => {
    expect(chooseTaskRead('auto', 24_000, 38_000)).toBe('scan');
    expect(chooseTaskRead('auto', 24_000, 10_000_000)).toBe('runs');
    expect(chooseTaskRead('auto', 10, -1)).toBe('scan');
    expect(chooseTaskRead('runs', 24_000, 38_000)).toBe('runs');
  });
});
