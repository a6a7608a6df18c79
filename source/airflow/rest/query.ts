/** Query values; arrays repeat the key (`state=a&state=b`), which is how Airflow's list filters read them. */
export type QueryValue = string | number | boolean | null | undefined | readonly string[];
export type QueryParams = Record<string, QueryValue>;

export function encodeQuery(query: QueryParams | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** Each path segment percent-encoded: run ids such as `scheduled__2025-06-01T12:00:00+00:00` carry `+` and `:`. */
export function apiPath(...segments: (string | number)[]): string {
  return segments
    .map((segment, index) => (index === 0 ? String(segment) : encodeURIComponent(String(segment))))
    .join('/');
}
