/**
 * Options of the MacService client: their types, defaults and checks, and
 * the events the client reports through `onEvent`.
 */
import type { MacServiceError } from '@makemac/core';
import crossFetch from 'cross-fetch';

import type { RetryPolicy } from './retry.js';
import { checkRetryPolicy, DEFAULT_RETRY_POLICY } from './retry.js';
import type { FetchLike } from './transport.js';
import type { Endpoint } from './wire.js';

/** The production leases API base URL; endpoint names such as `leases:find` are appended to it. */
export const DEFAULT_BASE_URL = 'https://macservice-pa.googleapis.com/v1alpha1/';

/** Default time for one attempt, response body included: 30 s. */
export const DEFAULT_TIMEOUT_MS = 30_000;

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
      /** The error of the failed attempt, with secrets removed. */
      readonly error: MacServiceError;
    }
  | {
      /** The vacate response reported the lease as not found, which counts as vacated. */
      readonly event: 'vacate-already-gone';
      readonly endpoint: 'leases:vacate';
      readonly leaseId: string;
      readonly status: number;
      /** The start of the response body, with secrets removed. */
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
export interface ResolvedOptions {
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
    // The URL itself is left out of this message because it contains a credential.
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

/** Drops fields whose value is `undefined`, so they do not replace defaults when spread. */
const definedFields = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;

/**
 * Fills in defaults and checks every option.
 *
 * @throws TypeError or RangeError naming the invalid option and the fix.
 */
export const resolveOptions = (options: MacServiceClientOptions): ResolvedOptions => {
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
