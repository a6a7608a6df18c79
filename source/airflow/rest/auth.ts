import { z } from 'zod';
import { AirflowError } from '../errors.js';
import type { Authorizer, Http } from './http.js';

export type RestAuth =
  { kind: 'password'; username: string; password: string } | { kind: 'token'; token: string } | { kind: 'none' };

const tokenResponse = z.object({ access_token: z.string().min(1) });

const CHECK_CREDENTIALS = 'check AIRFLOW_USERNAME / AIRFLOW_PASSWORD';

/** Airflow 3: POST {base}/auth/token with the password, then Bearer; no refresh flow, so a 401 means post again. */
function jwtAuthorizer(http: Http, username: string, password: string): Authorizer {
  let header: string | null = null;
  let pending: Promise<string> | null = null;

  async function fetchToken(): Promise<string> {
    const result = await http.request({
      method: 'POST',
      path: '/auth/token',
      body: { username, password },
      auth: false,
      expect: [401, 403],
    });
    if (result.status === 401 || result.status === 403) {
      throw new AirflowError(
        'auth',
        http.redact(`${result.status} from ${result.url}: ${CHECK_CREDENTIALS}`),
        result.status,
      );
    }
    const parsed = tokenResponse.safeParse(result.body);
    if (!parsed.success) {
      throw new AirflowError(
        'bad_response',
        `${result.url} answered ${result.status} without an access_token: is --url the Airflow 3 API server?`,
        result.status,
      );
    }
    return `Bearer ${parsed.data.access_token}`;
  }

  function obtain(): Promise<string> {
    pending ??= fetchToken()
      .then((value) => {
        header = value;
        return value;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  return {
    async header() {
      return header ?? obtain();
    },
    async refresh(stale) {
      // Another request already replaced the token this one was sent with.
      if (header !== null && header !== stale) return true;
      header = null;
      await obtain();
      return true;
    },
    explain401: (url) =>
      `401 from ${url} even with a fresh token from ${http.baseUrl}/auth/token: ${CHECK_CREDENTIALS} and the user's role`,
  };
}

function fixedAuthorizer(
  header: string | null,
  explain: (url: string) => string,
  explain403?: (url: string) => string,
): Authorizer {
  return {
    header: async () => header,
    refresh: async () => false,
    explain401: explain,
    ...(explain403 ? { explain403 } : {}),
  };
}

/** Airflow 2.11's FAB API answers 403 "Forbidden" (detail null) to a wrong password, to none, and to a user without a role. */
const V1_FORBIDDEN = (url: string, who: string) =>
  `403 from ${url}: Airflow 2 refuses with 403 both credentials it does not accept and a user without the permission: ${who}; [api] auth_backends must include airflow.api.auth.backend.basic_auth, and the user needs the Viewer role or higher`;

export function createAuthorizer(auth: RestAuth, api: 'v2' | 'v1', http: Http): Authorizer {
  if (auth.kind === 'password' && api === 'v2') return jwtAuthorizer(http, auth.username, auth.password);
  if (auth.kind === 'password') {
    const basic = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
    return fixedAuthorizer(
      `Basic ${basic}`,
      (url) =>
        `401 from ${url}: ${CHECK_CREDENTIALS}; Airflow 2 also needs [api] auth_backends to include airflow.api.auth.backend.basic_auth`,
      (url) => V1_FORBIDDEN(url, CHECK_CREDENTIALS),
    );
  }
  if (auth.kind === 'token') {
    return fixedAuthorizer(
      `Bearer ${auth.token}`,
      (url) => `401 from ${url}: the token was refused: check AIRFLOW_TOKEN (it may have expired)`,
    );
  }
  const none = 'no credentials were sent: set AIRFLOW_USERNAME and AIRFLOW_PASSWORD';
  return fixedAuthorizer(
    null,
    (url) =>
      `401 from ${url}: Airflow requires credentials: set AIRFLOW_USERNAME and AIRFLOW_PASSWORD, or AIRFLOW_TOKEN`,
    api === 'v1' ? (url) => V1_FORBIDDEN(url, none) : undefined,
  );
}

/** Values that must be masked in every message. */
export function authSecrets(auth: RestAuth): string[] {
  if (auth.kind === 'password')
    return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')];
  if (auth.kind === 'token') return [auth.token];
  return [];
}
