/**
 * Public types of the fleet model: its options, the read-only views of leases
 * and bots it hands out, the inputs of its seeding methods and the events of
 * its history.
 */
import type { Duration, MetadataEntry, Namespace, Timestamp } from '@makemac/core';

/** An inclusive range of milliseconds; the fleet draws uniformly from it. */
export interface MillisecondRange {
  readonly min: Duration;
  readonly max: Duration;
}

/** Behaviour of every lease of one boot image. */
export interface ImageBehaviour {
  /** When true, leases of this image never boot, so no bot ever registers for them. */
  readonly neverBoots?: boolean;
  /** Values of the `os` dimension of bots booted from this image. */
  readonly os?: readonly string[];
}

/** Options of the {@link Fleet} model; every field has a default. */
export interface FleetOptions {
  /** Seed of every random choice the fleet makes. @defaultValue 1 */
  readonly seed?: number;
  /** The `<site>` part of bot ids `<hostname>--<leaseId>.golang.<site>.macservice.goog`. @defaultValue `'c3'` */
  readonly site?: string;
  /** The `pool` dimension of bots registered on each swarming host, by host name. */
  readonly pools?: Readonly<Record<string, string>>;
  /** The `pool` dimension on a swarming host missing from `pools`. @defaultValue `'luci.golang.shared-workers'` */
  readonly defaultPool?: string;
  /** The `os` dimension of bots whose image has no `os` in `images`. @defaultValue `['Mac', 'Mac-14', 'Mac-14.3']` */
  readonly defaultOs?: readonly string[];
  /** Time from `leases:create` to the bot registering. @defaultValue 2 to 8 minutes */
  readonly bootDelayMs?: MillisecondRange;
  /** Probability that a created lease never boots. @defaultValue 0 */
  readonly neverBootProbability?: number;
  /** Probability that a live bot crashes within any one virtual hour. @defaultValue 0 */
  readonly deathProbabilityPerHour?: number;
  /** Probability that an idle bot starts a task within any one virtual hour. @defaultValue 0 */
  readonly taskProbabilityPerHour?: number;
  /** Length of the tasks that bots start by themselves. @defaultValue 5 to 30 minutes */
  readonly taskDurationMs?: MillisecondRange;
  /** Behaviour per boot image (`bootSha256`). */
  readonly images?: Readonly<Record<string, ImageBehaviour>>;
  /**
   * Time between a bot going silent (its lease ended or it crashed) and
   * Swarming marking it dead. The real server waits its death timeout
   * (600 s by default). @defaultValue 0, so the bot is dead at once
   */
  readonly deathDetectionDelayMs?: Duration;
  /** How long a dead bot stays listed before it is dropped. @defaultValue 4 weeks and 4 hours */
  readonly deadBotRetentionMs?: Duration;
}

/** Whether a lease has booted. */
export type BootState = 'pending' | 'booted' | 'never';

/** A lease as the fleet stores it. */
export interface FleetLease {
  readonly leaseId: string;
  readonly customerName: string;
  readonly projectName: string;
  readonly subCustomerName: string;
  /** Boot image SHA-256. */
  readonly image: string;
  readonly profile: string;
  readonly accessLevel: string;
  /** Instance metadata in request order, secret values included. */
  readonly metadata: readonly MetadataEntry[];
  readonly createdAt: Timestamp;
  readonly expires: Timestamp;
  readonly boot: BootState;
}

/** One dimension of a bot, with its values sorted. */
export interface BotDimension {
  readonly key: string;
  readonly value: readonly string[];
}

/** A Swarming bot as the fleet stores it. */
export interface FleetBot {
  readonly swarmingHost: string;
  readonly botId: string;
  /** The lease the bot runs on; undefined for a bot that belongs to no lease. */
  readonly leaseId?: string | undefined;
  readonly isDead: boolean;
  /** The running task, or undefined when idle. */
  readonly taskId?: string | undefined;
  readonly quarantined: boolean;
  readonly maintenanceMsg?: string | undefined;
  readonly firstSeen: Timestamp;
  /** The current time while the bot checks in, else when it last did. */
  readonly lastSeen: Timestamp;
  /** Dimensions sorted by key. */
  readonly dimensions: readonly BotDimension[];
  /** Id of the termination task, once TerminateBot was called for this bot. */
  readonly terminationTaskId?: string | undefined;
}

/** The lease a `leases:create` request specifies. */
export interface LeaseSpecification {
  readonly namespace: Namespace;
  readonly image: string;
  readonly profile: string;
  readonly accessLevel: string;
  readonly metadata: readonly MetadataEntry[];
}

