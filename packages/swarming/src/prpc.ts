/**
 * pRPC over HTTP with JSON encoding, as pure functions: the request headers,
 * how a response's status is read, and how a JSON body is decoded.
 *
 * A pRPC server sends the gRPC status in the `X-Prpc-Grpc-Code` header and
 * a client reads it before the HTTP status. A successful JSON body starts
 * with the XSSI guard `)]}'` and a newline. An error body is the plain-text
 * status message.
 */
import type { DecodeError, RpcError } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

/** The path prefix under which pRPC servers serve their methods. */
export const PRPC_PATH_PREFIX = '/prpc';

/** The guard that pRPC servers put before a JSON response body. */
export const XSSI_PREFIX = ")]}'";

/** The header that carries the gRPC status code. */
export const GRPC_CODE_HEADER = 'X-Prpc-Grpc-Code';

/** Maximum length in UTF-8 bytes of an error message taken from a response body. */
export const MAX_MESSAGE_BYTES = 256;

/** Maximum length in characters of a value excerpt in a {@link DecodeError}. */
export const MAX_EXCERPT_CHARS = 120;

const CODE_NAMES: readonly string[] = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** gRPC status codes that the adapter refers to by name. */
export const GrpcCode = {
  OK: 0,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/**
 * Codes after which the same request may succeed later. The Go pRPC client
 * retries UNKNOWN, DEADLINE_EXCEEDED, INTERNAL and UNAVAILABLE.
 * RESOURCE_EXHAUSTED (HTTP 429) is added here because servers send it to make
 * clients slow down, not to reject the request.
 */
const RETRYABLE_CODES: ReadonlySet<number> = new Set([
  GrpcCode.UNKNOWN,
  GrpcCode.DEADLINE_EXCEEDED,
  GrpcCode.RESOURCE_EXHAUSTED,
  GrpcCode.INTERNAL,
  GrpcCode.UNAVAILABLE,
]);

/** Returns the gRPC name of a status code, or `Code(<n>)` for a number outside 0 to 16. */
export const grpcCodeName = (code: number): string => CODE_NAMES[code] ?? `Code(${code})`;

/** Whether a request that failed with this gRPC code may succeed when sent again. */
export const isRetryableCode = (code: number): boolean => RETRYABLE_CODES.has(code);

/** Builds the URL of a pRPC method under a service base URL (trailing slashes are ignored). */
export const methodUrl = (baseUrl: string, service: string, method: string): string =>
  `${baseUrl.replace(/\/+$/, '')}${PRPC_PATH_PREFIX}/${service}/${method}`;

/** Builds the headers of a JSON pRPC request. */
export const requestHeaders = (token: string, timeoutMs: number): Record<string, string> => ({
  'Content-Type': 'application/json',
  Accept: 'application/json',
  Authorization: `Bearer ${token}`,
  // The server stops work on the call when this deadline passes.
  'X-Prpc-Grpc-Timeout': `${timeoutMs}m`,
});

/** Cuts text to at most `maxBytes` UTF-8 bytes without splitting a character. */
export const truncateUtf8 = (text: string, maxBytes: number): string => {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) {
    return text;
  }

  let end = maxBytes;
  // Continuation bytes look like 0b10xxxxxx, so step back to the start of a character.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) {
    end -= 1;
  }
  return bytes.subarray(0, end).toString('utf8');
};

/** The parts of an HTTP response that decide a pRPC status. */
export interface PrpcResponse {
  readonly url: string;
  readonly httpStatus: number;
  /** The value of the `X-Prpc-Grpc-Code` header, or null when the header is missing. */
  readonly grpcCode: string | null;
  readonly body: string;
}

const rpcError = (response: PrpcResponse, code: number, message: string, retryable: boolean): RpcError => ({
  _tag: 'RpcError',
  url: response.url,
  code,
  codeName: grpcCodeName(code),
  httpStatus: response.httpStatus,
  message: truncateUtf8(message.trim(), MAX_MESSAGE_BYTES),
  retryable,
});

