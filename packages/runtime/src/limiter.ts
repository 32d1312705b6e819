/**
 * A concurrency limiter: at most `limit` tasks run at once, and waiting tasks
 * start in the order they were submitted. The executor submits every port
 * call through one limiter, so vacates, drains, renews and the create batches
 * of every swarming host share one bound.
 */

/** Runs tasks with a bound on how many are in flight. */
export interface Limiter {
  /** Runs `task` once a slot is free and resolves or rejects as it does. */
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** Creates a {@link Limiter} with `limit` slots; `limit` must be at least 1. */
export const createLimiter = (limit: number): Limiter => {
  let active = 0;
  const waiting: (() => void)[] = [];

  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) {
      active -= 1;
      return;
    }
    // The slot passes straight to the next task, so no later caller can take it first.
    next();
  };

  return {
    run: async <T>(task: () => Promise<T>): Promise<T> => {
      if (active < limit) {
        active += 1;
      } else {
        await new Promise<void>((resolve) => waiting.push(resolve));
      }

      try {
        return await task();
      } finally {
        release();
      }
    },
  };
};
