/**
 * Ports: the interfaces through which the runtime reaches MacService and
 * Swarming. The core only declares them; `@makemac/macservice` and
 * `@makemac/swarming` implement them over HTTP, and any embedding tool or test
 * can supply its own. Every method returns a `TaskEither` that never rejects:
 * failures come back as typed errors on the left.
 */
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';

import type { Bot, Duration, ExcludedBot, Lease, Timestamp } from './domain.js';
import type { MacServiceError, SwarmingError } from './errors.js';

/** `vmResourceNamespace` of a MacService lease. */
export interface Namespace {
  readonly customerName: string;
  readonly projectName: string;
  readonly subCustomerName: string;
}

/** One `instanceSpecification.metadata` entry, with its value resolved. */
export interface MetadataEntry {
  readonly key: string;
  readonly value: string;
}

/**
 * A `leases:create` request with secrets resolved. Only the runtime builds
 * these, just before the call, and adapters must keep the metadata values out
 * of errors and logs.
 */
export interface LeaseRequest {
  readonly namespace: Namespace;
  /** Boot image SHA-256 (`diskSelection.imageHashes.bootSha256`). */
  readonly image: string;
  /** Machine profile, for example `V1_MEDIUM_VM`. */
  readonly profile: string;
  /** Network access level, for example `GOLANG_OSS`. */
  readonly accessLevel: string;
  readonly duration: Duration;
  readonly metadata: readonly MetadataEntry[];
}

/** The lease that `leases:create` returned as `pendingLease`. */
export interface CreatedLease {
  readonly leaseId: string;
  readonly expires: Timestamp;
}

/** The new expiry that `leases:renew` returned. */
export interface RenewedLease {
  readonly expires: Timestamp;
}

/** The MacService leases API. */
export interface MacServicePort {
  /** Lists every lease of the customer, of every project. */
  find(customerName: string): TaskEither<MacServiceError, readonly Lease[]>;
  /** Creates one lease. */
  create(request: LeaseRequest): TaskEither<MacServiceError, CreatedLease>;
  /** Extends a lease to `duration` from now (not from its current expiry). */
  renew(leaseId: string, duration: Duration): TaskEither<MacServiceError, RenewedLease>;
  /** Ends a lease. A lease that is already gone counts as vacated. */
  vacate(leaseId: string): TaskEither<MacServiceError, void>;
}

/** Which bots to list on one swarming host. */
export interface ListBotsQuery {
  readonly swarmingHost: string;
  readonly pool: string;
}

/** The bots of one swarming host, all pages merged. */
export interface BotListing {
  readonly swarmingHost: string;
  readonly bots: readonly Bot[];
  /** Bots whose id names no lease; returned so they are reported, not lost. */
  readonly excluded: readonly ExcludedBot[];
}

/** The LUCI Swarming Bots service. */
export interface SwarmingPort {
  /** Lists the bots of a pool on one swarming host, dead ones included. */
  listBots(query: ListBotsQuery): TaskEither<SwarmingError, BotListing>;
  /** Asks a bot to shut down after its current task (`swarming.v2.Bots/TerminateBot`). */
  terminateBot(swarmingHost: string, botId: string, reason: string): TaskEither<SwarmingError, void>;
}
