// Records keyed by outside ids (DAG ids, "dag.task" keys): an id may be "toString", "constructor" or
// "__proto__". A plain `record[id]` then finds Object.prototype's members, and `record[id] = v` with
// "__proto__" replaces the prototype instead of storing v. These two never do.

export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
