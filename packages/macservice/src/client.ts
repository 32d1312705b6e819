/**
 * The MacService leases API client: implements `MacServicePort` with one POST
 * per call, a timeout per attempt and retries where repeating is safe.
 *
 * Every method returns a lazy `TaskEither` that never rejects. Failures come
 * back as `TransportError`, `HttpError` or `DecodeError`, and no error or
 * event contains the API key or the bot cert and key of a create request.
 * The client writes nothing to the console; pass `onEvent` to log retries.
 */
import type {
  CreatedLease,
  Duration,
  Lease,
  LeaseRequest,
  MacServiceError,
  MacServicePort,
  RenewedLease,
  TransportError,
} from '@makemac/core';
import { SECRET_METADATA_KEYS } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type * as t from 'io-ts';

import { decodeBody, httpError, isLeaseAlreadyGone } from './errors.js';
import {
  buildFindRequest,
  buildLeaseRequest,
  buildRenewRequest,
  buildVacateRequest,
  encodeFindRequest,
  encodeLeaseRequest,
  encodeRenewRequest,
  encodeVacateRequest,
  toCreatedLease,
  toLeases,
  toRenewedLease,
} from './mapping.js';
import type { MacServiceClientOptions } from './options.js';
import { resolveOptions } from './options.js';
import { isRetryable, parseRetryAfter, retryDelay } from './retry.js';
import type { Scrubber } from './scrub.js';
import { describeBody, makeScrubber } from './scrub.js';
import { isEncodableDuration } from './time.js';
import type { ReceivedResponse } from './transport.js';
import { attempt } from './transport.js';
import type { Endpoint } from './wire.js';
import { ENDPOINTS, WireFindResponse, WireLeaseResponse, WireRenewResponse, WireVacateResponse } from './wire.js';

// Enough for the cert and key of every image config of a large pool.
const MAX_REMEMBERED_SECRETS = 256;

/** Turns a 200 response into a value or `DecodeError`, and any other status into an `HttpError`. */
type Interpret<A> = (response: ReceivedResponse, url: string, scrub: Scrubber) => E.Either<MacServiceError, A>;

const decodeOk =
  <W, A>(codec: t.Decoder<unknown, W>, map: (wire: W) => A): Interpret<A> =>
  (response, url, scrub) => {
    if (response.status !== 200) {
      return E.left(httpError(url, response.status, response.body, scrub));
    }

    const decoded = decodeBody(url, response.body, codec, scrub);
    return E.isLeft(decoded) ? decoded : E.right(map(decoded.right));
  };

/** The error for a request that was rejected before sending, because an argument cannot be encoded. */
const notSentError = (url: string, message: string): TransportError => ({
  _tag: 'TransportError',
  kind: 'connection',
  url,
  message,
  notSent: true,
});

/**
 * Creates a client of the MacService leases API.
 *
 * Calls `POST {baseUrl}leases:find|create|renew|vacate` with a JSON body and
 * the `x-goog-api-key` header; success is status 200 with a JSON body.
 * `find`, `renew` and `vacate` are retried on 429, 5xx, timeouts and
 * connection failures; `create` only when the request never left this
 * machine. A vacate that gets 404, or 400 or 409 with "not found"
 * or "already vacated", counts as done.
 *
 * @example
 * ```ts
 * const macService = createMacServiceClient({ apiKey: process.env.MACSERVICE_API_KEY ?? '' });
 * const leases = await macService.find('golang')();
 * ```
 *
 * @throws TypeError or RangeError when an option is invalid; the message names the option and the fix.
 */
