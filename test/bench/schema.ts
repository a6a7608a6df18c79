// Scratch PostgreSQL databases holding the real Airflow 3 metadata schema, for the SQL source's tests and
// the benchmark. The migrated schema is built once into a template database; each test or bench size then
// gets its own copy with `CREATE DATABASE … TEMPLATE`, which takes a fraction of a second.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.AIRTOP_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEMPLATE_DB = 'airtop_sql_template';
/** Bump when the way the template is built changes, so stale templates are rebuilt. */
const TEMPLATE_MARK = 'airtop-sql-template v1';
const LOCK_KEY = 726_175_001;

export function dbUrlFor(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The repository root, found from this file whether it runs as TypeScript (vitest) or compiled (dist-bench). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** An Airflow venv to run `airflow db migrate` with: $AIRTOP_AIRFLOW_VENV, the e2e harness's cached venv, or the probe venv. */
export function findAirflowVenv(): string | null {
  const explicit = process.env.AIRTOP_AIRFLOW_VENV;
  if (explicit) return existsSync(join(explicit, 'bin', 'airflow')) ? explicit : null;
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'airtop');
  if (!existsSync(cache)) return null;
  const candidates = readdirSync(cache)
    .filter((name) => name.startsWith('airflow-venv-') || name === 'venv-probe')
    .sort((a, b) => (a === 'venv-probe' ? 1 : b === 'venv-probe' ? -1 : a.localeCompare(b)))
    .map((name) => join(cache, name));
  // Only an Airflow 3 venv (api_fastapi exists from 3.0): the template must hold the schema the SQL source reads.
  const isAirflow3 = (venv: string) =>
    existsSync(join(venv, 'bin', 'airflow')) &&
    (existsSync(join(venv, 'lib')) ? readdirSync(join(venv, 'lib')) : []).some((lib) =>
      existsSync(join(venv, 'lib', lib, 'site-packages', 'airflow', 'api_fastapi')),
    );
  return candidates.find(isAirflow3) ?? null;
}

/** Runs `run` on a fresh connection to the maintenance database. */
export async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function databaseComment(client: pg.Client, name: string): Promise<string | null | undefined> {
  const { rows } = await client.query<{ comment: string | null }>(
    "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
    [name],
  );
  return rows.length === 0 ? undefined : rows[0]!.comment;
}

function runMigrate(venv: string, dbName: string): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'airtop-migrate-'));
  const url = new URL(dbUrlFor(dbName));
  const env = {
    ...process.env,
    AIRFLOW_HOME: home,
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `postgresql+psycopg2://${url.username}${url.password ? `:${url.password}` : ''}@${url.host}${url.pathname}`,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(join(venv, 'bin', 'airflow'), ['db', 'migrate'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(home, { recursive: true, force: true });
      if (code === 0) resolve();
      else reject(new Error(`airflow db migrate (${venv}) exited ${code}:\n${output.slice(-2000)}`));
    });
  });
}

async function loadDump(dbName: string): Promise<void> {
  const sql = readFileSync(join(repoRoot(), 'test', 'bench', 'airflow-3.3.2-schema.sql'), 'utf8');
  const client = new pg.Client({ connectionString: dbUrlFor(dbName) });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Makes sure the template database exists and holds the migrated schema. Built with `airflow db migrate`
 * when an Airflow venv is found, else from the committed dump of that same migration. Safe to call from
 * several processes at once (an advisory lock serialises the build).
 */
export async function ensureTemplate(
  log: (line: string) => void = () => {},
): Promise<{ name: string; builtWith: string }> {
  return withAdmin(async (admin) => {
    await admin.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      const comment = await databaseComment(admin, TEMPLATE_DB);
      if (comment?.startsWith(TEMPLATE_MARK))
        return { name: TEMPLATE_DB, builtWith: comment.slice(TEMPLATE_MARK.length + 1) };
      if (comment !== undefined) await admin.query(`DROP DATABASE ${TEMPLATE_DB} WITH (FORCE)`);
      const venv = findAirflowVenv();
      await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
      const started = Date.now();
      try {
        if (venv) await runMigrate(venv, TEMPLATE_DB);
        else await loadDump(TEMPLATE_DB);
      } catch (error) {
        await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
        throw error;
      }
      const builtWith = venv ? `airflow db migrate (${venv})` : 'test/bench/airflow-3.3.2-schema.sql';
      await admin.query(`COMMENT ON DATABASE ${TEMPLATE_DB} IS '${TEMPLATE_MARK} ${builtWith.replaceAll("'", "''")}'`);
      log(`template ${TEMPLATE_DB} built with ${builtWith} in ${Date.now() - started} ms`);
      return { name: TEMPLATE_DB, builtWith };
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  });
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export interface ScratchDb {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh copy of the migrated schema; `drop()` removes it (forcefully: leftover pool connections must not keep it alive). */
export async function createScratchDb(prefix: string): Promise<ScratchDb> {
  const { name: template } = await ensureTemplate();
  const name = `airtop_${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return {
    name,
    url: dbUrlFor(name),
    drop: () => dropDatabase(name),
  };
}
