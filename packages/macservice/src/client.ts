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
import crossFetch from 'cross-fetch';
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
import type { RetryPolicy } from './retry.js';
import { checkRetryPolicy, DEFAULT_RETRY_POLICY, isRetryable, parseRetryAfter, retryDelay } from './retry.js';
import type { Scrubber } from './scrub.js';
import { describeBody, makeScrubber } from './scrub.js';
import { isEncodableDuration } from './time.js';
import type { FetchLike, HttpAnswer } from './transport.js';
import { attempt } from './transport.js';
import type { Endpoint } from './wire.js';
import { ENDPOINTS, WireFindResponse, WireLeaseResponse, WireRenewResponse, WireVacateResponse } from './wire.js';

/** The production leases API base URL; endpoint names such as `leases:find` are appended to it. */
export const DEFAULT_BASE_URL = 'https://macservice-pa.googleapis.com/v1alpha1/';

/** Default time for one attempt, response body included: 30 s. */
export const DEFAULT_TIMEOUT_MS = 30_000;

// Enough for the cert and key of every image config of a large pool.
const MAX_REMEMBERED_SECRETS = 256;

// setTimeout fires at once for delays above 2^31 - 1 ms.
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Something the client did that a caller may want to log. */
export type MacServiceEvent =
  | {
      /** A call failed and will be sent again after `delayMs`. */
      readonly event: 'retry';
      readonly endpoint: Endpoint;
      /** The attempt that failed, counting from 1. */
      readonly attempt: number;
      readonly delayMs: number;
      /** Why the attempt failed, with secrets removed. */
      readonly error: MacServiceError;
    }
  | {
      /** `leases:vacate` answered that the lease does not exist, which counts as vacated. */
      readonly event: 'vacate-already-gone';
      readonly endpoint: 'leases:vacate';
      readonly leaseId: string;
      readonly status: number;
      /** The start of the answer, with secrets removed. */
      readonly bodyExcerpt: string;
    };

/** Options of {@link createMacServiceClient}. */
export interface MacServiceClientOptions {
  /** The MacService API key, sent as `x-goog-api-key`. Never appears in errors or events. */
  readonly apiKey: string;
  /**
   * Base URL the endpoint names are appended to, with or without a trailing
   * slash. Defaults to {@link DEFAULT_BASE_URL}.
   */
  readonly baseUrl?: string | undefined;
  /** The fetch function to use. Defaults to `cross-fetch`. */
  readonly fetch?: FetchLike | undefined;
  /** Time for one attempt (connect, headers and body), in milliseconds. Defaults to {@link DEFAULT_TIMEOUT_MS}. */
  readonly timeoutMs?: number | undefined;
  /** Retry limits; missing fields take their value from {@link DEFAULT_RETRY_POLICY}. */
  readonly retry?: Partial<RetryPolicy> | undefined;
  /** Waits between attempts. Defaults to a `setTimeout` promise; tests pass one that records delays. */
  readonly sleep?: ((milliseconds: number) => Promise<void>) | undefined;
  /** Jitter source returning a number in [0, 1). Defaults to `Math.random`. */
  readonly random?: (() => number) | undefined;
  /** Receives retry and vacate events. Exceptions it throws are ignored. */
  readonly onEvent?: ((event: MacServiceEvent) => void) | undefined;
}

/** The options after defaults were filled in and values were checked. */
interface ResolvedOptions {
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly sleep: (milliseconds: number) => Promise<void>;
  readonly random: () => number;
  readonly emit: (event: MacServiceEvent) => void;
}

/**
 * Checks a base URL and adds the trailing slash that endpoint names need.
 *
 * @throws TypeError when `baseUrl` is not an absolute http(s) URL without
 * credentials, query or fragment.
 */
