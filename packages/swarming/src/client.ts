/**
 * The Swarming port over LUCI Swarming v2 pRPC with JSON encoding:
 * `swarming.v2.Bots/ListBots` (all pages) and `swarming.v2.Bots/TerminateBot`.
 *
 * Each attempt requests a fresh token from the token provider and sends one
 * POST with a timeout. The client reads the gRPC code header before the HTTP
 * status, decodes the body with io-ts, and retries transient failures with
 * exponential backoff. Every failure comes back as a typed error and the
 * returned `TaskEither`s never reject.
 */
import {
  REDACTED,
  type BotListing,
  type ListBotsQuery,
  type PagingError,
  type SwarmingError,
  type SwarmingPort,
  type TokenError,
  type TransportError,
} from '@makemac/core';
import crossFetch from 'cross-fetch';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type * as t from 'io-ts';

import { DEFAULT_BOT_ID_PATTERN, normalizeBotIdPattern } from './bot-id.js';
import { BotInfoListResponse, TerminateResponse, type StringPair } from './codecs.js';
import { BotMerger, defaultDimensions, listBotsRequest, toBot } from './mapping.js';
import { decodeJsonBody, GrpcCode, methodUrl, readPrpcStatus, requestHeaders } from './prpc.js';
import { DEFAULT_RETRY_POLICY, retrying, validateRetryPolicy, type RetryPolicy } from './retry.js';
import type { TokenProvider } from './token.js';
import { exchange, type FetchFunction } from './transport.js';

/** The pRPC service that both methods belong to. */
export const BOTS_SERVICE = 'swarming.v2.Bots';

/** Default number of bots per ListBots page; the server's maximum is 1000. */
export const DEFAULT_PAGE_SIZE = 1000;

/** Default maximum number of ListBots pages per listing: 100 000 bots at the default page size. */
export const DEFAULT_MAX_PAGES = 100;

/** Default timeout of one RPC attempt in milliseconds, the same 90 s as the Go Swarming client. */
export const DEFAULT_TIMEOUT_MS = 90_000;

/** The largest delay that `setTimeout` supports, in milliseconds. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** A method of the Bots service that the adapter calls. */
export type BotsMethod = 'ListBots' | 'TerminateBot';

/** A structured event for logging and metrics; the client itself never writes output. */
export type SwarmingClientEvent =
  | {
      readonly _tag: 'Retry';
      readonly method: BotsMethod;
      readonly swarmingHost: string;
      readonly url: string;
      /** The attempt that failed, counting from 1. */
      readonly attempt: number;
      /** Wait before the next attempt, in milliseconds. */
      readonly delayMs: number;
      readonly error: SwarmingError;
    }
  | {
      readonly _tag: 'Page';
      readonly swarmingHost: string;
      readonly url: string;
      /** The page number, counting from 1. */
      readonly page: number;
      /** Number of bots on this page, excluded bots included. */
      readonly bots: number;
      /** Whether the server returned a cursor, so another page follows. */
      readonly hasCursor: boolean;
      /** The server's `deathTimeout` in seconds, when it sent one. */
      readonly deathTimeoutSeconds?: number | undefined;
    };

/** Options of {@link createSwarmingClient}. */
export interface SwarmingClientOptions {
  /** Source of the OAuth access token, called before every attempt. */
  readonly tokenProvider: TokenProvider;
  /**
   * Base URLs by swarming host, for example `{ 'chromium-swarm.appspot.com': 'http://127.0.0.1:8080' }`.
   * These win over {@link SwarmingClientOptions.serviceUrl}.
   */
  readonly serviceUrls?: Readonly<Record<string, string>>;
  /**
   * Maps a swarming host to its base URL.
   *
   * @defaultValue `https://<swarming host>`
   */
  readonly serviceUrl?: (swarmingHost: string) => string;
  /**
   * The fetch function.
   *
   * @defaultValue cross-fetch
   */
  readonly fetch?: FetchFunction;
  /**
   * The ListBots dimension filter of a query. Extend the default with
   * `(query) => [...defaultDimensions(query), { key: 'cpu', value: 'arm64' }]`.
   *
   * @defaultValue {@link defaultDimensions}: the query's pool and `os=Mac`
   */
  readonly dimensions?: (query: ListBotsQuery) => readonly StringPair[];
  /**
   * Bots per ListBots page, from 1 to 1000.
   *
   * @defaultValue 1000
   */
  readonly pageSize?: number;
  /**
   * Maximum pages of one listing; a listing that needs more fails with a
   * `too-many-pages` {@link PagingError}.
   *
   * @defaultValue 100
   */
  readonly maxPages?: number;
  /**
   * Timeout of one RPC attempt in milliseconds, reading the body included.
   *
   * @defaultValue 90 000
   */
  readonly timeoutMs?: number;
  /**
   * Retry policy; missing fields take the defaults.
   *
   * @defaultValue `{ maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 60000 }`
   */
  readonly retry?: Partial<RetryPolicy>;
  /** Waits between attempts; defaults to `setTimeout`. Tests inject a fake. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Random numbers in [0, 1) for the backoff jitter; defaults to `Math.random`. */
  readonly random?: () => number;
  /**
   * The pattern of bot ids that name a lease; the first capture group is the
   * lease id. Bots that do not match are returned as excluded.
   *
   * @defaultValue `/^.*--([0-9a-f-]+)\.golang\..*\.macservice\.goog$/`
   */
  readonly botIdPattern?: RegExp;
  /** Receives retry and page events. Exceptions it throws are ignored. */
  readonly onEvent?: (event: SwarmingClientEvent) => void;
}

