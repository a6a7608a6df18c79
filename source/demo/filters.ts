// Request parsing for the demo, with FastAPI's answers to bad input: 422 with a `detail` list for
// invalid values and unknown body fields, 400 for an unknown order_by, limit capped at 100.

export class Reply extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export function invalid(loc: (string | number)[], msg: string, input: unknown): never {
  throw new Reply(422, { detail: [{ type: 'value_error', loc, msg, input }] });
}

export const MAX_PAGE_LIMIT = 100;

function integer(value: unknown, loc: (string | number)[], fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0) invalid(loc, 'Input should be greater than or equal to 0', value);
  return n;
}

export interface Paging {
  limit: number;
  offset: number;
}

export function pagingFromQuery(query: URLSearchParams): Paging {
  return {
    limit: Math.min(MAX_PAGE_LIMIT, integer(query.get('limit') ?? undefined, ['query', 'limit'], 50)),
    offset: integer(query.get('offset') ?? undefined, ['query', 'offset'], 0),
  };
}

export function pagingFromBody(body: Record<string, unknown>): Paging {
  return {
    limit: Math.min(MAX_PAGE_LIMIT, integer(body.page_limit, ['body', 'page_limit'], 100)),
    offset: integer(body.page_offset, ['body', 'page_offset'], 0),
  };
}

export function page<T>(items: T[], paging: Paging): T[] {
  return items.slice(paging.offset, paging.offset + paging.limit);
}

const OPS = ['gte', 'gt', 'lte', 'lt'] as const;
export type RangeOp = (typeof OPS)[number];
export interface Range {
  field: string;
  op: RangeOp;
  value: number;
}

function parseTime(value: unknown, loc: (string | number)[]): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) invalid(loc, 'Input should be a valid datetime', value);
  return ms;
}

/** `<field>_<op>` filters for the given fields, from a query string or a batch body. */
export function rangesFrom(
  source: URLSearchParams | Record<string, unknown>,
  fields: string[],
  where: 'query' | 'body',
  numeric: string[] = [],
): Range[] {
  const ranges: Range[] = [];
  for (const field of [...fields, ...numeric]) {
    for (const op of OPS) {
      const key = `${field}_${op}`;
      const raw = source instanceof URLSearchParams ? (source.get(key) ?? undefined) : source[key];
      if (raw === undefined || raw === null) continue;
      const value = numeric.includes(field) ? Number(raw) : parseTime(raw, [where, key]);
      if (Number.isNaN(value)) invalid([where, key], 'Input should be a valid number', raw);
      ranges.push({ field, op, value });
    }
  }
  return ranges;
}

export function inRange(value: number | null, range: Range): boolean {
  if (value === null) return false; // SQL: NULL compares false
  switch (range.op) {
    case 'gte':
      return value >= range.value;
    case 'gt':
      return value > range.value;
    case 'lte':
      return value <= range.value;
    case 'lt':
      return value < range.value;
  }
}

/** The body of a batch list, refusing fields the real endpoint does not declare (it forbids extras). */
export function batchBody(body: unknown, allowed: string[]): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    invalid(['body'], 'Input should be a valid dictionary', body);
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key))
      throw new Reply(422, {
        detail: [
          {
            type: 'extra_forbidden',
            loc: ['body', key],
            msg: 'Extra inputs are not permitted',
            input: (body as Record<string, unknown>)[key],
          },
        ],
      });
  }
  return body as Record<string, unknown>;
}

export function stringList(value: unknown, loc: (string | number)[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' && v !== null))
    invalid(loc, 'Input should be a valid list', value);
  return value as string[];
}

/** Sort by Airflow's order_by (`-field` descending), nulls last, the primary key breaking ties. */
export function sortBy<T>(
  items: T[],
  orderBy: string[],
  fields: Record<string, (item: T) => string | number | null>,
  id: (item: T) => number,
): T[] {
  const keys = orderBy.map((spec) => {
    const desc = spec.startsWith('-');
    const name = desc ? spec.slice(1) : spec;
    const get = fields[name];
    if (!get)
      throw new Reply(400, {
        detail: `Ordering with '${name}' is disallowed or the attribute does not exist on the model`,
      });
    return { desc, get };
  });
  return [...items].sort((a, b) => {
    for (const { desc, get } of keys) {
      const x = get(a);
      const y = get(b);
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const cmp = x < y ? -1 : 1;
      return desc ? -cmp : cmp;
    }
    return id(a) - id(b);
  });
}

/** SQL LIKE, case-insensitive as Airflow's ilike: `%` any run, `_` one character. */
export function likeToRegExp(pattern: string): RegExp {
  const source = [...pattern]
    .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'is');
}
