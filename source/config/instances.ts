import { readFileSync } from 'node:fs';
import { type Config, type InstanceInput, INSTANCE_NAME } from './schema.js';

// `instances:` → one whole Config per instance (README "Fleet"). The top level is every instance's default;
// an instance's airflow/db/source/dags/interval replace it, its window/thresholds/sla/costs are deep-merged
// over it. Credentials never flow from the top level (nor from AIRFLOW_*) to an instance: each Airflow has
// its own. A missing credential is not a config error: that instance is UNKNOWN with the reason, the others run.

/** One instance as resolved: its name, its merged raw config (validated by the caller) and, if any, why it cannot poll. */
export interface RawInstance {
  name: string;
  raw: Record<string, unknown>;
  problem?: string;
}

/** What command-line flags force on every instance (they beat the config file, as for a flat config). */
export interface InstanceFlagOverrides {
  interval?: number | string;
  source?: string;
  readonly?: boolean;
  deadline?: string;
}

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Objects merge key by key; anything else (arrays too) in `over` replaces what `base` has. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isObj(base) || !isObj(over)) return over;
  const out: Obj = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}

/** Names used twice: the path of each later use and the index of its first use. */
export function duplicateNames(names: readonly string[]): { path: string; name: string; first: number }[] {
  const seen = new Map<string, number>();
  const out: { path: string; name: string; first: number }[] = [];
  names.forEach((name, i) => {
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else out.push({ path: `instances[${i}].name`, name, first });
  });
  return out;
}

/** The name of a flat config's one instance: its URL's host (`localhost`, `airflow.example.com`). */
export function flatInstanceName(config: Pick<Config, 'airflow' | 'db'>): string {
  const url = config.airflow.url ?? config.db.url;
  let host: string;
  try {
    host = url ? new URL(url).hostname : '';
  } catch {
    host = '';
  }
  const cleaned = host
    .replace(/^\[|\]$/g, '')
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .slice(0, 40);
  return INSTANCE_NAME.test(cleaned) ? cleaned : 'airflow';
}

const AIRFLOW_SHARED = ['timeout', 'max_in_flight', 'retries'] as const;
const MERGED = ['window', 'thresholds', 'sla', 'costs'] as const;

/** `top`: the top level (flags applied, without `instances`); `instance`: one checked entry of `instances:`. */
export function resolveInstance(
  top: Obj,
  instance: InstanceInput,
  env: NodeJS.ProcessEnv,
  flags: InstanceFlagOverrides,
): RawInstance {
  const problems: string[] = [];
  const raw: Obj = { ...top };
  const topAirflow = isObj(top.airflow) ? top.airflow : {};
  const a = instance.airflow;
  const airflow: Obj = {};
  for (const key of AIRFLOW_SHARED) if (topAirflow[key] !== undefined) airflow[key] = topAirflow[key];
  for (const key of AIRFLOW_SHARED) if (a[key] !== undefined) airflow[key] = a[key];
  airflow.url = a.url;
  const fromEnv = (name: string | undefined, key: string): string | undefined => {
    if (name === undefined) return undefined;
    const value = env[name];
    if (value === undefined || value === '') {
      problems.push(`${key}: environment variable ${name} is not set`);
      return undefined;
    }
    return value;
  };
  const username = a.username ?? fromEnv(a.username_env, 'airflow.username_env');
  let password = a.password ?? fromEnv(a.password_env, 'airflow.password_env');
  if (password === undefined && a.password_file !== undefined) {
    try {
      password = readFileSync(a.password_file, 'utf8').split('\n')[0]!.trim();
    } catch (error) {
      problems.push(
        `airflow.password_file: cannot read ${a.password_file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }
  const token = a.token ?? fromEnv(a.token_env, 'airflow.token_env');
  if (username !== undefined) airflow.username = username;
  if (password !== undefined) airflow.password = password;
  if (token !== undefined) airflow.token = token;
  raw.airflow = airflow;

  const topDb = isObj(top.db) ? top.db : {};
  const db: Obj = {};
  if (topDb.statement_timeout !== undefined) db.statement_timeout = topDb.statement_timeout;
  if (instance.db?.statement_timeout !== undefined) db.statement_timeout = instance.db.statement_timeout;
  const dbUrl = instance.db?.url ?? fromEnv(instance.db?.url_env, 'db.url_env');
  if (dbUrl !== undefined) db.url = dbUrl;
  raw.db = db;

  if (instance.source !== undefined) raw.source = instance.source;
  if (instance.dags !== undefined) raw.dags = { ...(isObj(top.dags) ? top.dags : {}), ...instance.dags };
  if (instance.interval !== undefined) raw.interval = instance.interval;
  for (const key of MERGED) if (instance[key] !== undefined) raw[key] = deepMerge(top[key], instance[key]);
  if (flags.interval !== undefined) raw.interval = flags.interval;
  if (flags.source !== undefined) raw.source = flags.source;
  if (flags.deadline !== undefined) raw.once_deadline = flags.deadline;
  if (flags.readonly) raw.readonly = true;

  const source = (raw.source as string | undefined) ?? 'rest';
  const hasCredentials = token !== undefined || username !== undefined;
  if (source === 'rest' && !hasCredentials && problems.length === 0)
    problems.push(
      'no credentials: set airflow.username with password (or username_env/password_env, password_file), or token/token_env',
    );
  if (source === 'sql' && dbUrl === undefined && problems.length === 0)
    problems.push('source sql needs db.url or db.url_env');
  return { name: instance.name, raw, ...(problems.length > 0 ? { problem: problems.join('; ') } : {}) };
}
