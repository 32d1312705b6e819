/**
 * One HTTP attempt: POST a JSON body with a timeout and read the whole
 * response, or describe why no complete response arrived as a `TransportError`.
 *
 * Works with any fetch that follows the WHATWG shape closely enough:
 * cross-fetch (node-fetch 2 under Node), Node's built-in fetch (undici) or a
 * test double. The promise this module returns never rejects.
 */
import type { TransportError } from '@makemac/core';

import type { Scrubber } from './scrub.js';

/** The part of a fetch `Response` this package reads. */
export interface FetchResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The request options this package passes to fetch. */
export interface FetchInit {
  readonly method: 'POST';
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly signal: AbortSignal;
  /** Redirects are not followed, so the API key header never goes to another host. */
  readonly redirect: 'manual';
}

/** A fetch function, such as `cross-fetch` or `globalThis.fetch`. */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponseLike>;

/** A complete HTTP response, of any status. */
export interface ReceivedResponse {
  readonly status: number;
  readonly body: string;
  /** The `Retry-After` header, when present. */
  readonly retryAfter: string | null;
}

/** The result of one attempt: a response, or the transport failure that prevented one. */
export type AttemptResult =
  | { readonly _tag: 'Received'; readonly response: ReceivedResponse }
  | { readonly _tag: 'Failed'; readonly error: TransportError };

/** The request of one attempt and its time limit. */
export interface AttemptRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Time for the whole attempt, response body included, in milliseconds. */
  readonly timeoutMs: number;
}

/**
 * Error codes that Node and undici report only while resolving the host name
 * or connecting, before any byte of the request was written.
 */
const BEFORE_SENDING_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Codes that mean "not sent" only when the failed syscall is known to be `connect`. */
const CONNECT_ONLY_CODES: ReadonlySet<string> = new Set(['EHOSTUNREACH', 'ENETUNREACH']);

const BEFORE_SENDING_SYSCALLS: ReadonlySet<string> = new Set(['connect', 'getaddrinfo']);

const MAX_CAUSE_DEPTH = 5;

interface ErrorDetails {
  readonly code: string | undefined;
  readonly syscall: string | undefined;
  readonly messages: readonly string[];
}

const stringField = (value: object, field: string): string | undefined => {
  const fieldValue = (value as Record<string, unknown>)[field];
  return typeof fieldValue === 'string' ? fieldValue : undefined;
};

/**
 * Collects the messages, the first error code and its syscall from an error
 * and its `cause` chain. undici hides the socket error in `cause`, sometimes
 * inside an `AggregateError`; node-fetch copies the code onto its own error.
 */
const errorDetails = (error: unknown): ErrorDetails => {
  const messages: string[] = [];
  let code: string | undefined;
  let syscall: string | undefined;
  let current: unknown = error;

  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current !== null && typeof current === 'object'; depth++) {
    const message = stringField(current, 'message');
    if (message !== undefined && message.length > 0 && !messages.includes(message)) {
      messages.push(message);
    }
    if (code === undefined) {
      code = stringField(current, 'code');
      syscall = stringField(current, 'syscall') ?? stringField(current, 'erroredSysCall');
    }

    const inner = (current as { errors?: unknown }).errors;
    const next = (current as { cause?: unknown }).cause;
    current = next ?? (Array.isArray(inner) ? inner[0] : undefined);
  }

  if (messages.length === 0) {
    messages.push(String(error));
  }
  return { code, syscall, messages };
};

/**
 * Tells whether a fetch failure provably happened before the request was
 * sent. That is the case when its code belongs to name resolution or connecting and,
 * if the failed syscall is known, that syscall is `connect` or `getaddrinfo`.
 */
export const failedBeforeSending = (error: unknown): boolean => {
  const { code, syscall } = errorDetails(error);
  if (code === undefined) {
    return false;
  }

  if (BEFORE_SENDING_CODES.has(code)) {
    return syscall === undefined || BEFORE_SENDING_SYSCALLS.has(syscall);
  }
  return CONNECT_ONLY_CODES.has(code) && syscall === 'connect';
};

/** Builds the `TransportError` for a fetch or body-read failure. */
export const transportError = (
  url: string,
  error: unknown,
  timedOut: boolean,
  timeoutMs: number,
  scrub: Scrubber,
): TransportError => {
  if (timedOut) {
    return {
      _tag: 'TransportError',
      kind: 'timeout',
      url: scrub(url),
      message: `no complete response within ${timeoutMs} ms`,
      notSent: false,
    };
  }

  const { code, messages } = errorDetails(error);
  const described = code !== undefined && !messages.some((message) => message.includes(code)) ? [...messages, code] : messages;
  return {
    _tag: 'TransportError',
    kind: 'connection',
    url: scrub(url),
    message: scrub(described.join(': ')),
    notSent: failedBeforeSending(error),
  };
};

/**
 * Sends one POST and reads the whole response. The timeout covers connecting,
 * the response headers and the body. Never rejects.
 */
export const attempt = async (fetch: FetchLike, request: AttemptRequest, scrub: Scrubber): Promise<AttemptResult> => {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);

  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
      redirect: 'manual',
    });
    const body = await response.text();
    const retryAfter = response.headers.get('retry-after');
    return { _tag: 'Received', response: { status: response.status, body, retryAfter } };
  } catch (error) {
    return { _tag: 'Failed', error: transportError(request.url, error, timedOut, request.timeoutMs, scrub) };
  } finally {
    clearTimeout(timer);
  }
};
