/**
 * One HTTP exchange with a per-call timeout, turning every fetch failure into
 * a {@link TransportError}. The timeout covers reading the body too, and it
 * fires even when an injected fetch ignores the abort signal.
 */
import type { TransportError } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';

import { GRPC_CODE_HEADER, MAX_MESSAGE_BYTES, truncateUtf8 } from './prpc.js';

/** The response fields the adapter reads; `fetch` from Node, cross-fetch and undici all provide them. */
export interface FetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The request options the adapter passes to fetch. */
export interface FetchRequestInit {
  readonly method: 'POST';
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly signal: AbortSignal;
}

/** A WHATWG-style fetch function, reduced to what the adapter calls. */
export type FetchFunction = (url: string, init: FetchRequestInit) => Promise<FetchResponse>;

/** The parts of a complete HTTP response that pRPC needs. */
export interface HttpExchange {
  readonly httpStatus: number;
  /** The `X-Prpc-Grpc-Code` header, or null when it is missing. */
  readonly grpcCode: string | null;
  readonly body: string;
}

// Failures that happen before a connection exists, so the server never saw
// the request.
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

const errorCodes = (error: unknown, depth = 0): string[] => {
  if (typeof error !== 'object' || error === null || depth > 3) {
    return [];
  }

  const record = error as { code?: unknown; errno?: unknown; cause?: unknown; errors?: unknown };
  const own = [record.code, record.errno].filter((value): value is string => typeof value === 'string');
  const nested = Array.isArray(record.errors) ? record.errors.flatMap((inner) => errorCodes(inner, depth + 1)) : [];
  return [...own, ...errorCodes(record.cause, depth + 1), ...nested];
};

const errorMessage = (error: unknown): string => {
  if (!(error instanceof Error)) {
    return String(error);
  }
  // undici reports only "fetch failed" and puts the reason in `cause`.
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined || cause === error.message ? error.message : `${error.message}: ${cause}`;
};

/** Classifies a fetch failure as a connection {@link TransportError}, with `notSent` only when provable. */
export const connectionError = (url: string, error: unknown, redact: (text: string) => string): TransportError => {
  const codes = errorCodes(error);
  return {
    _tag: 'TransportError',
    kind: 'connection',
    url,
    message: truncateUtf8(redact(errorMessage(error)), MAX_MESSAGE_BYTES),
    notSent: codes.length > 0 && codes.every((code) => NOT_SENT_CODES.has(code)),
  };
};

/** Builds the {@link TransportError} of a call that did not complete within `timeoutMs`. */
export const timeoutError = (url: string, timeoutMs: number): TransportError => ({
  _tag: 'TransportError',
  kind: 'timeout',
  url,
  message: `timed out after ${timeoutMs} ms without a complete response`,
  notSent: false,
});

/** Settings of {@link exchange}. */
export interface ExchangeRequest {
  readonly fetch: FetchFunction;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly timeoutMs: number;
  /** Removes secrets from text that goes into an error. */
  readonly redact: (text: string) => string;
}

/** Sends one POST and reads the whole response, or fails with a {@link TransportError}. */
export const exchange = async (request: ExchangeRequest): Promise<E.Either<TransportError, HttpExchange>> => {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve('timeout');
    }, request.timeoutMs);
  });

  const send = async (): Promise<HttpExchange> => {
    const response = await request.fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
    });
    const body = await response.text();
    return { httpStatus: response.status, grpcCode: response.headers.get(GRPC_CODE_HEADER), body };
  };

  const sending = send();
  // When the timeout wins the race, the abandoned exchange may still reject.
  sending.catch(() => undefined);

  try {
    const winner = await Promise.race([sending, timedOut]);
    return winner === 'timeout' ? E.left(timeoutError(request.url, request.timeoutMs)) : E.right(winner);
  } catch (error) {
    return E.left(
      controller.signal.aborted ? timeoutError(request.url, request.timeoutMs) : connectionError(request.url, error, request.redact),
    );
  } finally {
    clearTimeout(timer);
  }
};