/** Input of {@link Fleet.addLease}: a lease of any project with an explicit expiry. */
export interface AddLeaseInput {
  /** @defaultValue a fresh UUID from the seeded generator */
  readonly leaseId?: string;
  /** @defaultValue `'golang'` */
  readonly customerName?: string;
  readonly projectName: string;
  /** @defaultValue `''` */
  readonly subCustomerName?: string;
  readonly image: string;
  /** @defaultValue `'V1_MEDIUM_VM'` */
  readonly profile?: string;
  /** @defaultValue `'GOLANG_OSS'` */
  readonly accessLevel?: string;
  /** Entries in order, or a record turned into entries. @defaultValue none */
  readonly metadata?: readonly MetadataEntry[] | Readonly<Record<string, string>>;
  /** Must be later than the current virtual time. */
  readonly expires: Timestamp;
  /** @defaultValue the current virtual time */
  readonly createdAt?: Timestamp;
  /**
   * `never`: no bot registers by itself (add one with {@link Fleet.addBot});
   * `now`: the bot registers at once; `scheduled`: after the boot delay, like
   * a created lease. @defaultValue `'never'`
   */
  readonly boot?: 'never' | 'now' | 'scheduled';
}

/** Input of {@link Fleet.addBot}. */
export interface AddBotInput {
  readonly swarmingHost: string;
  /** @defaultValue `<hostname>--<leaseId>.golang.<site>.macservice.goog` */
  readonly botId?: string;
  /** The lease the bot runs on. When the lease ends, a live bot dies. */
  readonly leaseId?: string;
  /** LUCI hostname prefix, used only to build the default bot id. */
  readonly hostname?: string;
  /** @defaultValue false */
  readonly isDead?: boolean;
  readonly taskId?: string;
  /** @defaultValue false */
  readonly quarantined?: boolean;
  readonly maintenanceMsg?: string;
  /** @defaultValue the current virtual time */
  readonly firstSeen?: Timestamp;
  /** Used for dead bots only, because a live bot checks in all the time. @defaultValue the current virtual time */
  readonly lastSeen?: Timestamp;
  /** @defaultValue the pool of the swarming host */
  readonly pool?: string;
  /** @defaultValue the fleet's `defaultOs` */
  readonly os?: readonly string[];
  /** More dimensions; they replace `id`, `os` or `pool` when they use those keys. */
  readonly dimensions?: Readonly<Record<string, readonly string[]>>;
}

/** Cause of a bot's death. */
export type BotDeathCause = 'lease-ended' | 'crashed' | 'killed' | 'terminated';

/** Reason a lease will not boot. */
export type BootSkipReason = 'never-boot-probability' | 'image-never-boots' | 'metadata-missing';

/** One entry of the fleet's history, in the order things happened. */
export type FleetEvent =
  | {
      readonly _tag: 'LeaseCreated';
      readonly at: Timestamp;
      readonly leaseId: string;
      readonly projectName: string;
      readonly image: string;
      readonly expires: Timestamp;
    }
  | { readonly _tag: 'LeaseRenewed'; readonly at: Timestamp; readonly leaseId: string; readonly expires: Timestamp }
  | { readonly _tag: 'LeaseVacated'; readonly at: Timestamp; readonly leaseId: string }
  | { readonly _tag: 'LeaseExpired'; readonly at: Timestamp; readonly leaseId: string }
  | { readonly _tag: 'BootSkipped'; readonly at: Timestamp; readonly leaseId: string; readonly reason: BootSkipReason }
  | {
      readonly _tag: 'BotRegistered';
      readonly at: Timestamp;
      readonly swarmingHost: string;
      readonly botId: string;
      readonly leaseId?: string | undefined;
    }
  | {
      readonly _tag: 'BotDied';
      readonly at: Timestamp;
      readonly swarmingHost: string;
      readonly botId: string;
      readonly cause: BotDeathCause;
    }
  | { readonly _tag: 'BotRemoved'; readonly at: Timestamp; readonly swarmingHost: string; readonly botId: string }
  | {
      readonly _tag: 'TaskStarted';
      readonly at: Timestamp;
      readonly swarmingHost: string;
      readonly botId: string;
      readonly taskId: string;
    }
  | {
      readonly _tag: 'TaskFinished';
      readonly at: Timestamp;
      readonly swarmingHost: string;
      readonly botId: string;
      readonly taskId: string;
    }
  | {
      readonly _tag: 'TerminationRequested';
      readonly at: Timestamp;
      readonly swarmingHost: string;
      readonly botId: string;
      readonly taskId: string;
      readonly reason: string;
    };

/** Copy of the whole fleet state at one moment, for assertions. */
export interface FleetSnapshot {
  readonly now: Timestamp;
  /** Sorted by lease id. */
  readonly leases: readonly FleetLease[];
  /** Bots per swarming host, each list sorted by bot id. */
  readonly bots: Readonly<Record<string, readonly FleetBot[]>>;
  /** Scheduled events, earliest first. */
  readonly pending: readonly { readonly at: Timestamp; readonly label: string }[];
}

/** The result of {@link Fleet.terminateBot}. */
export type TerminateResult =
  | { readonly _tag: 'TerminationQueued'; readonly taskId: string }
  | { readonly _tag: 'BotNotFound' };
