/**
 * `@makemac/macservice`: the MacService leases API adapter. It implements the
 * core's `MacServicePort` over HTTP (`createMacServiceClient`), and exports
 * the wire codecs and pure mappings it is built from, so an emulator or a
 * test can speak the same protocol.
 */
export { createMacServiceClient } from './client.js';
export {
  DEFAULT_BASE_URL,
  DEFAULT_TIMEOUT_MS,
  normalizeBaseUrl,
  type MacServiceClientOptions,
  type MacServiceEvent,
} from './options.js';
export { DEFAULT_RETRY_POLICY, isRetryable, parseRetryAfter, retryDelay, type RetryPolicy } from './retry.js';
export type { FetchInit, FetchLike, FetchResponseLike } from './transport.js';
export {
  formatDuration,
  formatTimestamp,
  isEncodableDuration,
  isTimestamp,
  MAX_DURATION_SECONDS,
  MAX_TIMESTAMP,
  MIN_TIMESTAMP,
  parseDuration,
  parseTimestamp,
} from './time.js';
export * from './wire.js';
export {
  buildFindRequest,
  buildLeaseRequest,
  buildRenewRequest,
  buildVacateRequest,
  decodeFindResponse,
  encodeFindRequest,
  encodeLeaseRequest,
  encodeRenewRequest,
  encodeVacateRequest,
  toCreatedLease,
  toLease,
  toLeases,
  toMetadataRecord,
  toRenewedLease,
} from './mapping.js';
export { isLeaseAlreadyGone, isRetryableStatus } from './errors.js';
export { makeScrubber, type Scrubber } from './scrub.js';
