/**
 * Builds the typed port errors (`HttpError`, `DecodeError`) from a response,
 * and decodes a successful response body with an io-ts codec. Every string
 * that goes into an error passes through the caller's scrubber first.
 */
import type { DecodeError, HttpError } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';

import type { Scrubber } from './scrub.js';
import { describeBody, describeValue } from './scrub.js';

/** Whether a request that got `status` may succeed when sent again: 429 and every 5xx. */
export const isRetryableStatus = (status: number): boolean => status === 429 || (status >= 500 && status <= 599);

/** Builds the error for a response whose status is not 200. */
export const httpError = (url: string, status: number, body: string, scrub: Scrubber): HttpError => ({
  _tag: 'HttpError',
  url: scrub(url),
  status,
  bodyExcerpt: describeBody(body, scrub),
  retryable: isRetryableStatus(status),
});

/**
 * Whether a failed `leases:vacate` response means the lease is already gone:
 * HTTP 404, or HTTP 400 or 409 whose body says "not found" or "already
 * vacated" (case-insensitive).
 *
 * NOTE: The real service's response for vacating a lease that is gone is not
 * known, so this is an assumption. A wrong base URL also gets 404, but then
 * `leases:find` fails first and no vacate is attempted.
 */
export const isLeaseAlreadyGone = (status: number, body: string): boolean => {
  if (status === 404) {
    return true;
  }
  return (status === 400 || status === 409) && /not found|already vacated/i.test(body);
};

/** Turns io-ts validation errors into a `DecodeError` for the first one, with its dotted path. */
export const decodeErrorFromValidation = (url: string, errors: t.Errors, scrub: Scrubber): DecodeError => {
  const first = errors[0];
  const context = first?.context ?? [];
  const path = context
    .map((entry) => entry.key)
    .filter((key) => key !== '')
    .join('.');
  const expected = context[context.length - 1]?.type.name ?? 'a valid value';
  return {
    _tag: 'DecodeError',
    url: scrub(url),
    path,
    expected,
    valueExcerpt: describeValue(first?.value, scrub),
  };
};

/** Builds the error for a 200 response whose body is not JSON. */
export const notJsonError = (url: string, body: string, scrub: Scrubber): DecodeError => ({
  _tag: 'DecodeError',
  url: scrub(url),
  path: '',
  expected: 'a JSON body',
  valueExcerpt: describeBody(body, scrub),
});

/** Parses `body` as JSON and decodes it with `codec`, returning a typed `DecodeError` on any failure. */
export const decodeBody = <A>(
  url: string,
  body: string,
  codec: t.Decoder<unknown, A>,
  scrub: Scrubber,
): E.Either<DecodeError, A> => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return E.left(notJsonError(url, body, scrub));
  }

  const decoded = codec.decode(json);
  return E.isLeft(decoded) ? E.left(decodeErrorFromValidation(url, decoded.left, scrub)) : E.right(decoded.right);
};
