import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { type Config, configSchema } from './schema.js';
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
}

export interface LoadedConfig {
  config: Config;
  /** The YAML file that was read, if any. */
  file: string | null;
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
  const merged = applyOverrides(fromFile, flags, env);
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error, existsSync(file) ? file : null));
  const config = parsed.data;
  if (config.airflow.password_file && !config.airflow.password) {
    config.airflow.password = readSecretFile(config.airflow.password_file, 'airflow.password_file');
  }
  // Whatever a remote echoes back, these never reach a log, the screen or a state file (text/redact.ts).
  registerSecret(config.airflow.password);
  registerSecret(config.airflow.token);
  if (config.db.url) registerSecret(config.db.url);
  return { config, file: existsSync(file) ? file : null };
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

function formatIssues(error: z.ZodError, file: string | null): string {
  const where = file ? `config file ${file}` : 'configuration (flags and environment)';
  const lines = error.issues.slice(0, 10).map((issue) => {
    const path = issue.path.map(String).join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(issue.path);
      const keys = issue.keys.map((k) => (path === '(top level)' ? k : `${path}.${k}`)).join(', ');
      return `  unknown key ${keys}${allowed ? `; allowed here: ${allowed.join(', ')}` : ''}`;
    }
    return `  ${path}: ${issue.message}`;
  });
  return `invalid ${where}:\n${lines.join('\n')}`;
}

/** The keys the schema accepts at a path, to tell a person what they could have meant. */
function allowedKeys(path: PropertyKey[]): string[] | null {
  let node: z.ZodType = configSchema;
  for (const key of [...path, null]) {
    node = unwrap(node);
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
