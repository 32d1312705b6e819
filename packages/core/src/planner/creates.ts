/**
 * Stage 7 of the planner: how many leases each (host, image) group needs,
 * and the create request for them. Secrets stay references here; the
 * runtime resolves them just before it calls leases:create.
 */
import type { Config } from '../config-types.js';
import { METADATA_CERT, METADATA_HOSTNAME, METADATA_KEY, METADATA_SWARMING } from '../domain.js';
import type { Action, PlannedLeaseRequest } from '../plan-types.js';
import { VACATE_NONE, type GroupState, type HostIndex, type LeaseTable } from './types.js';

/** Leases to create for one group. */
export interface GroupCreates {
  readonly group: GroupState;
  /** Kept managed leases of the group after the vacate stage. */
  readonly kept: number;
  readonly create: number;
  /** Creates the group needs that create pacing leaves for a later cycle. */
  readonly deferred: number;
}

/**
 * Counts, per group in configuration order, the leases to create: the
 * count minus the kept leases, or nothing for a host whose listing failed
 * or for a repeated host or image entry.
 */
export const chooseCreates = (table: LeaseTable, hostIndex: HostIndex): GroupCreates[] =>
  hostIndex.groups.map((group) => {
    let kept = 0;
    for (const position of group.members) if (table.vacate[position] === VACATE_NONE) kept += 1;

    const creates = group.effective && group.host.listing._tag === 'Listed' ? Math.max(0, group.want - kept) : 0;
    return { group, kept, create: creates, deferred: 0 };
  });

/**
 * Builds the `Create` actions for every group, in configuration order. Each
 * action is its own object, but the creates of a group share one immutable
 * request.
 */
export const createActions = (config: Config, creates: readonly GroupCreates[]): Action[] => {
  const actions: Action[] = [];

  for (const { group, create } of creates) {
    if (create === 0) continue;
    const request = plannedRequest(config, group);
    for (let index = 0; index < create; index += 1) {
      actions.push({
        _tag: 'Create',
        swarmingHost: group.host.config.host,
        image: group.image.image,
        hostname: group.image.hostname,
        request,
      });
    }
  }

  return actions;
};

/** The leases:create request of a group, with the metadata in the order the VM image reads it. */
const plannedRequest = (config: Config, group: GroupState): PlannedLeaseRequest => ({
  namespace: { customerName: config.customer, projectName: group.host.projectName, subCustomerName: '' },
  image: group.image.image,
  profile: config.profile,
  accessLevel: config.accessLevel,
  duration: config.createDuration,
  metadata: [
    { key: METADATA_SWARMING, value: { _tag: 'Plain', value: group.host.config.host } },
    { key: METADATA_HOSTNAME, value: { _tag: 'Plain', value: group.image.hostname } },
    { key: METADATA_CERT, value: { _tag: 'SecretReference', reference: group.image.cert } },
    { key: METADATA_KEY, value: { _tag: 'SecretReference', reference: group.image.key } },
  ],
});
