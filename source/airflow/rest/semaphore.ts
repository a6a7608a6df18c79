/** A counting semaphore: at most `max` holders at once, waiters served in arrival order. */
export interface Semaphore {
  acquire(): Promise<void>;
  release(): void;
  readonly inUse: number;
}

export function createSemaphore(max: number): Semaphore {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`semaphore size must be a positive integer, got ${max}`);
  let inUse = 0;
  const waiters: (() => void)[] = [];
  return {
    acquire() {
      if (inUse < max) {
        inUse += 1;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    release() {
      const next = waiters.shift();
      // The slot passes straight to the next waiter, so inUse stays the same.
      if (next) next();
      else inUse -= 1;
    },
    get inUse() {
      return inUse;
    },
  };
}
