/**
 * Retry with exponential backoff and jitter. Which errors are retried is up
 * to each call: listing bots is read-only and retries every transient
 * failure, while terminating a bot retries only failures that did nothing.
 */
import type { SwarmingError } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';

/** How often and how long to wait between attempts of one call. */
export interface RetryPolicy {
  /** Attempts in total, the first one included; 1 disables retries. */
  readonly maxAttempts: number;
  /** Delay in milliseconds before the first retry; each further retry doubles it. */
  readonly baseDelayMs: number;
  /** Upper bound in milliseconds of the delay before jitter. */
  readonly maxDelayMs: number;
}

/** The default retry policy: 6 attempts, 1 s doubling up to 60 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 60_000 };

/**
 * Computes the delay in milliseconds before the retry that follows failed
 * attempt `attempt` (1 for the first attempt). The delay is the capped
 * exponential value, half of it fixed and half scaled by `random()`, so
 * clients that failed together do not retry in step.
 */
export const backoffDelayMs = (policy: RetryPolicy, attempt: number, random: () => number): number => {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const fraction = Math.min(1, Math.max(0, random()));
  return Math.round(exponential / 2 + (exponential / 2) * fraction);
};

/** Validates a retry policy, naming the invalid field. */
export const validateRetryPolicy = (policy: RetryPolicy): RetryPolicy => {
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`invalid retry.maxAttempts ${policy.maxAttempts}: expected an integer of at least 1`);
  }
  if (!Number.isFinite(policy.baseDelayMs) || policy.baseDelayMs < 0) {
    throw new RangeError(`invalid retry.baseDelayMs ${policy.baseDelayMs}: expected a number of milliseconds of at least 0`);
  }
  if (!Number.isFinite(policy.maxDelayMs) || policy.maxDelayMs < policy.baseDelayMs) {
    throw new RangeError(
      `invalid retry.maxDelayMs ${policy.maxDelayMs}: expected a number of milliseconds of at least retry.baseDelayMs (${policy.baseDelayMs})`,
    );
  }
  return policy;
};

/** A retry that is about to happen, for the `onRetry` callback. */
export interface PendingRetry {
  /** The attempt that failed, counting from 1. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: SwarmingError;
}

/** Settings for {@link retrying}. */
export interface RetryRun {
  readonly policy: RetryPolicy;
  readonly isRetryable: (error: SwarmingError) => boolean;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly onRetry: (retry: PendingRetry) => void;
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not
 * retryable, or uses up the attempts of the policy. Returns the last result.
 */
export const retrying = async <A>(
  run: RetryRun,
  attempt: (attemptNumber: number) => Promise<E.Either<SwarmingError, A>>,
): Promise<E.Either<SwarmingError, A>> => {
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    const result = await attempt(attemptNumber);
    if (E.isRight(result) || attemptNumber >= run.policy.maxAttempts || !run.isRetryable(result.left)) {
      return result;
    }

    const delayMs = backoffDelayMs(run.policy, attemptNumber, run.random);
    run.onRetry({ attempt: attemptNumber, delayMs, error: result.left });
    await run.sleep(delayMs);
  }
};
