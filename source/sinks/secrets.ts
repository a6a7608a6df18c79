import { readFileSync } from 'node:fs';
import { registerSecret } from '../text/redact.js';

// Secrets (webhook URLs, routing keys, passwords, API keys) come from a file or an env variable, never from
// the YAML itself, and never appear in a message: errors name the variable or file to fix, not the value.

export interface SecretSource {
  env?: string | undefined;
  file?: string | undefined;
}

export type SecretRead = { ok: true; value: string } | { ok: false; error: string };

/** A file wins over an env variable; the file's first line is the secret (trailing newline ignored). */
export function readSecret(source: SecretSource, what: string, env: NodeJS.ProcessEnv = process.env): SecretRead {
  if (source.file) {
    try {
      const value = readFileSync(source.file, 'utf8').split(/\r?\n/)[0]!.trim();
      if (!value)
        return { ok: false, error: `${what}: the file ${source.file} is empty; put the secret on its first line` };
      registerSecret(value);
      return { ok: true, value };
    } catch (error) {
      return {
        ok: false,
        error: `${what}: cannot read ${source.file} (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path and its permissions`,
      };
    }
  }
  if (source.env) {
    const value = env[source.env]?.trim();
    if (!value)
      return {
        ok: false,
        error: `${what}: the environment variable ${source.env} is not set; export it or use a *_file setting`,
      };
    registerSecret(value);
    return { ok: true, value };
  }
  return { ok: false, error: `${what}: no secret configured; set its *_env (an environment variable name) or *_file` };
}

/** "https://hooks.slack.com/…" — scheme and host only, for status lines about a secret URL. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '(invalid URL)';
  }
}

/** Replaces every occurrence of the secrets in `text` (a last guard for messages built from library errors). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}
