/**
 * Retry policy for leases API calls: which failures may be repeated, and how
 * long to wait before the next attempt (exponential backoff with full
 * jitter, or the server's `Retry-After`).
 *
 * `leases:find`, `leases:renew` and `leases:vacate` are safe to repeat, so they
 * are retried on 429, 5xx, timeouts and connection failures. `leases:create`
 * is not: a repeated create may lease a second VM, so it is retried only when
 * the request provably never reached the server.
 */
import type { MacServiceError } from '@makemac/core';

import type { Endpoint } from './wire.js';

/** How often and how long to retry a call. */
export interface RetryPolicy {
  /** Attempts in all, the first included; 1 means no retry. */
  readonly maxAttempts: number;
  /** Upper bound of the first backoff delay, in milliseconds; it doubles with each attempt. */
  readonly baseDelayMs: number;
  /** Upper bound of any delay, `Retry-After` included, in milliseconds. */
  readonly maxDelayMs: number;
}

/** The default policy: 5 attempts, delays drawn from [0, 500 ms · 2^(n-1)), at most 30 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
});

/**
 * Tells whether `error` from a call to `endpoint` may be retried. Create is
 * retried only for a `TransportError` with `notSent`. The other endpoints are
 * retried for any `TransportError` and for a retryable `HttpError` (429, 5xx).
 * A `DecodeError` is never retried, because the same response would come back.
 */
export const isRetryable = (endpoint: Endpoint, error: MacServiceError): boolean => {
  switch (error._tag) {
    case 'TransportError':
      return endpoint !== 'leases:create' || error.notSent;
    case 'HttpError':
      return endpoint !== 'leases:create' && error.retryable;
    case 'DecodeError':
      return false;
  }
};

/**
 * Parses a `Retry-After` header given in seconds into milliseconds. Returns
 * `undefined` when the header is missing or not a non-negative number.
 *
 * NOTE: The HTTP-date form of `Retry-After` is not read; such a response
 * falls back to the backoff delay.
 */
export const parseRetryAfter = (header: string | null | undefined): number | undefined => {
  if (header === null || header === undefined || !/^\s*\d+(?:\.\d+)?\s*$/.test(header)) {
    return undefined;
  }

  return Math.round(Number(header) * 1000);
};

/**
 * Computes the delay in milliseconds after attempt number `attempt` (from 1)
 * failed. A `Retry-After` delay is used as is, bounded by `maxDelayMs`.
 * Otherwise the delay is full jitter:
 * `random · min(maxDelayMs, baseDelayMs · 2^(attempt-1))`, rounded down.
 *
 * @param random - a number in [0, 1), as `Math.random` returns.
 */
export const retryDelay = (
  policy: RetryPolicy,
  attempt: number,
  random: number,
  retryAfterMs?: number | undefined,
): number => {
  if (retryAfterMs !== undefined) {
    return Math.min(policy.maxDelayMs, retryAfterMs);
  }

  // The exponent is capped so that 0 · 2^n never becomes 0 · Infinity = NaN.
  const doublings = Math.min(Math.max(attempt - 1, 0), 60);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** doublings);
  const fraction = Number.isFinite(random) ? Math.min(Math.max(random, 0), 1) : 0;
  return Math.floor(fraction * ceiling);
};

/**
 * Checks a policy and explains the first invalid field, or returns
 * `undefined` when it is valid.
 */
export const checkRetryPolicy = (policy: RetryPolicy): string | undefined => {
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    return `retry.maxAttempts is ${String(policy.maxAttempts)}: use a whole number of at least 1 (1 means no retry)`;
  }
  if (!Number.isFinite(policy.baseDelayMs) || policy.baseDelayMs < 0) {
    return `retry.baseDelayMs is ${String(policy.baseDelayMs)}: use a number of milliseconds of at least 0`;
  }
  if (!Number.isFinite(policy.maxDelayMs) || policy.maxDelayMs < 0) {
    return `retry.maxDelayMs is ${String(policy.maxDelayMs)}: use a number of milliseconds of at least 0`;
  }
  return undefined;
};
