/** Airflow caps `limit` at [api] maximum_page_limit, 100 by default. */
export const PAGE_LIMIT = 100;

export interface Page<T> {
  items: T[];
  total: number;
}

/**
 * Every item of a paged list: the first page tells the total and the page size the server really used
 * (a lower maximum_page_limit shrinks it), then the remaining pages are requested together; the shared
 * in-flight limit keeps that polite.
 */
export async function fetchAllPages<T>(fetchPage: (offset: number, limit: number) => Promise<Page<T>>): Promise<T[]> {
  const first = await fetchPage(0, PAGE_LIMIT);
  const step = first.items.length;
  if (step === 0 || step >= first.total) return first.items;
  const offsets: number[] = [];
  for (let offset = step; offset < first.total; offset += step) offsets.push(offset);
  const rest = await Promise.all(offsets.map((offset) => fetchPage(offset, step)));
  return [first.items, ...rest.map((page) => page.items)].flat();
}

/** Pages one after another until `enough` says stop (newest-first lists where only the head matters). */
export async function fetchPagesUntil<T>(
  fetchPage: (offset: number, limit: number) => Promise<Page<T>>,
  enough: (items: T[]) => boolean,
  maxPages: number,
): Promise<T[]> {
  const items: T[] = [];
  for (let page = 0, offset = 0; page < maxPages; page += 1) {
    const next = await fetchPage(offset, PAGE_LIMIT);
    items.push(...next.items);
    offset += next.items.length;
    if (next.items.length === 0 || offset >= next.total || enough(items)) break;
  }
  return items;
}
