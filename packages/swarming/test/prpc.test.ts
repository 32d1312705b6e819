/**
 * Unit tests and properties of the pure pRPC helpers: reading the status,
 * the XSSI guard, message truncation and backoff delays.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { grpcCodeName, methodUrl, readPrpcStatus, stripXssiPrefix, truncateUtf8 } from '../src/prpc.js';
import { backoffDelayMs } from '../src/retry.js';

const URL = 'http://127.0.0.1:1/prpc/swarming.v2.Bots/ListBots';

describe('readPrpcStatus', () => {
  it('accepts code 0 whatever the HTTP status', () => {
    expect(readPrpcStatus({ url: URL, httpStatus: 200, grpcCode: '0', body: '{}' })).toEqual(E.right(undefined));
    expect(readPrpcStatus({ url: URL, httpStatus: 500, grpcCode: '0', body: '{}' })).toEqual(E.right(undefined));
  });

  it('maps every code to its name and retryability', () => {
    const table: Array<[number, string, boolean]> = [
      [1, 'CANCELLED', false],
      [2, 'UNKNOWN', true],
      [3, 'INVALID_ARGUMENT', false],
      [4, 'DEADLINE_EXCEEDED', true],
      [5, 'NOT_FOUND', false],
      [6, 'ALREADY_EXISTS', false],
      [7, 'PERMISSION_DENIED', false],
      [8, 'RESOURCE_EXHAUSTED', true],
      [9, 'FAILED_PRECONDITION', false],
      [10, 'ABORTED', false],
      [11, 'OUT_OF_RANGE', false],
      [12, 'UNIMPLEMENTED', false],
      [13, 'INTERNAL', true],
      [14, 'UNAVAILABLE', true],
      [15, 'DATA_LOSS', false],
      [16, 'UNAUTHENTICATED', false],
      [17, 'Code(17)', false],
    ];

    for (const [code, codeName, retryable] of table) {
      const result = readPrpcStatus({ url: URL, httpStatus: 500, grpcCode: String(code), body: 'message\n' });
      expect(result).toEqual(E.left({ _tag: 'RpcError', url: URL, code, codeName, httpStatus: 500, message: 'message', retryable }));
    }
  });

  it('treats an invalid code header like a missing one', () => {
    const client = readPrpcStatus({ url: URL, httpStatus: 200, grpcCode: 'OK', body: '' });
    const server = readPrpcStatus({ url: URL, httpStatus: 502, grpcCode: 'x', body: 'gateway' });

    expect(client).toMatchObject({ left: { code: 13, retryable: false, message: 'invalid X-Prpc-Grpc-Code header "OK" in the HTTP 200 response' } });
    expect(server).toMatchObject({ left: { code: 13, retryable: true, message: 'gateway' } });
  });

  it('never throws and follows the code header', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        fc.option(fc.oneof(fc.integer({ min: 0, max: 20 }).map(String), fc.string({ maxLength: 4 })), { nil: null }),
        fc.string({ maxLength: 400 }),
        (httpStatus, grpcCode, body) => {
          const result = readPrpcStatus({ url: URL, httpStatus, grpcCode, body });

          const trimmed = grpcCode?.trim() ?? null;
          if (trimmed !== null && /^0{1,9}$/.test(trimmed)) {
            expect(result).toEqual(E.right(undefined));
            return;
          }
          expect(E.isLeft(result)).toBe(true);
          if (E.isLeft(result)) {
            expect(Buffer.byteLength(result.left.message, 'utf8')).toBeLessThanOrEqual(256);
            expect(result.left.httpStatus).toBe(httpStatus);
            if (trimmed !== null && /^\d{1,9}$/.test(trimmed)) {
              expect(result.left.code).toBe(Number(trimmed));
            }
          }
        },
      ),
    );
  });
});

describe('stripXssiPrefix', () => {
  it('removes the guard line only', () => {
    expect(stripXssiPrefix(")]}'\n{}")).toBe('{}');
    expect(stripXssiPrefix(")]}'\r\n{}")).toBe('{}');
    expect(stripXssiPrefix(")]}'{}")).toBe('{}');
    expect(stripXssiPrefix('{}')).toBe('{}');
    expect(stripXssiPrefix(" )]}'\n{}")).toBe(" )]}'\n{}");
  });
});

describe('truncateUtf8', () => {
  it('never splits a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 0, max: 300 }), (text, maxBytes) => {
        const cut = truncateUtf8(text, maxBytes);
        expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(Math.max(maxBytes, 0));
        expect(text.startsWith(cut)).toBe(true);
      }),
    );
  });
});

describe('methodUrl', () => {
  it('joins base URL and method', () => {
    expect(methodUrl('https://chromium-swarm.appspot.com', 'swarming.v2.Bots', 'ListBots')).toBe(
      'https://chromium-swarm.appspot.com/prpc/swarming.v2.Bots/ListBots',
    );
    expect(methodUrl('http://127.0.0.1:8080/base//', 'swarming.v2.Bots', 'TerminateBot')).toBe(
      'http://127.0.0.1:8080/base/prpc/swarming.v2.Bots/TerminateBot',
    );
  });
});

describe('grpcCodeName', () => {
  it('names known and unknown codes', () => {
    expect(grpcCodeName(0)).toBe('OK');
    expect(grpcCodeName(16)).toBe('UNAUTHENTICATED');
    expect(grpcCodeName(99)).toBe('Code(99)');
  });
});

describe('backoffDelayMs', () => {
  const policy = { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 60_000 };

  it('doubles up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffDelayMs(policy, attempt, () => 1))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
  });

  it('keeps at least half the delay', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, random) => {
        const capped = Math.min(60_000, 1_000 * 2 ** (attempt - 1));
        const delay = backoffDelayMs(policy, attempt, () => random);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(capped / 2));
        expect(delay).toBeLessThanOrEqual(capped);
      }),
    );
  });
});
