/**
 * Remembers the last call: same arguments (by reference) give the same result object. Selectors built on
 * it return stable references, which zustand 5 needs (a fresh array per call re-renders forever).
 */
export function memoLast<A extends readonly unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  let lastArgs: A | null = null;
  let lastResult: R;
  return (...args: A): R => {
    if (lastArgs && lastArgs.length === args.length && lastArgs.every((a, i) => Object.is(a, args[i])))
      return lastResult;
    lastResult = fn(...args);
    lastArgs = args;
    return lastResult;
  };
}
