import { sanitizeText } from '../text/sanitize.js';

/** What went wrong talking to Airflow, with what to fix. `kind` lets the poller and CLI choose exit codes and messages. */
export type AirflowErrorKind =
  | 'unreachable' // connection refused, DNS, TLS: check the URL
  | 'timeout'
  | 'auth' // 401: check credentials
  | 'forbidden' // 403: the user lacks a role
  | 'not_found'
  | 'rate_limited'
  | 'server' // 5xx
  | 'bad_response' // malformed JSON or unexpected shape
  | 'config';

export class AirflowError extends Error {
  constructor(
    readonly kind: AirflowErrorKind,
    message: string,
    readonly status?: number,
  ) {
    // Messages quote Airflow's own words (a 404's `detail`, a bad value): sanitised so they are safe to print.
    super(sanitizeText(message, { multiline: true, max: 2000 }));
    this.name = 'AirflowError';
  }
}
