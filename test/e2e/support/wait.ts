// Wait for a condition, never for a fixed time: poll `check` until it returns a value, or fail after
// `timeoutMs` with the last reason it gave.

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  what: string;
}

/** `check` returns the value when the condition holds, or a string saying why not yet. */
export async function waitFor<T>(check: () => Promise<T | { notYet: string }>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last: string;
  for (;;) {
    try {
      const result = await check();
      if (!(typeof result === 'object' && result !== null && 'notYet' in result)) return result as T;
      last = (result as { notYet: string }).notYet;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${options.what}: ${last}`);
    await new Promise((done) => setTimeout(done, options.intervalMs ?? 500));
  }
}

export const notYet = (reason: string) => ({ notYet: reason });
