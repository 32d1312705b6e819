/**
 * The planner's working state, shared by its stages. None of it is public:
 * `plan()` turns it into a {@link Plan} at the end.
 *
 * Per-lease state lives in typed arrays of a {@link LeaseTable} rather than
 * in one object per lease: a plan for a million leases then allocates
 * little that the garbage collector must trace, and stages that scan every
 * lease read memory sequentially. Policies added later (disruption budgets,
 * a sanity gate, drains, surge rollouts) change `vacate` between choosing
 * vacates and choosing renewals.
 */
import type { ImageConfig, SwarmingHostConfig } from '../config-types.js';
import type { Bot, Lease } from '../domain.js';
import type { VacateReason, Warning } from '../plan-types.js';

/** The outcome of listing a swarming host's bots this cycle. */
export type ListingStatus =
  | { readonly _tag: 'Listed' }
  | { readonly _tag: 'ListingFailed'; readonly reason: string }
  | { readonly _tag: 'ListingMissing' };

/** One configured swarming host. */
export interface HostState {
  /** Position in the configuration. */
  readonly index: number;
  readonly config: SwarmingHostConfig;
  /** `<prefix>/<host>`: the project name of the host's leases. */
  readonly projectName: string;
  readonly listing: ListingStatus;
  /** Groups by image; an image configured twice maps to its first entry. */
  readonly groupsByImage: ReadonlyMap<string, GroupState>;
}

/** One configured (swarming host, image). */
export interface GroupState {
  /** Position among all groups, in configuration order. */
  readonly index: number;
  readonly host: HostState;
  readonly image: ImageConfig;
  /** The configured count as a whole number of leases (negative or non-finite counts become 0). */
  readonly want: number;
  /**
   * False for a host or image that appears a second time in the
   * configuration; such a group never creates, because its leases are
   * counted under the first entry.
   */
  readonly effective: boolean;
  /** Managed leases of this group, as positions in the snapshot's leases, in input order. */
  readonly members: number[];
  /** Members that no rule before over-count vacates; set by the vacate stage. */
  inUse: number;
}

/** The configured hosts and groups, in configuration order, and a lookup by project name. */
export interface HostIndex {
  readonly hosts: readonly HostState[];
  readonly groups: readonly GroupState[];
  readonly byProjectName: ReadonlyMap<string, HostState>;
}

/** Every bot of every successful listing, in listing order. */
export interface BotIndex {
  readonly bots: readonly Bot[];
  /** `hosts[i]` is the swarming host whose listing returned `bots[i]`. */
  readonly hosts: readonly string[];
}

/** Who owns a lease, judged from its project name; 0 marks a duplicate copy that is not planned. */
export const OWNERSHIP_NONE = 0;
export const OWNERSHIP_MANAGED = 1;
export const OWNERSHIP_UNMANAGED = 2;
export const OWNERSHIP_FOREIGN_HOST = 3;

/** The state of a lease's bot. */
export const BOT_NONE = 0;
export const BOT_DEAD = 1;
export const BOT_ALIVE = 2;

/** Vacate codes; 0 keeps the lease. `VACATE_REASONS[code]` is the reason code of the plan. */
export const VACATE_NONE = 0;
export const VACATE_NEVER_CONNECTED = 1;
export const VACATE_BOT_DEAD = 2;
export const VACATE_IMAGE_OBSOLETE = 3;
export const VACATE_OVER_COUNT = 4;
export const VACATE_REASONS: readonly (VacateReason | undefined)[] = [undefined, 'never-connected', 'bot-dead', 'image-obsolete', 'over-count'];

/**
 * Over-count victim ranks, lowest vacated first: a quarantined bot or one in
 * maintenance runs no builds; a lease with no bot yet is still booting; an
 * idle bot loses no work; a busy bot would lose its build.
 */
export const RANK_QUARANTINED = 0;
export const RANK_BOOTING = 1;
export const RANK_IDLE = 2;
export const RANK_BUSY = 3;

/**
 * Per-lease state, indexed by position in `snapshot.leases`. Only the
 * positions in `order` are planned; the other positions hold duplicate
 * copies of a lease id and have ownership `OWNERSHIP_NONE`. Stages that do
 * not depend on order walk positions in input order, which reads memory
 * sequentially; at a million leases random access to these arrays costs
 * more than the work itself.
 */
export interface LeaseTable {
  readonly leases: readonly Lease[];
  /** The copy planned for each distinct lease id, as positions in `leases`, in lease id order. */
  readonly order: Int32Array;
  /** Per position: the index in `order`, which ranks the lease by lease id; -1 for a copy not planned. */
  readonly slotOf: Int32Array;
  /** `OWNERSHIP_*`. */
  readonly ownership: Uint8Array;
  /** Position of the configured host in `HostIndex.hosts`, or -1. */
  readonly hostOf: Int32Array;
  /** Position of the group in `HostIndex.groups`, or -1 when the image is not configured for the host. */
  readonly groupOf: Int32Array;
  /** Position of the lease's preferred bot in {@link BotIndex}, or -1. */
  readonly botOf: Int32Array;
  /** `BOT_*`. */
  readonly botState: Uint8Array;
  /** `RANK_*`. */
  readonly victimRank: Uint8Array;
  /** `expires - now`, in milliseconds. */
  readonly remaining: Float64Array;
  /** `VACATE_*`, set by the vacate stage. */
  readonly vacate: Uint8Array;
  /** 1 when the renewal stage renews the lease. */
  readonly renew: Uint8Array;
  /** For foreign-host leases: the host their project names. */
  readonly foreignHosts: Map<number, string>;
}

/** Warnings collected by the stages, sorted when the plan is assembled. */
export type WarningSink = Warning[];