// A response without a usable code header comes from something other than a
// pRPC server, for example a proxy or load balancer.
const statusFromHttp = (response: PrpcResponse, problem: string): RpcError => {
  if (response.httpStatus >= 500) {
    const code = response.httpStatus === 503 ? GrpcCode.UNAVAILABLE : GrpcCode.INTERNAL;
    return rpcError(response, code, response.body, true);
  }
  const excerpt = response.body.trim();
  const message = excerpt === '' ? `${problem} in the HTTP ${response.httpStatus} response` : `${problem} in the HTTP ${response.httpStatus} response: ${excerpt}`;
  return rpcError(response, GrpcCode.INTERNAL, message, false);
};

/**
 * Reads the gRPC status of a pRPC response: right on code 0, an
 * {@link RpcError} otherwise. The code header wins over the HTTP status, as
 * in the Go pRPC client.
 */
export const readPrpcStatus = (response: PrpcResponse): E.Either<RpcError, void> => {
  if (response.grpcCode === null) {
    return E.left(statusFromHttp(response, `no ${GRPC_CODE_HEADER} header`));
  }

  const text = response.grpcCode.trim();
  if (!/^\d{1,9}$/.test(text)) {
    return E.left(statusFromHttp(response, `invalid ${GRPC_CODE_HEADER} header ${JSON.stringify(truncateUtf8(text, 32))}`));
  }

  const code = Number(text);
  if (code === GrpcCode.OK) {
    return E.right(undefined);
  }
  return E.left(rpcError(response, code, response.body, isRetryableCode(code)));
};

/** Removes the XSSI guard line from a JSON response body; a body without it is returned as it is. */
export const stripXssiPrefix = (body: string): string => {
  if (!body.startsWith(XSSI_PREFIX)) {
    return body;
  }
  return body.slice(XSSI_PREFIX.length).replace(/^\r?\n/, '');
};

/** Removes secrets from text; the identity when there are none. */
export type Redact = (text: string) => string;

const keepText: Redact = (text) => text;

/**
 * Renders a value for an error message, bounded to {@link MAX_EXCERPT_CHARS}
 * characters. Redaction runs before the cut, so no part of a secret survives.
 */
export const excerptOf = (value: unknown, redact: Redact = keepText): string => {
  if (value === undefined) {
    return 'undefined (the field is missing)';
  }

  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  text = redact(text);
  return text.length > MAX_EXCERPT_CHARS ? `${text.slice(0, MAX_EXCERPT_CHARS)}…` : text;
};

// io-ts adds a context entry for each member of an intersection or union.
// Those index keys are not part of the JSON path, so they are skipped.
const isCombinator = (type: t.Decoder<unknown, unknown>): boolean =>
  type instanceof t.IntersectionType || type instanceof t.UnionType;

/** Converts the first io-ts validation error into a {@link DecodeError} with a dotted JSON path. */
export const decodeErrorFromValidation = (url: string, errors: t.Errors, redact: Redact = keepText): DecodeError => {
  const first = errors[0];
  if (first === undefined) {
    return { _tag: 'DecodeError', url, path: '', expected: 'a valid value', valueExcerpt: '' };
  }

  const keys: string[] = [];
  let expected = first.context[0]?.type.name ?? 'a valid value';
  first.context.forEach((entry, index) => {
    const parent = index === 0 ? undefined : first.context[index - 1];
    if (index === 0 || (parent !== undefined && isCombinator(parent.type))) {
      return;
    }
    keys.push(entry.key);
    expected = entry.type.name;
  });

  return { _tag: 'DecodeError', url, path: redact(keys.join('.')), expected, valueExcerpt: excerptOf(first.value, redact) };
};

/**
 * Parses a successful pRPC JSON body (with or without the XSSI guard) and
 * decodes it. A body that is not JSON gives a {@link DecodeError} at the
 * root. `redact` cleans the text that goes into an error.
 */
export const decodeJsonBody = <A>(
  url: string,
  body: string,
  codec: t.Decoder<unknown, A>,
  redact: Redact = keepText,
): E.Either<DecodeError, A> => {
  const json = stripXssiPrefix(body);

  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // The parser's message quotes part of the input, which may hold a secret,
    // so the excerpt (redacted, then cut) shows the input instead.
    return E.left({ _tag: 'DecodeError', url, path: '', expected: `a JSON ${codec.name}`, valueExcerpt: excerptOf(json, redact) });
  }

  return E.mapLeft((errors: t.Errors) => decodeErrorFromValidation(url, errors, redact))(codec.decode(parsed));
};