interface ResolvedOptions {
  readonly tokenProvider: TokenProvider;
  readonly serviceUrls: Readonly<Record<string, string>>;
  readonly serviceUrl: ((swarmingHost: string) => string) | undefined;
  readonly fetch: FetchFunction;
  readonly dimensions: (query: ListBotsQuery) => readonly StringPair[];
  readonly pageSize: number;
  readonly maxPages: number;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly botIdPattern: RegExp;
  readonly onEvent: (event: SwarmingClientEvent) => void;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns the problem with a base URL, or undefined when it is an absolute http(s) URL. */
const baseUrlProblem = (baseUrl: string): string | undefined => {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    return 'it is not an absolute URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `its scheme ${parsed.protocol} is not http: or https:`;
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    return 'it has a query or fragment';
  }
  return undefined;
};

const resolveOptions = (options: SwarmingClientOptions): ResolvedOptions => {
  if (typeof options.tokenProvider !== 'function') {
    throw new TypeError('missing tokenProvider: pass staticToken(), tokenFromEnv(), tokenFromFile() or googleAdcTokenProvider()');
  }

  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw new RangeError(`invalid pageSize ${pageSize}: expected an integer from 1 to 1000, the server's maximum`);
  }

  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  if (!Number.isInteger(maxPages) || maxPages < 1) {
    throw new RangeError(`invalid maxPages ${maxPages}: expected an integer of at least 1`);
  }

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new RangeError(`invalid timeoutMs ${timeoutMs}: expected an integer number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }

  const serviceUrls = options.serviceUrls ?? {};
  for (const [swarmingHost, baseUrl] of Object.entries(serviceUrls)) {
    const problem = baseUrlProblem(baseUrl);
    if (problem !== undefined) {
      throw new TypeError(
        `invalid serviceUrls entry for swarming host ${swarmingHost}: ${JSON.stringify(baseUrl)}: ${problem}; use a base URL such as https://${swarmingHost}`,
      );
    }
  }

  const onEvent = options.onEvent;
  return {
    tokenProvider: options.tokenProvider,
    serviceUrls,
    serviceUrl: options.serviceUrl,
    fetch: options.fetch ?? (crossFetch as unknown as FetchFunction),
    dimensions: options.dimensions ?? defaultDimensions,
    pageSize,
    maxPages,
    timeoutMs,
    retry: validateRetryPolicy({
      maxAttempts: options.retry?.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      baseDelayMs: options.retry?.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: options.retry?.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    }),
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    botIdPattern: normalizeBotIdPattern(options.botIdPattern ?? DEFAULT_BOT_ID_PATTERN),
    onEvent: (event) => {
      try {
        onEvent?.(event);
      } catch {
        // A failing event hook must not fail the call it reports on.
      }
    },
  };
};

const invalidServiceUrl = (url: string, message: string): TransportError => ({
  _tag: 'TransportError',
  kind: 'connection',
  url,
  message,
  notSent: true,
});

