import { AirflowError } from '../errors.js';

export interface DbTarget {
  /** What pg connects with (scheme normalised to postgresql://). */
  connectionString: string;
  /** host:port/database, for messages; never holds the password. */
  label: string;
  /** host:port, for "cannot reach" messages. */
  hostPort: string;
  database: string;
  user: string;
  password: string;
}

// People copy AIRFLOW__DATABASE__SQL_ALCHEMY_CONN, whose scheme names a driver: postgresql+psycopg2://…
const SCHEME = /^(postgres|postgresql)(\+[a-z0-9_]+)?:\/\//i;

/** The URL with its password replaced by ***, safe to print. */
export function redactDbUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return raw.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

/** Parses --db. A URL pg cannot use is a config error that shows the expected shape. */
export function parseDbUrl(raw: string): DbTarget {
  const shape = 'expected postgres://USER[:PASSWORD]@HOST:5432/DATABASE';
  if (!SCHEME.test(raw.trim())) {
    throw new AirflowError('config', `--db ${redactDbUrl(raw)} is not a PostgreSQL URL: ${shape}`);
  }
  const connectionString = raw.trim().replace(SCHEME, 'postgresql://');
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw new AirflowError('config', `--db ${redactDbUrl(raw)} is not a valid URL: ${shape}`);
  }
  // A unix-socket URL (postgresql:///airflow?host=/run/postgresql) has no host part.
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  const port = url.port || url.searchParams.get('port') || '5432';
  const database =
    decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username) || 'postgres';
  const hostPort = `${host}:${port}`;
  return {
    connectionString,
    label: `${hostPort}/${database}`,
    hostPort,
    database,
    user: decodeURIComponent(url.username) || process.env.PGUSER || process.env.USER || 'postgres',
    password: decodeURIComponent(url.password),
  };
}
