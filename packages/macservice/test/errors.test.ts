/**
 * Tests of the typed errors built from responses: HTTP status handling,
 * vacate of a lease that is gone, and decode errors with their paths.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { decodeBody, httpError, isLeaseAlreadyGone, isRetryableStatus } from '../src/errors.js';
import { makeScrubber } from '../src/scrub.js';
import { WireFindResponse } from '../src/wire.js';

const URL = 'http://127.0.0.1:1/v1alpha1/leases:find';
const scrub = makeScrubber(['the-api-key-value']);

const instance = (expires: unknown) => ({ lease: { leaseId: 'a', expires } });

describe('isRetryableStatus', () => {
  it.each([
    [429, true],
    [500, true],
    [503, true],
    [599, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
    [302, false],
    [201, false],
  ])('%d gives %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });
});

describe('httpError', () => {
  it('keeps the status and a scrubbed excerpt', () => {
    expect(httpError(URL, 403, 'denied for the-api-key-value', scrub)).toStrictEqual({
      _tag: 'HttpError',
      url: URL,
      status: 403,
      bodyExcerpt: 'denied for [redacted]',
      retryable: false,
    });
  });
});

describe('isLeaseAlreadyGone', () => {
  it.each([
    [404, '', true],
    [404, '<html>', true],
    [400, '{"error":{"message":"Lease NOT FOUND"}}', true],
    [409, 'lease was already vacated', true],
    [400, 'invalid lease id', false],
    [409, 'conflict', false],
    [403, 'lease not found', false],
    [500, 'not found', false],
  ])('%d %j gives %s', (status, body, gone) => {
    expect(isLeaseAlreadyGone(status, body)).toBe(gone);
  });
});

describe('decodeBody', () => {
  it('names the path of a bad expires', () => {
    const body = JSON.stringify({
      instances: [instance('2024-03-09T14:00:00Z'), instance('2024-03-09T14:00:00Z'), instance('2024-03-09T14:00:00Z'), instance('tomorrow')],
    });

    expect(decodeBody(URL, body, WireFindResponse, scrub)).toStrictEqual(
      E.left({
        _tag: 'DecodeError',
        url: URL,
        path: 'instances.3.lease.expires',
        expected: 'RFC 3339 timestamp',
        valueExcerpt: '"tomorrow"',
      }),
    );
  });

  it('marks a missing field', () => {
    const decoded = decodeBody(URL, JSON.stringify({ instances: [{ lease: { expires: '2024-03-09T14:00:00Z' } }] }), WireFindResponse, scrub);

    expect(decoded).toStrictEqual(
      E.left({
        _tag: 'DecodeError',
        url: URL,
        path: 'instances.0.lease.leaseId',
        expected: 'non-empty string',
        valueExcerpt: '(missing)',
      }),
    );
  });

  it('reports a body that is not JSON at the root', () => {
    expect(decodeBody(URL, '{"instances":[', WireFindResponse, scrub)).toStrictEqual(
      E.left({ _tag: 'DecodeError', url: URL, path: '', expected: 'a JSON body', valueExcerpt: '{"instances":[' }),
    );
    expect(decodeBody(URL, '', WireFindResponse, scrub)).toStrictEqual(
      E.left({ _tag: 'DecodeError', url: URL, path: '', expected: 'a JSON body', valueExcerpt: '(empty body)' }),
    );
  });

  it('reports a root of the wrong type', () => {
    const decoded = decodeBody(URL, '[]', WireFindResponse, scrub);

    expect(decoded).toStrictEqual(
      E.left({ _tag: 'DecodeError', url: URL, path: '', expected: 'object (FindResponse)', valueExcerpt: '[]' }),
    );
  });

  it('redacts secret metadata inside a value excerpt', () => {
    const body = JSON.stringify({
      instances: [
        {
          lease: { leaseId: 'a', expires: '2024-03-09T14:00:00Z' },
          instanceSpecification: { metadata: { wrong: [{ key: 'golang.key', value: 'c2VjcmV0LWtleQ' }] } },
        },
      ],
    });

    const decoded = decodeBody(URL, body, WireFindResponse, scrub);

    expect(decoded).toMatchObject(E.left({ path: 'instances.0.instanceSpecification.metadata' }));
    expect(JSON.stringify(decoded)).not.toContain('c2VjcmV0LWtleQ');
  });
});
