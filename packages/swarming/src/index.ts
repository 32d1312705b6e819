/**
 * `@makemac/swarming`: the Swarming port of makemac over LUCI Swarming v2
 * pRPC with JSON encoding. {@link createSwarmingClient} lists the bots of a
 * pool on a swarming host and terminates bots; the token providers supply
 * the OAuth access token it sends.
 */
export {
  BOTS_SERVICE,
  createSwarmingClient,
  DEFAULT_MAX_PAGES,
  DEFAULT_PAGE_SIZE,
  DEFAULT_TIMEOUT_MS,
  type BotsMethod,
  type SwarmingClientEvent,
  type SwarmingClientOptions,
} from './client.js';
export {
  BotInfo,
  BotInfoListResponse,
  StringListPair,
  TerminateResponse,
  type BotInfoJson,
  type BotsRequestJson,
  type StringPair,
  type TerminateRequestJson,
} from './codecs.js';
export {
  decodeListBotsResponse,
  DEFAULT_OS_DIMENSION,
  defaultDimensions,
  type DecodeListBotsOptions,
  type ListBotsPage,
} from './mapping.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
export { formatRfc3339, parseRfc3339, Rfc3339Timestamp } from './timestamp.js';
export {
  googleAdcTokenProvider,
  staticToken,
  tokenFromEnv,
  tokenFromFile,
  USERINFO_EMAIL_SCOPE,
  type GoogleAdcOptions,
  type GoogleAuthLibrary,
  type GoogleAuthLike,
  type TokenFileOptions,
  type TokenProvider,
} from './token.js';
export type { FetchFunction, FetchRequestInit, FetchResponse } from './transport.js';
