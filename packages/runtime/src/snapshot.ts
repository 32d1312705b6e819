/**
 * Reading both services for one cycle: `leases:find` and one `ListBots` per
 * configured swarming host, all at the same time. A failed listing becomes a
 * `ListingFailed` entry of the snapshot. A failed `find` is returned on its
 * own, because without the leases there is nothing safe to plan.
 */
import {
  describePortError,
  listed,
  listingFailed,
  type Config,
  type Lease,
  type MacServiceError,
  type MacServicePort,
  type SwarmingListing,
  type SwarmingPort,
} from '@makemac/core';
import type { Either } from 'fp-ts/lib/Either.js';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';

import type { ListingError } from './report.js';

/** Failure of `find`. */
export interface FindFailure {
  /** `describePortError` of the error, or the message of an exception the port threw. */
  readonly reason: string;
  /** The port error; absent when the port threw instead of returning one. */
  readonly error?: MacServiceError | undefined;
}

/** Leases and listings one cycle read from the services. */
export interface ServiceReading {
  readonly leases: Either<FindFailure, readonly Lease[]>;
  /** One listing per configured swarming host, in configuration order. */
  readonly swarming: readonly SwarmingListing[];
  readonly listingErrors: readonly ListingError[];
}

/**
 * Runs a port task. A port's `TaskEither` must never reject. If one does
 * anyway, the exception becomes a left with its message, so one broken
 * adapter cannot crash the cycle.
 */
export const runPortTask = async <L, R>(task: TaskEither<L, R>): Promise<Either<L | Error, R>> => {
  try {
    return await task();
  } catch (cause) {
    return E.left(cause instanceof Error ? cause : new Error(String(cause)));
  }
};

const findLeases = async (
  macService: MacServicePort,
  customerName: string,
): Promise<Either<FindFailure, readonly Lease[]>> => {
  const result = await runPortTask(macService.find(customerName));
  if (E.isRight(result)) {
    return result;
  }

  const error = result.left;
  return E.left(
    error instanceof Error
      ? { reason: `leases:find threw instead of returning an error: ${error.message}` }
      : { reason: describePortError(error), error },
  );
};

const listHost = async (swarming: SwarmingPort, swarmingHost: string, pool: string): Promise<SwarmingListing> => {
  const result = await runPortTask(swarming.listBots({ swarmingHost, pool }));
  if (E.isRight(result)) {
    return listed(swarmingHost, result.right.bots, result.right.excluded);
  }

  const error = result.left;
  return listingFailed(
    swarmingHost,
    error instanceof Error ? `ListBots threw instead of returning an error: ${error.message}` : describePortError(error),
  );
};

/**
 * Calls `find` for the configured customer and `listBots` for every
 * configured swarming host concurrently, and waits for all of them.
 */
export const readServices = async (
  config: Config,
  macService: MacServicePort,
  swarming: SwarmingPort,
): Promise<ServiceReading> => {
  const [leases, listings] = await Promise.all([
    findLeases(macService, config.customer),
    Promise.all(config.swarmingHosts.map((host) => listHost(swarming, host.host, host.pool))),
  ]);

  const listingErrors: ListingError[] = [];
  for (const listing of listings) {
    if (listing._tag === 'ListingFailed') {
      listingErrors.push({ swarmingHost: listing.swarmingHost, reason: listing.reason });
    }
  }

  return { leases, swarming: listings, listingErrors };
};