export const normalizeBaseUrl = (baseUrl: string): string => {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new TypeError(`baseUrl "${baseUrl}" is not an absolute URL: use a URL such as ${DEFAULT_BASE_URL}`);
  }

  if (parsed.username !== '' || parsed.password !== '') {
    // The URL itself is left out of this message because it holds a credential.
    throw new TypeError('baseUrl contains a user name or password: remove them; the API key goes in the apiKey option');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new TypeError(`baseUrl "${baseUrl}" uses ${parsed.protocol}: use an http or https URL`);
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new TypeError(
      `baseUrl "${baseUrl}" has a query or fragment: remove it, because endpoint names are appended to the URL`,
    );
  }
  return parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`;
};

const checkApiKey = (apiKey: unknown): string => {
  if (typeof apiKey !== 'string' || apiKey.length === 0) {
    throw new TypeError('apiKey is missing or empty: pass the MacService API key');
  }
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    // The key is left out of the message because it is a secret.
    throw new TypeError(
      'apiKey contains whitespace, control or non-ASCII characters, which an HTTP header cannot carry: check for a trailing newline where the key was read',
    );
  }
  return apiKey;
};

const checkTimeout = (timeoutMs: number): number => {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new RangeError(
      `timeoutMs is ${String(timeoutMs)}: use a number of milliseconds above 0 and at most ${MAX_TIMEOUT_MS}, such as ${DEFAULT_TIMEOUT_MS}`,
    );
  }
  return timeoutMs;
};

const defaultSleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, milliseconds);
  });

/** Wraps the caller's event hook so that nothing it throws or rejects reaches the client. */
const safeEmitter =
  (onEvent: MacServiceClientOptions['onEvent']) =>
  (event: MacServiceEvent): void => {
    if (onEvent === undefined) {
      return;
    }

    try {
      const returned: unknown = onEvent(event);
      if (returned instanceof Promise) {
        returned.catch(() => undefined);
      }
    } catch {
      // A failing log hook must not fail a lease call.
    }
  };

const resolveOptions = (options: MacServiceClientOptions): ResolvedOptions => {
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...definedFields(options.retry ?? {}) };
  const problem = checkRetryPolicy(retry);
  if (problem !== undefined) {
    throw new RangeError(problem);
  }

  return {
    apiKey: checkApiKey(options.apiKey),
    baseUrl: normalizeBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL),
    fetch: options.fetch ?? (crossFetch as unknown as FetchLike),
    timeoutMs: checkTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    retry,
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    emit: safeEmitter(options.onEvent),
  };
};

/** Drops fields whose value is `undefined`, so they do not replace defaults when spread. */
const definedFields = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;

/** Turns a 200 answer into a value or `DecodeError`, and any other status into an `HttpError`. */
type Interpret<A> = (answer: HttpAnswer, url: string, scrub: Scrubber) => E.Either<MacServiceError, A>;

const decodeOk =
  <W, A>(codec: t.Decoder<unknown, W>, map: (wire: W) => A): Interpret<A> =>
  (answer, url, scrub) => {
    if (answer.status !== 200) {
      return E.left(httpError(url, answer.status, answer.body, scrub));
    }

    const decoded = decodeBody(url, answer.body, codec, scrub);
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
 * machine. A vacate answered with 404, or with 400 or 409 saying "not found"
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

  // Secret metadata values of earlier creates, so that a later answer of any
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
        const outcome = result._tag === 'Failed' ? E.left(result.error) : interpret(result.answer, url, scrub);
        if (E.isRight(outcome)) {
          return outcome;
        }

        const error = outcome.left;
        if (attemptNumber >= resolved.retry.maxAttempts || !isRetryable(endpoint, error)) {
          return outcome;
        }

        const retryAfterMs = result._tag === 'Answered' ? parseRetryAfter(result.answer.retryAfter) : undefined;
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
    const interpret: Interpret<void> = (answer, url, scrub) => {
      if (!isLeaseAlreadyGone(answer.status, answer.body)) {
        return interpretOk(answer, url, scrub);
      }

      resolved.emit({
        event: 'vacate-already-gone',
        endpoint: ENDPOINTS.vacate,
        leaseId,
        status: answer.status,
        bodyExcerpt: describeBody(answer.body, scrub),
      });
      return E.right(undefined);
    };
    return () => call(ENDPOINTS.vacate, body, currentScrubber(), interpret);
  };

  return { find, create, renew, vacate };
};
