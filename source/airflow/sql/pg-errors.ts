import { AirflowError } from '../errors.js';
import type { DbTarget } from './db-url.js';

interface PgLikeError {
  code?: string;
  message?: string;
  errors?: PgLikeError[];
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

function codeOf(error: PgLikeError): string | undefined {
  // Node reports "localhost" tried on ::1 and 127.0.0.1 as an AggregateError whose parts carry the code.
  return error.code ?? error.errors?.find((part) => part.code)?.code;
}

/** Error text from pg or the OS, with the password scrubbed in case a driver echoed the URL. */
function detail(error: PgLikeError, target: DbTarget): string {
  const message = error.message || codeOf(error) || String(error);
  return target.password ? message.split(target.password).join('***') : message;
}

/**
 * Turns what pg throws into an AirflowError that says what to fix. `during` names the step, e.g.
 * "reading the DAG list". SQLSTATEs: https://www.postgresql.org/docs/15/errcodes-appendix.html
 */
export function toAirflowError(raw: unknown, target: DbTarget, during: string, timeoutSeconds: number): AirflowError {
  if (raw instanceof AirflowError) return raw;
  const error = (raw ?? {}) as PgLikeError;
  const code = codeOf(error);
  const text = detail(error, target);
  const where = `PostgreSQL at ${target.label}`;
  if (
    (code && NETWORK_CODES.has(code)) ||
    /timeout expired|connection timeout|Connection terminated unexpectedly/i.test(text)
  ) {
    return new AirflowError('unreachable', `cannot reach PostgreSQL at ${target.hostPort}: check --db (${text})`);
  }
  switch (code) {
    case '28P01':
    case '28000':
      return new AirflowError(
        'auth',
        `${where} refused user "${target.user}" (${text}): check the user and password in --db`,
      );
    case '3D000':
      return new AirflowError(
        'config',
        `database "${target.database}" does not exist on ${target.hostPort}: check the database name in --db`,
      );
    case '42P01':
    case '42703':
      return new AirflowError(
        'config',
        `${during} failed on ${target.label} (${text}): is this an Airflow 3 metadata DB? Point --db at the database in AIRFLOW__DATABASE__SQL_ALCHEMY_CONN (after \`airflow db migrate\`)`,
      );
    case '42501':
      return new AirflowError(
        'forbidden',
        `${where}: user "${target.user}" may not read the Airflow tables (${text}): grant it SELECT on them`,
      );
    case '57014':
      return new AirflowError(
        'timeout',
        `${during} took longer than the ${timeoutSeconds}s statement timeout on ${target.label} and was cancelled: raise db.statement_timeout or select fewer DAGs`,
      );
    case '53300':
    case '57P03':
      return new AirflowError('unreachable', `${where} is not accepting connections (${text}): try again later`);
    case '57P01':
    case '57P02':
      return new AirflowError(
        'unreachable',
        `${where} closed the connection (${text}): it will be retried on the next poll`,
      );
    default:
      if (/SSL|certificate/i.test(text)) {
        return new AirflowError(
          'unreachable',
          `cannot reach PostgreSQL at ${target.hostPort}: ${text}: check the sslmode in --db`,
        );
      }
      return new AirflowError('server', `${during} failed on ${target.label}: ${text}`);
  }
}
