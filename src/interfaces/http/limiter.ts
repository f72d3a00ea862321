/**
 * @file A small async semaphore: at most `limit` tasks run at once, the rest wait in FIFO order.
 */

/**
 * Runs tasks with bounded concurrency, so a burst of requests waits in line instead of piling unbounded work
 * (native search threads, candidate arrays) onto the process at once.
 * @example const limit = concurrencyLimit(2); await limit(() => ranker.ask("calm piano"));
 */
export function concurrencyLimit(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be an integer >= 1, got ${limit}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
