import { AirflowError } from '../errors.js';
import type { HttpRequest, HttpResult } from './http.js';
import type { Api } from './reads.js';

// Writing one Variable through the REST client's authenticated Http (auth, retries, in-flight limit and secret
// redaction stay there). The airflow_variables sink reaches it as the source's writeVariable capability.

/** The slice of the REST client's Http this needs; it throws AirflowError for statuses not in `expect`. */
export interface VariableRequester {
  request(req: HttpRequest): Promise<Pick<HttpResult, 'status'>>;
}

/**
 * Upsert: PATCH {prefix}/variables/{key} {key, value}; on 404 create it with POST {prefix}/variables
 * {key, value, description}. The same calls on Airflow 3 (/api/v2) and Airflow 2 (/api/v1).
 */
export async function writeVariable(
  http: VariableRequester,
  api: Api,
  key: string,
  value: string,
  description?: string,
): Promise<void> {
  const prefix = `/api/${api}`;
  try {
    const patched = await http.request({
      method: 'PATCH',
      path: `${prefix}/variables/${encodeURIComponent(key)}`,
      body: { key, value },
      expect: [404],
    });
    if (patched.status !== 404) return;
    await http.request({
      method: 'POST',
      path: `${prefix}/variables`,
      body: { key, value, ...(description ? { description } : {}) },
    });
  } catch (error) {
    // The reads' 403 advice (the Viewer role) is wrong for a write, which needs more.
    if (error instanceof AirflowError && error.kind === 'forbidden') {
      throw new AirflowError(
        'forbidden',
        `403 writing Variable ${key}: the Airflow user needs the op (or admin) role to write Variables`,
        403,
      );
    }
    throw error;
  }
}
