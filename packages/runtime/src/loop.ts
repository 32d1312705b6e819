/**
 * The reconcile loop: one cycle at once, then one every period, until the
 * abort signal fires. A shutdown lets calls in flight finish, starts nothing
 * new, and resolves normally, so a process can exit cleanly on SIGTERM.
 */
import { isAborted } from './abort.js';
import { defaultLogger } from './logging.js';
import { createMemoryDrainStore } from './drains.js';
import { createMemoryPendingStore } from './pending.js';
import type { CycleReport } from './report.js';
import { reconcileOnce, type CycleOptions, type RuntimeDeps } from './cycle.js';
import { DEFAULT_CONCURRENCY, validateConcurrency } from './execute.js';

/** Waits `ms` milliseconds, or less when `signal` fires; never rejects. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Dependencies of the loop: those of a cycle plus the sleep between cycles. */
export interface LoopDeps extends RuntimeDeps {
  /** A timer that ends early on abort by default. */
  readonly sleep?: Sleep | undefined;
}

/** Run one cycle, or one every `periodMs` milliseconds (counted from the start of each cycle). */
export type LoopSchedule = { readonly once: true } | { readonly periodMs: number };

/** How to run the loop. */
export type LoopOptions = CycleOptions &
  LoopSchedule & {
    /** Called with each cycle's report, after the cycle's summary is logged. */
    readonly onCycle?: ((report: CycleReport) => void) | undefined;
  };

/** Result of the loop. */
export interface LoopResult {
  /** Cycles run, including one cut short by a shutdown. */
  readonly cycles: number;
  /** The report of the last cycle, or undefined when no cycle ran. */
  readonly lastReport: CycleReport | undefined;
}

/** Waits on a timer that is cleared when the signal fires. */
export const sleepUnlessAborted: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (isAborted(signal)) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

const validatePeriod = (schedule: LoopSchedule): number | undefined => {
  if ('once' in schedule) {
    return undefined;
  }
  const period = schedule.periodMs;
  if (!Number.isFinite(period) || period <= 0) {
    throw new RangeError(`periodMs must be a positive number of milliseconds, got ${String(period)}; use { once: true } to run one cycle`);
  }
  return period;
};

/**
 * Runs reconcile cycles: the first immediately, then one every period until
 * `options.signal` fires, or just one with `{ once: true }`. One pending
 * create store, one drained bot store and one logger serve every cycle
 * unless `deps` supplies them.
 *
 * Cycles report service failures in their report, so a cycle that throws
 * has hit a bug. The loop logs it and goes on, but with `{ once: true }` it
 * rethrows the error instead.
 *
 * @throws RangeError, before any cycle, when `periodMs` is not positive or
 *   the concurrency is not a whole number of at least 1.
 */
export const runLoop = async (deps: LoopDeps, options: LoopOptions): Promise<LoopResult> => {
  const period = validatePeriod(options);
  validateConcurrency(options.concurrency ?? DEFAULT_CONCURRENCY);

  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? sleepUnlessAborted;
  const logger = deps.logger ?? defaultLogger();
  const cycleDeps: RuntimeDeps = {
    ...deps,
    now,
    logger,
    pending: deps.pending ?? createMemoryPendingStore(),
    drains: deps.drains ?? createMemoryDrainStore(),
  };
  const signal = options.signal;

  let cycles = 0;
  let lastReport: CycleReport | undefined;
  while (!isAborted(signal)) {
    const startedAt = now();
    cycles += 1;
    try {
      lastReport = await reconcileOnce(cycleDeps, options);
      options.onCycle?.(lastReport);
    } catch (cause) {
      if (period === undefined) {
        throw cause;
      }
      logger.error({ error: cause instanceof Error ? cause.message : String(cause) }, 'reconcile cycle crashed');
    }

    if (period === undefined || isAborted(signal)) {
      break;
    }
    const wait = Math.max(0, startedAt + period - now());
    logger.debug({ waitMs: wait }, 'waiting for the next reconcile cycle');
    await sleep(wait, signal);
  }

  logger.info({ cycles }, 'reconcile loop stopped');
  return { cycles, lastReport };
};
