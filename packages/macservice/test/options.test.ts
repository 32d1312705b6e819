/**
 * Tests of client option checks: each invalid option throws a message that
 * names the option and the fix, and valid base URLs are normalized.
 */
import { describe, expect, it } from 'vitest';

import { createMacServiceClient } from '../src/client.js';
import { DEFAULT_BASE_URL, normalizeBaseUrl, resolveOptions } from '../src/options.js';

const API_KEY = 'AIzaSyOptionsTestKey_0123456789';

describe('normalizeBaseUrl', () => {
  it('adds a missing trailing slash', () => {
    expect(normalizeBaseUrl('http://127.0.0.1:8080/v1alpha1')).toBe('http://127.0.0.1:8080/v1alpha1/');
    expect(normalizeBaseUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/');
  });

  it('keeps the default as is', () => {
    expect(normalizeBaseUrl(DEFAULT_BASE_URL)).toBe(DEFAULT_BASE_URL);
  });

  it.each([
    ['not a url', /is not an absolute URL/],
    ['/v1alpha1/', /is not an absolute URL/],
    ['ftp://127.0.0.1/', /uses ftp:: use an http or https URL/],
    ['http://127.0.0.1/v1alpha1/?key=x', /has a query or fragment: remove it/],
    ['http://127.0.0.1/v1alpha1/#x', /has a query or fragment/],
  ])('rejects %j', (baseUrl, message) => {
    expect(() => normalizeBaseUrl(baseUrl)).toThrow(message);
  });

  it('rejects credentials without quoting them', () => {
    expect(() => normalizeBaseUrl('http://user:p4ssw0rd@127.0.0.1/')).toThrow(/contains a user name or password/);
    expect(() => normalizeBaseUrl('http://user:p4ssw0rd@127.0.0.1/')).not.toThrow(/p4ssw0rd/);
  });
});

describe('resolveOptions', () => {
  it('fills in the defaults', () => {
    const resolved = resolveOptions({ apiKey: API_KEY });

    expect(resolved.baseUrl).toBe('https://macservice-pa.googleapis.com/v1alpha1/');
    expect(resolved.timeoutMs).toBe(30_000);
    expect(resolved.retry).toStrictEqual({ maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 });
    expect(typeof resolved.fetch).toBe('function');
  });

  it('merges a partial retry policy and ignores undefined fields', () => {
    const resolved = resolveOptions({ apiKey: API_KEY, retry: { maxAttempts: 2, baseDelayMs: undefined } });

    expect(resolved.retry).toStrictEqual({ maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 30_000 });
  });

  it.each([
    [{ apiKey: '' }, /apiKey is missing or empty/],
    [{ apiKey: `${API_KEY}\n` }, /apiKey contains whitespace/],
    [{ apiKey: 'key with space' }, /apiKey contains whitespace/],
    [{ apiKey: API_KEY, timeoutMs: 0 }, /timeoutMs is 0: use a number of milliseconds above 0/],
    [{ apiKey: API_KEY, timeoutMs: Number.POSITIVE_INFINITY }, /timeoutMs is Infinity/],
    [{ apiKey: API_KEY, timeoutMs: 2 ** 31 }, /at most 2147483647/],
    [{ apiKey: API_KEY, retry: { maxAttempts: 0 } }, /retry\.maxAttempts is 0/],
    [{ apiKey: API_KEY, retry: { maxAttempts: 1.5 } }, /retry\.maxAttempts is 1\.5/],
    [{ apiKey: API_KEY, retry: { maxDelayMs: -5 } }, /retry\.maxDelayMs is -5/],
    [{ apiKey: API_KEY, baseUrl: 'example' }, /baseUrl "example" is not an absolute URL/],
  ])('rejects %j', (options, message) => {
    expect(() => createMacServiceClient(options)).toThrow(message);
  });

  it('rejects an apiKey that is not a string', () => {
    expect(() => createMacServiceClient({ apiKey: undefined as unknown as string })).toThrow(/apiKey is missing or empty/);
  });
});
