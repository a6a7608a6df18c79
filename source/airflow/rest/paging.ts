import { AirflowError } from '../errors.js';

/** Airflow caps `limit` at [api] maximum_page_limit, 100 by default. */
export const PAGE_LIMIT = 100;

export interface Page<T> {
  items: T[];
  total: number;
}

/** The most items one list may hold; `total_entries` is the server's word and may be anything (1e15). */
export const MAX_LIST_ITEMS = 100_000;
/** Pages asked for together; the shared in-flight limit (≤ 4) still bounds what is on the wire. */
const PAGE_BATCH = 16;

/**
 * Every item of a paged list: the first page tells the total and the page size the server really used
 * (a lower maximum_page_limit shrinks it), then the remaining pages are requested in batches. A batch
 * with a short page ends the list whatever total_entries claimed, so a server that overstates it costs
 * at most one batch; a total above MAX_LIST_ITEMS fails with a message instead of exhausting memory.
 */
export async function fetchAllPages<T>(fetchPage: (offset: number, limit: number) => Promise<Page<T>>): Promise<T[]> {
  const first = await fetchPage(0, PAGE_LIMIT);
  const step = first.items.length;
  const total = Number.isFinite(first.total) ? first.total : 0;
  if (step === 0 || step >= total) return first.items;
  // Refused before a second request: reading a claimed 10^15 rows would flood Airflow however it ends.
  if (total > MAX_LIST_ITEMS) {
    throw new AirflowError(
      'bad_response',
      `a list from Airflow claims ${total} entries; airtop reads at most ${MAX_LIST_ITEMS} per list: narrow dags.ids / dags.patterns or window.recent`,
    );
  }
  const end = total;
  const pages: T[][] = [first.items];
  let offset = step;
  while (offset < end) {
    const offsets: number[] = [];
    for (; offsets.length < PAGE_BATCH && offset < end; offset += step) offsets.push(offset);
    const batch = await Promise.all(offsets.map((at) => fetchPage(at, step)));
    pages.push(...batch.map((page) => page.items));
    if (batch.some((page) => page.items.length < step)) break;
  }
  return pages.flat();
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
