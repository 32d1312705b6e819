/**
 * Domain types shared by every makemac package: leases as MacService reports
 * them, bots as Swarming lists them, and the snapshot the planner reads.
 *
 * Times are milliseconds since the Unix epoch and durations are milliseconds,
 * so the planner compares plain numbers and never reads a clock.
 */

/** Milliseconds since the Unix epoch (UTC). */
export type Timestamp = number;

/** A length of time in milliseconds. */
export type Duration = number;

/** Metadata keys that makemac writes on every lease it creates. */
export const METADATA_SWARMING = 'golang.swarming';
export const METADATA_HOSTNAME = 'golang.hostname';
export const METADATA_CERT = 'golang.cert';
export const METADATA_KEY = 'golang.key';

/**
 * Metadata keys whose values are secrets. Adapters replace their values with
 * {@link REDACTED} before a lease reaches the core, a plan or a log.
 */
export const SECRET_METADATA_KEYS: readonly string[] = [METADATA_CERT, METADATA_KEY];

/** The value that stands in for a secret that was removed. */
export const REDACTED = '[redacted]';

/** One MacService lease, as `leases:find` reports it. */
export interface Lease {
  /** MacService lease id, usually a lower-case UUID. */
  readonly leaseId: string;
  /** `vmResourceNamespace.projectName`; makemac tags its leases `<prefix>/<swarming host>`. */
  readonly projectName: string;
  /** Boot image: `diskSelection.imageHashes.bootSha256`, hex SHA-256. Empty when the service omits it. */
  readonly image: string;
  /** When the lease ends. */
  readonly expires: Timestamp;
  /** Instance metadata; values of {@link SECRET_METADATA_KEYS} are {@link REDACTED}. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** One Swarming bot whose id names a lease. */
export interface Bot {
  /** Swarming bot id, for example `darwin-amd64-14--<leaseId>.golang.c3.macservice.goog`. */
  readonly botId: string;
  /** Lease id parsed from the bot id. */
  readonly leaseId: string;
  /** `isDead` from ListBots; absent on the wire means alive. */
  readonly isDead: boolean;
  /** Id of the task the bot is running, or undefined when idle. */
  readonly taskId?: string | undefined;
  readonly quarantined: boolean;
  /** `maintenanceMsg`, when the bot is in maintenance. */
  readonly maintenanceMessage?: string | undefined;
  readonly firstSeen?: Timestamp | undefined;
  readonly lastSeen?: Timestamp | undefined;
  /** Values of the `os` dimension, most specific last, for example `["Mac", "Mac-14", "Mac-14.3"]`. */
  readonly os?: readonly string[] | undefined;
}

/** A bot that a listing returned but whose id names no lease. */
export interface ExcludedBot {
  readonly botId: string;
  readonly reason: string;
}

/** The outcome of listing the bots of one swarming host. */
export type SwarmingListing =
  | {
      readonly _tag: 'Listed';
      readonly swarmingHost: string;
      readonly bots: readonly Bot[];
      /** Bots whose id did not parse; the planner ignores them and reports them as warnings. */
      readonly excluded: readonly ExcludedBot[];
    }
  | {
      readonly _tag: 'ListingFailed';
      readonly swarmingHost: string;
      /** Why the listing failed, in words, with no secret in it. */
      readonly reason: string;
    };

/** Everything the planner reads in one cycle. */
export interface Snapshot {
  /** The time the plan is made for. */
  readonly now: Timestamp;
  /** Every lease that `leases:find` returned for the customer, of any project. */
  readonly leases: readonly Lease[];
  /** One listing per configured swarming host; a host with no entry counts as failed. */
  readonly swarming: readonly SwarmingListing[];
}

/** Builds a successful listing. */
export const listed = (
  swarmingHost: string,
  bots: readonly Bot[],
  excluded: readonly ExcludedBot[] = [],
): SwarmingListing => ({ _tag: 'Listed', swarmingHost, bots, excluded });

/** Builds a failed listing. */
export const listingFailed = (swarmingHost: string, reason: string): SwarmingListing => ({
  _tag: 'ListingFailed',
  swarmingHost,
  reason,
});
