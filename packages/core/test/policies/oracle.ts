/**
 * The policy rules restated for properties to compare the planner against:
 * the policy a host runs with, its managed leases, the budget and gate
 * limits they resolve to, and which leases belong to a rollout.
 */
import type { Config, CountOrPercent, HostPolicy, Lease, Plan, Snapshot } from '@makemac/core';
import { HOST_POLICY_DEFAULTS, METADATA_HOSTNAME } from '@makemac/core';

import { ownershipOf } from '../support/oracle.js';

/**
 * The copy of each lease id that the plan judges: the one that expires
 * last, then the smaller project name, image and `golang.hostname`.
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
  if (candidate.image !== current.image) return candidate.image < current.image;
  return (candidate.metadata[METADATA_HOSTNAME] ?? '') < (current.metadata[METADATA_HOSTNAME] ?? '');
};

/** The policy of `host`: its own, or the defaults. */
export const policyOf = (config: Config, host: string): HostPolicy =>
  config.swarmingHosts.find((entry) => entry.host === host)?.policy ?? HOST_POLICY_DEFAULTS;

/** The leases (planned copies) whose project names `host`. */
export const managedLeasesOf = (config: Config, snapshot: Snapshot, host: string): Lease[] =>
  [...plannedCopies(snapshot.leases).values()].filter((lease) => {
    const ownership = ownershipOf(config, lease.projectName);
    return ownership._tag === 'managed' && ownership.host === host;
  });

/** A count, or a percentage of `total` rounded as stated, computed on whole basis points. */
export const resolve = (value: CountOrPercent, total: number, rounding: 'down' | 'up'): number => {
  if (value._tag === 'Count') return value.count;
  const share = (Math.round(value.percent * 100) * total) / 10_000;
  return rounding === 'down' ? Math.floor(share) : Math.ceil(share);
};

/** The voluntary vacates and drains a host may have in one cycle. */
export const budgetOf = (config: Config, snapshot: Snapshot, host: string): number =>
  Math.max(1, resolve(policyOf(config, host).disruptionBudget, managedLeasesOf(config, snapshot, host).length, 'down'));

/** The voluntary vacates and drains of `host` in the plan. */
export const voluntaryActionsOf = (result: Plan, host: string): number =>
  result.actions.filter(
    (action) =>
      action.swarmingHost === host &&
      (action._tag === 'Drain' || (action._tag === 'Vacate' && (action.reason === 'image-obsolete' || action.reason === 'over-count'))),
  ).length;

/** The first configured entry of `hostname` on `host`. */
export interface RolloutGroup {
  readonly host: string;
  readonly hostname: string;
  readonly image: string;
  readonly count: number;
}

/** One entry per hostname per host, the first in configuration order. */
export const rolloutGroupsOf = (config: Config): RolloutGroup[] =>
  config.swarmingHosts.flatMap((host) => {
    const seen = new Set<string>();
    return host.images.flatMap((image) => {
      if (seen.has(image.hostname)) return [];
      seen.add(image.hostname);
      return [{ host: host.host, hostname: image.hostname, image: image.image, count: image.count }];
    });
  });

/** The managed leases of the group's host that run an image the host does not configure and name the group's hostname. */
export const oldLeasesOf = (config: Config, snapshot: Snapshot, group: RolloutGroup): Lease[] => {
  const configured = new Set(config.swarmingHosts.find((entry) => entry.host === group.host)?.images.map((image) => image.image));
  return managedLeasesOf(config, snapshot, group.host).filter(
    (lease) => !configured.has(lease.image) && lease.metadata[METADATA_HOSTNAME] === group.hostname,
  );
};

/** The live bots the group must keep: its count minus maxUnavailable (at least 1 unavailable when both limits resolve to 0). */
export const floorOf = (policy: HostPolicy, count: number): number => {
  const surge = resolve(policy.maxSurge, count, 'up');
  let unavailable = resolve(policy.maxUnavailable, count, 'down');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return Math.max(0, count - unavailable);
};

/** The ids of the leases the plan vacates or drains. */
export const leavingIds = (result: Plan): Set<string> =>
  new Set(result.actions.flatMap((action) => (action._tag === 'Vacate' || action._tag === 'Drain' ? [action.leaseId] : [])));