/** Returns the base URL of a swarming host: `serviceUrls`, then `serviceUrl`, then `https://<host>`. */
const resolveBaseUrl = (options: ResolvedOptions, swarmingHost: string): E.Either<TransportError, string> => {
  const configured = Object.hasOwn(options.serviceUrls, swarmingHost) ? options.serviceUrls[swarmingHost] : undefined;
  if (configured !== undefined) {
    return E.right(configured);
  }

  if (options.serviceUrl !== undefined) {
    const baseUrl = options.serviceUrl(swarmingHost);
    const problem = baseUrlProblem(baseUrl);
    return problem === undefined
      ? E.right(baseUrl)
      : E.left(invalidServiceUrl(baseUrl, `invalid service URL for swarming host ${swarmingHost}: ${problem}; fix the serviceUrl option`));
  }

  // A swarming host is a host name with an optional port, nothing else.
  const baseUrl = `https://${swarmingHost}`;
  let parsed: URL | undefined;
  try {
    parsed = new URL(baseUrl);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || swarmingHost === '' || parsed.host !== swarmingHost.toLowerCase() || parsed.pathname !== '/') {
    return E.left(
      invalidServiceUrl(
        baseUrl,
        `invalid swarming host ${JSON.stringify(swarmingHost)}: expected a host name such as chromium-swarm.appspot.com`,
      ),
    );
  }
  return E.right(baseUrl);
};

// An OAuth bearer token is a `b64token` (RFC 6750 section 2.1). Holding
// tokens to it also keeps them free of characters that JSON would escape,
// so redacting the raw body removes every copy of the token.
const TOKEN_PATTERN = /^[A-Za-z0-9\-._~+/]+=*$/;

const callTokenProvider = async (provider: TokenProvider): Promise<E.Either<TokenError, string>> => {
  let result: E.Either<TokenError, string>;
  try {
    result = await provider()();
  } catch (error) {
    const reason = error instanceof Error ? error.name : typeof error;
    return E.left({ _tag: 'TokenError', source: 'token provider', message: `the token provider threw (${reason}) instead of returning a TokenError`, retryable: false });
  }

  if (E.isRight(result) && !TOKEN_PATTERN.test(result.right)) {
    return E.left({
      _tag: 'TokenError',
      source: 'token provider',
      message: 'the token is empty or is not an OAuth bearer token (allowed: letters, digits, - . _ ~ + / and trailing =)',
      retryable: false,
    });
  }
  return result;
};

const redactor =
  (token: string) =>
  (text: string): string =>
    text.split(token).join(REDACTED);

/** Listing is read-only, so every transient failure is retried, timeouts and lost connections included. */
const isRetryableListing = (error: SwarmingError): boolean => {
  switch (error._tag) {
    case 'TransportError':
      return true;
    case 'RpcError':
    case 'TokenError':
      return error.retryable;
    case 'DecodeError':
    case 'PagingError':
      return false;
  }
};

/**
 * Terminating is retried only when the request provably did nothing:
 * UNAVAILABLE, a connection that was never made, or a token that was not yet
 * available. A second termination would be harmless, but a timeout may hide
 * a termination that already happened, and the next reconcile can repeat it.
 */
const isRetryableTermination = (error: SwarmingError): boolean => {
  switch (error._tag) {
    case 'TransportError':
      return error.notSent;
    case 'RpcError':
      return error.code === GrpcCode.UNAVAILABLE;
    case 'TokenError':
      return error.retryable;
    case 'DecodeError':
    case 'PagingError':
      return false;
  }
};

interface RpcCall<A> {
  readonly method: BotsMethod;
  readonly swarmingHost: string;
  readonly url: string;
  readonly request: unknown;
  readonly codec: t.Decoder<unknown, A>;
  readonly isRetryable: (error: SwarmingError) => boolean;
}

/** Runs one pRPC call with retries, returning the decoded response. */
const callRpc = <A>(options: ResolvedOptions, call: RpcCall<A>): Promise<E.Either<SwarmingError, A>> => {
  const body = JSON.stringify(call.request);

  const attempt = async (): Promise<E.Either<SwarmingError, A>> => {
    const token = await callTokenProvider(options.tokenProvider);
    if (E.isLeft(token)) {
      return token;
    }
    const redact = redactor(token.right);

    const response = await exchange({
      fetch: options.fetch,
      url: call.url,
      headers: requestHeaders(token.right, options.timeoutMs),
      body,
      timeoutMs: options.timeoutMs,
      redact,
    });
    if (E.isLeft(response)) {
      return response;
    }

    // Error text is redacted before it is cut to length, so no error carries
    // the token, not even part of it. The body of a success is decoded as sent.
    const { httpStatus, grpcCode, body: responseBody } = response.right;
    const status = readPrpcStatus({
      url: call.url,
      httpStatus,
      grpcCode: grpcCode === null ? null : redact(grpcCode),
      body: redact(responseBody),
    });
    if (E.isLeft(status)) {
      return status;
    }

    return decodeJsonBody(call.url, responseBody, call.codec, redact);
  };

  return retrying(
    {
      policy: options.retry,
      isRetryable: call.isRetryable,
      sleep: options.sleep,
      random: options.random,
      onRetry: (retry) =>
        options.onEvent({ _tag: 'Retry', method: call.method, swarmingHost: call.swarmingHost, url: call.url, ...retry }),
    },
    attempt,
  );
};

