/**
 * The planning rules restated independently of the planner, for properties
 * to compare against: who owns a lease, which copy of a repeated lease id
 * counts, whether a host was listed, whether a lease has a bot, and when a
 * lease is booting or due for renewal.
 */
import type { Config, Lease, Snapshot } from '@makemac/core';

/** Who a lease belongs to, judged from its project name. */
export type Ownership =
  | { readonly _tag: 'managed'; readonly host: string }
  | { readonly _tag: 'foreign-host'; readonly host: string }
  | { readonly _tag: 'unmanaged' };

/**
 * Splits the project name at its first `/`: the part before must be the
 * prefix and the rest a non-empty host. The lease is managed when that host
 * is configured, foreign-host when it is not; anything else is unmanaged.
 */
export const ownershipOf = (config: Config, projectName: string): Ownership => {
  const slash = projectName.indexOf('/');
  if (slash < 0) return { _tag: 'unmanaged' };

  const prefix = projectName.slice(0, slash);
  const host = projectName.slice(slash + 1);
  if (prefix !== config.projectPrefix || host === '') return { _tag: 'unmanaged' };

  return config.swarmingHosts.some((entry) => entry.host === host) ? { _tag: 'managed', host } : { _tag: 'foreign-host', host };
};

/**
 * The copy of each lease id that the plan judges: the one that expires
 * last, then the smaller project name, then the smaller image.
 */
export const plannedCopies = (leases: readonly Lease[]): Map<string, Lease> => {
  const copies = new Map<string, Lease>();
  for (const lease of leases) {
    const current = copies.get(lease.leaseId);
    if (current === undefined || prefersCopy(lease, current)) copies.set(lease.leaseId, lease);
  }
  return copies;
};

const prefersCopy = (candidate: Lease, current: Lease): boolean => {
  if (candidate.expires !== current.expires) return candidate.expires > current.expires;
  if (candidate.projectName !== current.projectName) return candidate.projectName < current.projectName;
  return candidate.image < current.image;
};

/** How a host's bots could be read: any failed listing wins over a successful one; no listing is missing. */
export type HostListing = 'listed' | 'failed' | 'missing';

export const listingOf = (snapshot: Snapshot, host: string): HostListing => {
  const listings = snapshot.swarming.filter((listing) => listing.swarmingHost === host);
  if (listings.length === 0) return 'missing';
  return listings.some((listing) => listing._tag === 'ListingFailed') ? 'failed' : 'listed';
};

/** The bots that name `leaseId` in the successful listings. */
export const visibleBotsOf = (snapshot: Snapshot, leaseId: string) =>
  snapshot.swarming.flatMap((listing) => (listing._tag === 'Listed' ? listing.bots.filter((bot) => bot.leaseId === leaseId) : []));

/** Whether a successful listing shows a live bot for `leaseId`. */
export const hasLiveBot = (snapshot: Snapshot, leaseId: string): boolean =>
  visibleBotsOf(snapshot, leaseId).some((bot) => !bot.isDead);

/** More than the renew duration left: the lease may have been created within the last cycle and still be booting. */
export const isBooting = (lease: Lease, now: number, renewDuration: number): boolean => lease.expires - now > renewDuration;

/** At most the renew duration left: renewing now does not shorten the lease. */
export const isRenewDue = (lease: Lease, now: number, renewDuration: number): boolean => lease.expires - now <= renewDuration;

/** The managed leases (planned copies) of one configured (host, image). */
export const groupMembers = (config: Config, snapshot: Snapshot, host: string, image: string): Lease[] =>
  [...plannedCopies(snapshot.leases).values()].filter((lease) => {
    const ownership = ownershipOf(config, lease.projectName);
    return ownership._tag === 'managed' && ownership.host === host && lease.image === image;
  });
