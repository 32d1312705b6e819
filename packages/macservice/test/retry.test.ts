/**
 * Tests of the retry policy: which errors are retried per endpoint, backoff
 * bounds and Retry-After parsing.
 */
import type { DecodeError, HttpError, TransportError } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { checkRetryPolicy, DEFAULT_RETRY_POLICY, isRetryable, parseRetryAfter, retryDelay } from '../src/retry.js';
import { ENDPOINTS } from '../src/wire.js';

const transport = (notSent: boolean, kind: 'connection' | 'timeout' = 'connection'): TransportError => ({
  _tag: 'TransportError',
  kind,
  url: 'u',
  message: 'm',
  notSent,
});
const http = (status: number): HttpError => ({
  _tag: 'HttpError',
  url: 'u',
  status,
  bodyExcerpt: '',
  retryable: status === 429 || status >= 500,
});
const decode: DecodeError = { _tag: 'DecodeError', url: 'u', path: '', expected: 'e', valueExcerpt: 'v' };

describe('isRetryable', () => {
  it.each([ENDPOINTS.find, ENDPOINTS.renew, ENDPOINTS.vacate])('%s retries transient failures only', (endpoint) => {
    expect(isRetryable(endpoint, transport(false))).toBe(true);
    expect(isRetryable(endpoint, transport(false, 'timeout'))).toBe(true);
    expect(isRetryable(endpoint, transport(true))).toBe(true);
    expect(isRetryable(endpoint, http(429))).toBe(true);
    expect(isRetryable(endpoint, http(503))).toBe(true);
    expect(isRetryable(endpoint, http(400))).toBe(false);
    expect(isRetryable(endpoint, http(403))).toBe(false);
    expect(isRetryable(endpoint, decode)).toBe(false);
  });

  it('create retries only a request that was never sent', () => {
    expect(isRetryable(ENDPOINTS.create, transport(true))).toBe(true);
    expect(isRetryable(ENDPOINTS.create, transport(false))).toBe(false);
    expect(isRetryable(ENDPOINTS.create, transport(false, 'timeout'))).toBe(false);
    expect(isRetryable(ENDPOINTS.create, http(503))).toBe(false);
    expect(isRetryable(ENDPOINTS.create, http(429))).toBe(false);
    expect(isRetryable(ENDPOINTS.create, decode)).toBe(false);
  });
});

describe('retryDelay', () => {
  it('draws from [0, min(max, base * 2^(attempt-1)))', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 500, maxDelayMs: 30_000 };

    expect(retryDelay(policy, 1, 0)).toBe(0);
    expect(retryDelay(policy, 1, 0.5)).toBe(250);
    expect(retryDelay(policy, 3, 0.5)).toBe(1000);
    expect(retryDelay(policy, 20, 0.5)).toBe(15_000);
  });

  it('stays within bounds for any attempt and random number', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (attempt, random, baseDelayMs, maxDelayMs) => {
          const policy = { maxAttempts: 5, baseDelayMs, maxDelayMs };
          const delay = retryDelay(policy, attempt, random);

          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(maxDelayMs);
          expect(delay).toBeLessThanOrEqual(baseDelayMs === 0 ? 0 : baseDelayMs * 2 ** (attempt - 1));
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });

  it('uses Retry-After bounded by the maximum delay', () => {
    expect(retryDelay(DEFAULT_RETRY_POLICY, 1, 0.9, 7000)).toBe(7000);
    expect(retryDelay(DEFAULT_RETRY_POLICY, 1, 0.9, 120_000)).toBe(30_000);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['7', 7000],
    ['0', 0],
    [' 2 ', 2000],
    ['1.5', 1500],
  ])('reads %j as %d ms', (header, milliseconds) => {
    expect(parseRetryAfter(header)).toBe(milliseconds);
  });

  it.each([null, undefined, '', '-1', 'soon', 'Wed, 21 Oct 2015 07:28:00 GMT'])('ignores %j', (header) => {
    expect(parseRetryAfter(header)).toBeUndefined();
  });
});

describe('checkRetryPolicy', () => {
  it('accepts the default policy', () => {
    expect(checkRetryPolicy(DEFAULT_RETRY_POLICY)).toBeUndefined();
  });

  it('names the invalid field and the fix', () => {
    expect(checkRetryPolicy({ ...DEFAULT_RETRY_POLICY, maxAttempts: 0 })).toMatch(/retry\.maxAttempts is 0: use a whole number/);
    expect(checkRetryPolicy({ ...DEFAULT_RETRY_POLICY, baseDelayMs: -1 })).toMatch(/retry\.baseDelayMs is -1/);
    expect(checkRetryPolicy({ ...DEFAULT_RETRY_POLICY, maxDelayMs: Number.NaN })).toMatch(/retry\.maxDelayMs is NaN/);
  });
});