const pagingError = (url: string, reason: PagingError['reason'], pages: number): PagingError => ({
  _tag: 'PagingError',
  url,
  reason,
  pages,
});

/** Lists every page of a query, merging bots by id. */
const listAllPages = async (options: ResolvedOptions, query: ListBotsQuery): Promise<E.Either<SwarmingError, BotListing>> => {
  const baseUrl = resolveBaseUrl(options, query.swarmingHost);
  if (E.isLeft(baseUrl)) {
    return baseUrl;
  }
  const url = methodUrl(baseUrl.right, BOTS_SERVICE, 'ListBots');
  const dimensions = options.dimensions(query);

  const merger = new BotMerger();
  const sentCursors = new Set<string>();
  let cursor: string | undefined;

  for (let page = 1; ; page += 1) {
    const response = await callRpc(options, {
      method: 'ListBots',
      swarmingHost: query.swarmingHost,
      url,
      request: listBotsRequest(options.pageSize, dimensions, cursor),
      codec: BotInfoListResponse,
      isRetryable: isRetryableListing,
    });
    if (E.isLeft(response)) {
      return response;
    }

    const items = response.right.items ?? [];
    merger.add(items.map((info) => toBot(info, options.botIdPattern)));

    const next = response.right.cursor ?? '';
    options.onEvent({
      _tag: 'Page',
      swarmingHost: query.swarmingHost,
      url,
      page,
      bots: items.length,
      hasCursor: next !== '',
      deathTimeoutSeconds: response.right.deathTimeout,
    });

    if (next === '') {
      return E.right({ swarmingHost: query.swarmingHost, ...merger.result() });
    }
    // The first request had no cursor, so a cursor that was already sent means the server repeats pages.
    if (sentCursors.has(next)) {
      return E.left(pagingError(url, 'repeated-cursor', page));
    }
    if (page >= options.maxPages) {
      return E.left(pagingError(url, 'too-many-pages', page));
    }
    sentCursors.add(next);
    cursor = next;
  }
};

/** Terminates one bot. */
const terminate = async (
  options: ResolvedOptions,
  swarmingHost: string,
  botId: string,
  reason: string,
): Promise<E.Either<SwarmingError, void>> => {
  const baseUrl = resolveBaseUrl(options, swarmingHost);
  if (E.isLeft(baseUrl)) {
    return baseUrl;
  }
  const url = methodUrl(baseUrl.right, BOTS_SERVICE, 'TerminateBot');

  const response = await callRpc(options, {
    method: 'TerminateBot',
    swarmingHost,
    url,
    request: { botId, reason },
    codec: TerminateResponse,
    isRetryable: isRetryableTermination,
  });
  return E.isLeft(response) ? response : E.right(undefined);
};

/**
 * Turns an exception from an injected function (fetch, sleep, dimensions)
 * into a typed error, so the returned `TaskEither` never rejects.
 */
const neverRejecting =
  <A>(url: string, run: () => Promise<E.Either<SwarmingError, A>>): TE.TaskEither<SwarmingError, A> =>
  async () => {
    try {
      return await run();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return E.left({
        _tag: 'TransportError',
        kind: 'connection',
        url,
        message: `unexpected failure: ${reason.slice(0, 200)}`,
        notSent: false,
      });
    }
  };

/**
 * Creates a {@link SwarmingPort} that speaks Swarming v2 pRPC with JSON.
 *
 * @throws TypeError or RangeError when an option is invalid; the message names the option.
 */
export const createSwarmingClient = (options: SwarmingClientOptions): SwarmingPort => {
  const resolved = resolveOptions(options);

  return {
    listBots: (query) => neverRejecting(query.swarmingHost, () => listAllPages(resolved, query)),
    terminateBot: (swarmingHost, botId, reason) =>
      neverRejecting(swarmingHost, () => terminate(resolved, swarmingHost, botId, reason)),
  };
};
