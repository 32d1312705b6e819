/**
 * Typed errors that ports return. Adapters build them; the runtime and the
 * CLI turn them into log fields and messages. No error carries an API key,
 * a token or a resolved secret, and excerpts of bodies are bounded.
 */

/** The request never got a complete HTTP response. */
export interface TransportError {
  readonly _tag: 'TransportError';
  /** `timeout` when the per-call timeout fired, `connection` for refused, reset or DNS failures. */
  readonly kind: 'connection' | 'timeout';
  readonly url: string;
  readonly message: string;
  /**
   * True only when the request provably never reached the server (for example
   * the connection was refused), so repeating even a create is safe.
   */
  readonly notSent: boolean;
}

/** An HTTP response with an unexpected status. */
export interface HttpError {
  readonly _tag: 'HttpError';
  readonly url: string;
  readonly status: number;
  /** The start of the response body, bounded and with secrets removed. */
  readonly bodyExcerpt: string;
  /** Whether the same request may succeed later (429 and 5xx). */
  readonly retryable: boolean;
}

/** A pRPC call failed with a gRPC status code. */
export interface RpcError {
  readonly _tag: 'RpcError';
  readonly url: string;
  /** gRPC code number, for example 14 for UNAVAILABLE. */
  readonly code: number;
  /** gRPC code name, for example `UNAVAILABLE`. */
  readonly codeName: string;
  readonly httpStatus: number;
  /** The status message, bounded. */
  readonly message: string;
  readonly retryable: boolean;
}

/** A response arrived but did not have the expected shape. */
export interface DecodeError {
  readonly _tag: 'DecodeError';
  readonly url: string;
  /** The location of the problem in the body, for example `instances.3.lease.expires`. */
  readonly path: string;
  /** The expected shape at `path`. */
  readonly expected: string;
  /** A bounded excerpt of the value that was found. */
  readonly valueExcerpt: string;
}

/** Paging of a listing did not end properly. */
export interface PagingError {
  readonly _tag: 'PagingError';
  readonly url: string;
  readonly reason: 'repeated-cursor' | 'too-many-pages';
  readonly pages: number;
}

/** No access token could be obtained, so the request was not sent. */
export interface TokenError {
  readonly _tag: 'TokenError';
  /** The token source, for example `environment variable SWARMING_TOKEN`. */
  readonly source: string;
  /** The reason no token was obtained, never including a token. */
  readonly message: string;
  /** Whether asking the token provider again may succeed. */
  readonly retryable: boolean;
}

/** Errors from the MacService port. */
export type MacServiceError = TransportError | HttpError | DecodeError;

/** Errors from the Swarming port. */
export type SwarmingError = TransportError | RpcError | DecodeError | PagingError | TokenError;

/** Any error a port can return. */
export type PortError = MacServiceError | SwarmingError;

/** Describes a port error in one line, without secrets, for logs and reports. */
export const describePortError = (error: PortError): string => {
  switch (error._tag) {
    case 'TransportError':
      return `${error.kind === 'timeout' ? 'request timed out' : 'connection failed'}: ${error.url}: ${error.message}`;
    case 'HttpError':
      return `HTTP ${error.status} from ${error.url}: ${error.bodyExcerpt}`;
    case 'RpcError':
      return `${error.codeName} (gRPC code ${error.code}, HTTP ${error.httpStatus}) from ${error.url}: ${error.message}`;
    case 'DecodeError':
      return `invalid response from ${error.url} at ${error.path === '' ? '<root>' : error.path}: expected ${error.expected}, found ${error.valueExcerpt}`;
    case 'PagingError':
      return error.reason === 'repeated-cursor'
        ? `paging of ${error.url} returned a cursor it had returned before, after ${error.pages} pages`
        : `paging of ${error.url} did not end within ${error.pages} pages`;
    case 'TokenError':
      return `could not get an access token from ${error.source}: ${error.message}`;
  }
};