export const createMacServiceClient = (options: MacServiceClientOptions): MacServicePort => {
  const resolved = resolveOptions(options);
  const apiKeyScrubber = makeScrubber([resolved.apiKey]);

  // Secret metadata values of earlier creates, so that a later response of any
  // endpoint that echoes one (for example Find listing the lease) is scrubbed too.
  const knownSecrets = new Set<string>();
  const rememberSecrets = (values: readonly string[]): void => {
    for (const value of values) {
      knownSecrets.delete(value);
      knownSecrets.add(value);
    }
    for (const oldest of knownSecrets) {
      if (knownSecrets.size <= MAX_REMEMBERED_SECRETS) {
        break;
      }
      knownSecrets.delete(oldest);
    }
  };
  const currentScrubber = (): Scrubber =>
    knownSecrets.size === 0 ? apiKeyScrubber : makeScrubber([resolved.apiKey, ...knownSecrets]);

  const call = <A>(
    endpoint: Endpoint,
    body: string,
    scrub: Scrubber,
    interpret: Interpret<A>,
  ): Promise<E.Either<MacServiceError, A>> => {
    const url = `${resolved.baseUrl}${endpoint}`;
    const request = {
      url,
      headers: { 'Content-Type': 'application/json', 'x-goog-api-key': resolved.apiKey },
      body,
      timeoutMs: resolved.timeoutMs,
    };

    const run = async (): Promise<E.Either<MacServiceError, A>> => {
      for (let attemptNumber = 1; ; attemptNumber++) {
        const result = await attempt(resolved.fetch, request, scrub);
        const outcome = result._tag === 'Failed' ? E.left(result.error) : interpret(result.response, url, scrub);
        if (E.isRight(outcome)) {
          return outcome;
        }

        const error = outcome.left;
        if (attemptNumber >= resolved.retry.maxAttempts || !isRetryable(endpoint, error)) {
          return outcome;
        }

        const retryAfterMs = result._tag === 'Received' ? parseRetryAfter(result.response.retryAfter) : undefined;
        const delayMs = retryDelay(resolved.retry, attemptNumber, resolved.random(), retryAfterMs);
        resolved.emit({ event: 'retry', endpoint, attempt: attemptNumber, delayMs, error });
        try {
          await resolved.sleep(delayMs);
        } catch {
          // A failed wait only shortens the delay.
        }
      }
    };

    // Last guard for the never-rejects promise, for example when an injected random() throws.
    return run().catch((cause: unknown) =>
      E.left<MacServiceError, A>({
        _tag: 'TransportError',
        kind: 'connection',
        url: scrub(url),
        message: scrub(`unexpected failure: ${String(cause)}`),
        notSent: false,
      }),
    );
  };

  // NOTE: MacServiceError has no variant for an argument that cannot be
  // encoded, so such a request is reported as a TransportError that was not sent.
  const invalidDurationError = (endpoint: Endpoint, duration: Duration): TransportError =>
    notSentError(
      apiKeyScrubber(`${resolved.baseUrl}${endpoint}`),
      `request not sent: duration ${String(duration)} ms is not a finite number of milliseconds within the protobuf Duration range; pass a duration such as 86400000 (24 h)`,
    );

  const find = (customerName: string): TaskEither<MacServiceError, readonly Lease[]> => {
    const body = encodeFindRequest(buildFindRequest(customerName));
    return () => call(ENDPOINTS.find, body, currentScrubber(), decodeOk(WireFindResponse, toLeases));
  };

  const create = (request: LeaseRequest): TaskEither<MacServiceError, CreatedLease> => {
    if (!isEncodableDuration(request.duration)) {
      return async () => E.left(invalidDurationError(ENDPOINTS.create, request.duration));
    }

    const secrets = request.metadata.filter((entry) => SECRET_METADATA_KEYS.includes(entry.key)).map((entry) => entry.value);
    const body = encodeLeaseRequest(buildLeaseRequest(request));
    return () => {
      rememberSecrets(secrets);
      return call(ENDPOINTS.create, body, currentScrubber(), decodeOk(WireLeaseResponse, toCreatedLease));
    };
  };

  const renew = (leaseId: string, duration: Duration): TaskEither<MacServiceError, RenewedLease> => {
    if (!isEncodableDuration(duration)) {
      return async () => E.left(invalidDurationError(ENDPOINTS.renew, duration));
    }

    const body = encodeRenewRequest(buildRenewRequest(leaseId, duration));
    return () => call(ENDPOINTS.renew, body, currentScrubber(), decodeOk(WireRenewResponse, toRenewedLease));
  };

  const vacate = (leaseId: string): TaskEither<MacServiceError, void> => {
    const body = encodeVacateRequest(buildVacateRequest(leaseId));
    const interpretOk = decodeOk(WireVacateResponse, () => undefined);
    const interpret: Interpret<void> = (response, url, scrub) => {
      if (!isLeaseAlreadyGone(response.status, response.body)) {
        return interpretOk(response, url, scrub);
      }

      resolved.emit({
        event: 'vacate-already-gone',
        endpoint: ENDPOINTS.vacate,
        leaseId,
        status: response.status,
        bodyExcerpt: describeBody(response.body, scrub),
      });
      return E.right(undefined);
    };
    return () => call(ENDPOINTS.vacate, body, currentScrubber(), interpret);
  };

  return { find, create, renew, vacate };
};
