import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

// Who may talk to the hub. Tokens come from the environment or files, never from the YAML (configs get
// committed and pasted). Two roles: `write` (ack, un-ack, silence) and `read` (viewers). Tokens are compared
// as SHA-256 digests with timingSafeEqual against every configured token, so neither the length nor the
// first differing byte of a guess shows in the response time.

export type HubRole = 'read' | 'write';

export interface HubTokens {
  /** Digests only: the tokens themselves are not kept. */
  entries: { digest: Buffer; role: HubRole }[];
}

export type AuthResult = { ok: true; role: HubRole } | { ok: false; status: 401 | 403; reason: string };

/** Shorter tokens are refused at start: a hub on a network must not be guessable. */
export const MIN_TOKEN_LENGTH = 16;

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

function fromFile(path: string, variable: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `${variable}=${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      { cause: error },
    );
  }
  // One token a line; blank lines and # comments are skipped, so a file can hold several viewers' tokens.
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function collect(env: NodeJS.ProcessEnv, variable: string): string[] {
  const direct = env[variable]?.trim();
  const file = env[`${variable}_FILE`]?.trim();
  return [...(direct ? [direct] : []), ...(file ? fromFile(file, `${variable}_FILE`) : [])];
}

/**
 * The hub's tokens: AIRTOP_HUB_TOKEN / AIRTOP_HUB_TOKEN_FILE (write) and AIRTOP_HUB_READONLY_TOKEN /
 * AIRTOP_HUB_READONLY_TOKEN_FILE (read). null when no write token is set: the hub API is then off.
 * Throws with a message a person can act on when a file is unreadable or a token too short.
 */
export function loadHubTokens(env: NodeJS.ProcessEnv): HubTokens | null {
  const write = collect(env, 'AIRTOP_HUB_TOKEN');
  const read = collect(env, 'AIRTOP_HUB_READONLY_TOKEN');
  if (write.length === 0) return null;
  for (const [name, list] of [
    ['AIRTOP_HUB_TOKEN', write],
    ['AIRTOP_HUB_READONLY_TOKEN', read],
  ] as const) {
    if (list.some((t) => t.length < MIN_TOKEN_LENGTH)) {
      throw new Error(
        `${name}: a hub token must be at least ${MIN_TOKEN_LENGTH} characters (e.g. openssl rand -hex 24)`,
      );
    }
  }
  if (read.some((t) => write.includes(t)))
    throw new Error('AIRTOP_HUB_READONLY_TOKEN must differ from AIRTOP_HUB_TOKEN');
  return {
    entries: [
      ...write.map((t) => ({ digest: digest(t), role: 'write' as const })),
      ...read.map((t) => ({ digest: digest(t), role: 'read' as const })),
    ],
  };
}

/** The token an attached TUI sends, and whether it may act: the write token if set, else a viewer's. */
export function clientToken(env: NodeJS.ProcessEnv): { token: string; role: HubRole } | null {
  const write = collect(env, 'AIRTOP_HUB_TOKEN')[0];
  if (write) return { token: write, role: 'write' };
  const read = collect(env, 'AIRTOP_HUB_READONLY_TOKEN')[0];
  return read ? { token: read, role: 'read' } : null;
}

/** Checks an Authorization header; `need` is the role the route requires. */
export function authorize(tokens: HubTokens, header: string | undefined, need: HubRole): AuthResult {
  if (!header)
    return {
      ok: false,
      status: 401,
      reason: 'missing credentials: send "Authorization: Bearer <token>" (the value of AIRTOP_HUB_TOKEN)',
    };
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match) return { ok: false, status: 401, reason: 'malformed Authorization header: expected "Bearer <token>"' };
  const given = digest(match[1]!);
  let role: HubRole | null = null;
  // Every entry is compared, match or not, so the time taken does not say which one (or whether one) matched.
  for (const entry of tokens.entries) {
    if (timingSafeEqual(entry.digest, given) && role !== 'write') role = entry.role;
  }
  if (role === null)
    return { ok: false, status: 401, reason: 'token not recognised: check AIRTOP_HUB_TOKEN matches the hub' };
  if (need === 'write' && role !== 'write') {
    return {
      ok: false,
      status: 403,
      reason: 'this token is read-only: acks, un-acks and silences need the hub write token (AIRTOP_HUB_TOKEN)',
    };
  }
  return { ok: true, role };
}
