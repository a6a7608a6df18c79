import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { type Config, configSchema, type InstanceInput } from './schema.js';
import { duplicateNames, flatInstanceName, resolveInstance } from './instances.js';
import { registerSecret } from '../text/redact.js';

/** A configuration problem: the CLI prints the message and exits 3. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface ConfigFlags {
  config?: string;
  url?: string;
  interval?: number | string;
  /** --deadline: once_deadline. */
  deadline?: string;
  source?: string;
  db?: string;
  readonly?: boolean;
  /** --context NAME: watch only that instance. */
  context?: string;
  /**
   * Instances given by the caller instead of the file's `instances:` (--demo --demo-instances N); null: ignore
   * the file's `instances:` and watch one Airflow (plain --demo).
   */
  instances?: Record<string, unknown>[] | null;
}

/** One resolved instance (fleet/types.ts InstanceSpec): its whole config and, if it cannot poll, why. */
export interface LoadedInstance {
  name: string;
  config: Config;
  /** Why this instance cannot poll (a credential missing): it is UNKNOWN with this reason, the others run. */
  problem?: string;
}

export interface LoadedConfig {
  /** The first (or --context) instance's config, for single-instance code. */
  config: Config;
  /** The YAML file that was read, if any. */
  file: string | null;
  /** Every instance watched (≥ 1); a flat config is one, named after its host. */
  instances: LoadedInstance[];
  /** The config has `instances:` (or the demo runs several): alerts carry the `instance` label. */
  fleet: boolean;
}

export function defaultConfigPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'airtop', 'config.yaml');
}

export function defaultStateDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'airtop');
}

/** defaults (the reference's values) < YAML file < environment < flags. */
export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const explicit = flags.config ?? env.AIRTOP_CONFIG;
  const file = explicit ? resolve(explicit) : defaultConfigPath(env);
  if (explicit && !existsSync(file))
    throw new ConfigError(`config file ${file} does not exist: check --config / AIRTOP_CONFIG`);
  const fromFile = existsSync(file) ? readYaml(file) : {};
  const shown = existsSync(file) ? file : null;
  const { instances: fileInstances, ...top } = fromFile;
  const wanted = flags.instances === null ? undefined : (flags.instances ?? fileInstances);
  if (wanted !== undefined) return loadFleet(top, wanted, flags, env, shown);
  const merged = applyOverrides(top, flags, env);
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error, shown));
  const config = parsed.data;
  if (config.airflow.password_file && !config.airflow.password) {
    config.airflow.password = readSecretFile(config.airflow.password_file, 'airflow.password_file');
  }
  // Whatever a remote echoes back, these never reach a log, the screen or a state file (text/redact.ts).
  registerSecret(config.airflow.password);
  registerSecret(config.airflow.token);
  if (config.db.url) registerSecret(config.db.url);
  const name = flatInstanceName(config);
  if (flags.context !== undefined && flags.context !== name)
    throw new ConfigError(
      `--context ${flags.context}: no such instance; this config watches one Airflow, "${name}" (add instances: to watch several)`,
    );
  return { config, file: shown, instances: [{ name, config }], fleet: false };
}

/** `instances:` → one Config per instance; top-level keys are their defaults (config/instances.ts). */
function loadFleet(
  top: Record<string, unknown>,
  instances: unknown,
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv,
  file: string | null,
): LoadedConfig {
  if (flags.url !== undefined)
    throw new ConfigError(
      '--url cannot be used with instances: in the config: each instance has its own airflow.url; use --context NAME to watch one of them',
    );
  // Flags apply to every instance; AIRFLOW_* apply only to a flat config.
  const topMerged = applyOverrides(top, { ...flags, url: undefined, db: undefined }, {});
  const parsed = configSchema.safeParse({ ...topMerged, instances });
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error, file));
  const entries: InstanceInput[] = parsed.data.instances ?? [];
  const duplicates = duplicateNames(entries.map((i) => i.name));
  if (duplicates.length > 0) {
    const where = file ? `config file ${file}` : 'configuration';
    const lines = duplicates.map(
      (d) => `  ${d.path}: "${d.name}" is already the name of instances[${d.first}]; instance names must be unique`,
    );
    throw new ConfigError(`invalid ${where}:\n${lines.join('\n')}`);
  }
  let chosen = entries;
  if (flags.context !== undefined) {
    chosen = entries.filter((i) => i.name === flags.context);
    if (chosen.length === 0)
      throw new ConfigError(
        `--context ${flags.context}: no such instance; the config names ${entries.map((i) => i.name).join(', ')}`,
      );
  }
  if (flags.db !== undefined && chosen.length > 1)
    throw new ConfigError('--db names one database: with several instances, pick one with --context NAME');
  const resolved = chosen.map((entry) => {
    const index = entries.indexOf(entry);
    const one = resolveInstance(topMerged, entry, env, {
      ...(flags.interval !== undefined ? { interval: flags.interval } : {}),
      ...(flags.source !== undefined ? { source: flags.source } : {}),
      ...(flags.deadline !== undefined ? { deadline: flags.deadline } : {}),
      ...(flags.readonly ? { readonly: true } : {}),
    });
    if (flags.db !== undefined) one.raw.db = { ...(one.raw.db as Record<string, unknown>), url: flags.db };
    const checked = configSchema.safeParse(one.raw);
    if (!checked.success) throw new ConfigError(formatIssues(checked.error, file, `instances[${index}].`));
    const config: Config = { ...checked.data, instances: undefined };
    registerSecret(config.airflow.password);
    registerSecret(config.airflow.token);
    if (config.db.url) registerSecret(config.db.url);
    return { name: one.name, config, ...(one.problem ? { problem: one.problem } : {}) };
  });
  return { config: resolved[0]!.config, file, instances: resolved, fleet: true };
}

function readYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw new ConfigError(`config file ${file} is not valid YAML: ${first.message.split('\n')[0]}`);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`config file ${file} must be a YAML mapping of keys (airflow:, dags:, thresholds:, ...)`);
  }
  return value as Record<string, unknown>;
}

function applyOverrides(
  base: Record<string, unknown>,
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const airflow = { ...((base.airflow as Record<string, unknown> | undefined) ?? {}) };
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== '') airflow[key] = value;
  };
  set('url', env.AIRFLOW_URL);
  set('username', env.AIRFLOW_USERNAME);
  set('password', env.AIRFLOW_PASSWORD);
  set('token', env.AIRFLOW_TOKEN);
  set('url', flags.url);
  const merged: Record<string, unknown> = { ...base, airflow };
  if (flags.interval !== undefined) merged.interval = flags.interval;
  if (flags.deadline !== undefined) merged.once_deadline = flags.deadline;
  if (flags.source !== undefined) merged.source = flags.source;
  if (flags.db !== undefined)
    merged.db = { ...((base.db as Record<string, unknown> | undefined) ?? {}), url: flags.db };
  if (flags.readonly) merged.readonly = true;
  return merged;
}

export function readSecretFile(path: string, key: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n')[0]!.trim();
  } catch (error) {
    throw new ConfigError(
      `${key}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function formatIssues(error: z.ZodError, file: string | null, prefix = ''): string {
  const where = file ? `config file ${file}` : 'configuration (flags and environment)';
  const lines = error.issues.slice(0, 10).map((issue) => {
    const path = keyPath(issue.path, prefix);
    if (issue.code === 'unrecognized_keys') {
      const allowed = prefix ? null : allowedKeys(issue.path);
      const keys = issue.keys.map((k) => (path === '(top level)' ? k : `${path}.${k}`)).join(', ');
      return `  unknown key ${keys}${allowed ? `; allowed here: ${allowed.join(', ')}` : ''}`;
    }
    return `  ${path}: ${issue.message}`;
  });
  return `invalid ${where}:\n${lines.join('\n')}`;
}

/** `a.b.0.c`, but `instances[1].name` under instances (as the fleet's messages name them). */
function keyPath(path: readonly PropertyKey[], prefix: string): string {
  const fleet = prefix !== '' || path[0] === 'instances';
  const text = path
    .map((key, i) => (fleet && typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
  return `${prefix}${text}`.replace(/\.$/, '') || '(top level)';
}

/** The keys the schema accepts at a path, to tell a person what they could have meant. */
function allowedKeys(path: PropertyKey[]): string[] | null {
  let node: z.ZodType = configSchema;
  for (const key of [...path, null]) {
    node = unwrap(node);
    if (node instanceof z.ZodArray && typeof key === 'number') {
      node = node.element as z.ZodType;
      continue;
    }
    if (!(node instanceof z.ZodObject)) return null;
    if (key === null) return Object.keys(node.shape);
    const next = (node.shape as Record<string, z.ZodType>)[String(key)];
    if (!next) return null;
    node = next;
  }
  return null;
}

function unwrap(node: z.ZodType): z.ZodType {
  let current: z.ZodType = node;
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional) {
      current = current.unwrap() as z.ZodType;
    } else return current;
  }
}
