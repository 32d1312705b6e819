/**
 * Stage 1 of the planner: the configured swarming hosts, their (host, image)
 * groups, and whether each host's bots were listed this cycle.
 */
import type { Config } from '../config-types.js';
import type { SwarmingListing } from '../domain.js';
import type { GroupState, HostIndex, HostState, ListingStatus, WarningSink } from './types.js';

/**
 * Indexes the configured hosts by project name and works out each host's
 * listing status. A host that failed in any of its listings counts as
 * failed; a configured host with no listing at all counts as missing. Both
 * get a warning.
 */
export const indexHosts = (config: Config, listings: readonly SwarmingListing[], warnings: WarningSink): HostIndex => {
  const statuses = listingStatuses(listings);
  const hosts: HostState[] = [];
  const groups: GroupState[] = [];
  const byProjectName = new Map<string, HostState>();

  for (const hostConfig of config.swarmingHosts) {
    const projectName = `${config.projectPrefix}/${hostConfig.host}`;
    const listing = statuses.get(hostConfig.host) ?? { _tag: 'ListingMissing' };
    const groupsByImage = new Map<string, GroupState>();
    const host: HostState = { index: hosts.length, config: hostConfig, projectName, listing, groupsByImage };
    const hostEffective = !byProjectName.has(projectName);
    if (hostEffective) byProjectName.set(projectName, host);

    for (const image of hostConfig.images) {
      const effective = hostEffective && !groupsByImage.has(image.image);
      const want = Number.isFinite(image.count) && image.count > 0 ? Math.floor(image.count) : 0;
      const group: GroupState = { index: groups.length, host, image, want, effective, members: [], inUse: 0 };
      if (effective) groupsByImage.set(image.image, group);
      groups.push(group);
    }

    hosts.push(host);
    if (hostEffective) warnAboutListing(host, warnings);
  }

  return { hosts, groups, byProjectName };
};

/** The status per swarming host named by any listing; a failure wins over a success. */
const listingStatuses = (listings: readonly SwarmingListing[]): Map<string, ListingStatus> => {
  const statuses = new Map<string, ListingStatus>();

  for (const listing of listings) {
    const previous = statuses.get(listing.swarmingHost);
    switch (listing._tag) {
      case 'Listed':
        if (previous === undefined) statuses.set(listing.swarmingHost, { _tag: 'Listed' });
        break;
      case 'ListingFailed':
        // Of several failures keep the smallest reason, so the input order does not matter.
        if (previous?._tag !== 'ListingFailed' || listing.reason < previous.reason) {
          statuses.set(listing.swarmingHost, { _tag: 'ListingFailed', reason: listing.reason });
        }
        break;
    }
  }

  return statuses;
};

const warnAboutListing = (host: HostState, warnings: WarningSink): void => {
  const swarmingHost = host.config.host;
  const consequence = 'so no lease of this host is vacated or created this cycle; due renewals still happen';

  switch (host.listing._tag) {
    case 'Listed':
      return;
    case 'ListingFailed':
      warnings.push({
        code: 'listing-failed',
        swarmingHost,
        message: `listing the bots of ${swarmingHost} failed (${host.listing.reason}), ${consequence}`,
      });
      return;
    case 'ListingMissing':
      warnings.push({
        code: 'listing-missing',
        swarmingHost,
        message: `the snapshot has no bot listing for ${swarmingHost}, ${consequence}`,
      });
      return;
  }
};
