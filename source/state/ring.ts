/** Appends to a bounded history without mutating it (React and zustand compare by reference). */
export function appendBounded<T>(items: readonly T[], item: T, capacity: number): T[] {
  const next = items.length >= capacity ? items.slice(items.length - capacity + 1) : items.slice();
  next.push(item);
  return next;
}
