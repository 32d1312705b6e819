/**
 * Pending creates: leases this process created that `leases:find` does not
 * list yet. MacService may take a while to list a new lease. Without this
 * memory, the next cycle would count the group one short and create a second
 * lease for the same slot.
 *
 * Each cycle adds the pending leases that `find` missed to the snapshot as
 * ordinary leases, and forgets an entry once `find` lists it, once it has
 * expired, or once it is older than a maximum age. The default store lives in
 * memory, so a process restart forgets it; an embedding tool that restarts
 * often can supply a persistent {@link PendingCreateStore}.
 */
import {
  METADATA_HOSTNAME,
  METADATA_SWARMING,
  type Duration,
  type Lease,
  type Timestamp,
} from '@makemac/core';

/** One lease created by this process and not yet listed by `find`. */
export interface PendingCreate {
  readonly leaseId: string;
  readonly swarmingHost: string;
  /** `vmResourceNamespace.projectName` of the create request, `<prefix>/<swarming host>`. */
  readonly projectName: string;
  readonly image: string;
  /** The LUCI hostname prefix the VM takes. */
  readonly hostname: string;
  /** The expiry `leases:create` returned. */
  readonly expires: Timestamp;
  /** When the create returned. */
  readonly createdAt: Timestamp;
}

/**
 * Storage of pending creates between cycles. Methods may be asynchronous,
 * so an embedding tool can keep them in a file or a database.
 */
export interface PendingCreateStore {
  /** Returns every entry. */
  list(): Promise<readonly PendingCreate[]>;
  /** Adds entries, replacing any with the same lease id. */
  add(entries: readonly PendingCreate[]): Promise<void>;
  /** Removes the entries with these lease ids; unknown ids are ignored. */
  remove(leaseIds: readonly string[]): Promise<void>;
}

/** Creates a {@link PendingCreateStore} that keeps entries in memory for the life of the process. */
export const createMemoryPendingStore = (): PendingCreateStore => {
  const entries = new Map<string, PendingCreate>();
  return {
    list: async () => [...entries.values()],
    add: async (added) => {
      for (const entry of added) {
        entries.set(entry.leaseId, entry);
      }
    },
    remove: async (leaseIds) => {
      for (const leaseId of leaseIds) {
        entries.delete(leaseId);
      }
    },
  };
};

/** Reason a pending create is no longer needed. */
export type ForgetReason = 'listed' | 'expired' | 'max-age';

/** The pending creates split into those still needed and those to forget. */
export interface PendingPrune {
  /** Entries `find` did not list that are still live; they join the snapshot. */
  readonly keep: readonly PendingCreate[];
  readonly forget: readonly { readonly entry: PendingCreate; readonly reason: ForgetReason }[];
}

/**
 * Splits pending creates against the leases `find` just returned: an entry is
 * forgotten when `find` lists its lease, when the lease has expired, or when
 * it was created `maxAge` or longer ago.
 */
export const prunePending = (
  entries: readonly PendingCreate[],
  leases: readonly Lease[],
  now: Timestamp,
  maxAge: Duration,
): PendingPrune => {
  const listed = new Set(leases.map((lease) => lease.leaseId));
  const keep: PendingCreate[] = [];
  const forget: { entry: PendingCreate; reason: ForgetReason }[] = [];

  for (const entry of entries) {
    if (listed.has(entry.leaseId)) {
      forget.push({ entry, reason: 'listed' });
    } else if (entry.expires <= now) {
      forget.push({ entry, reason: 'expired' });
    } else if (now - entry.createdAt >= maxAge) {
      forget.push({ entry, reason: 'max-age' });
    } else {
      keep.push(entry);
    }
  }

  return { keep, forget };
};

/**
 * Builds the lease that stands in for a pending create in the snapshot. It
 * has the create's project and the metadata makemac writes, so the planner
 * counts it in its (swarming host, image) group like any lease `find` returned.
 */
export const pendingLease = (entry: PendingCreate): Lease => ({
  leaseId: entry.leaseId,
  projectName: entry.projectName,
  image: entry.image,
  expires: entry.expires,
  metadata: {
    [METADATA_SWARMING]: entry.swarmingHost,
    [METADATA_HOSTNAME]: entry.hostname,
  },
});
