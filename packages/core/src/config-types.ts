/**
 * The decoded makemac configuration. `decodeConfig` in `config.ts` builds it
 * from JSON and rejects anything invalid; the planner trusts these values.
 */
import type { Duration } from './domain.js';

/** One boot image to keep `count` leases of on a swarming host. */
export interface ImageConfig {
  /** LUCI hostname prefix the VM takes, for example `darwin-amd64-14`. */
  readonly hostname: string;
  /** Reference to the bot certificate, for example `secret:project/name`; never the value. */
  readonly cert: string;
  /** Reference to the bot private key; never the value. */
  readonly key: string;
  /** Boot image SHA-256. */
  readonly image: string;
  /** How many leases of this image the host should have. */
  readonly count: number;
}

/** One swarming host and the images its pool should have. */
export interface SwarmingHostConfig {
  /** Host name, for example `chromium-swarm.appspot.com`. */
  readonly host: string;
  /** Swarming pool, for example `luci.golang.shared-workers`. */
  readonly pool: string;
  readonly images: readonly ImageConfig[];
  /**
   * Safety policies of this host. `decodeConfig` always fills it in, with
   * the defaults for absent keys; a configuration built in code may leave it
   * out, and the planner then applies the defaults.
   */
  readonly policy?: HostPolicy | undefined;
}

/**
 * A number of leases, given either as a count or as a percentage of a total
 * that the policy using it names (JSON `3` or `"25%"`).
 */
export type CountOrPercent =
  | { readonly _tag: 'Count'; readonly count: number }
  | { readonly _tag: 'Percent'; readonly percent: number };

/**
 * Limits on how fast the planner changes one swarming host's pool. Each is
 * described with its default in docs/policies.md.
 */
export interface HostPolicy {
  /**
   * Maximum voluntary vacates and drains (`image-obsolete`, `over-count`)
   * per cycle; a percentage is of the host's managed leases, rounded down.
   * At least 1 is always allowed.
   */
  readonly disruptionBudget: CountOrPercent;
  /**
   * Involuntary vacates (`never-connected`, `bot-dead`) above this many, or
   * above this percentage of the host's managed leases, stop every vacate
   * on the host for the cycle.
   */
  readonly sanityGateThreshold: CountOrPercent;
  /** Involuntary vacates that never stop the host, whatever the threshold. */
  readonly sanityGateAllowance: number;
  /**
   * Leases a hostname may have above its count while its image changes; a
   * percentage is of the count, rounded up.
   */
  readonly maxSurge: CountOrPercent;
  /**
   * Live bots a hostname may be short of its count while its image changes;
   * a percentage is of the count, rounded down.
   */
  readonly maxUnavailable: CountOrPercent;
  /** Failed new-image leases of a hostname that pause the replacement of its old leases. */
  readonly rolloutPauseThreshold: number;
  /** Maximum creates per cycle on the host. */
  readonly maxCreatesPerCycle: number;
}

/** The whole configuration. */
export interface Config {
  /** MacService customer, `golang` by default. */
  readonly customer: string;
  /** Managed project prefix, `makemac` by default; leases are tagged `<prefix>/<host>`. */
  readonly projectPrefix: string;
  /** Duration of a new lease, 24 h by default. */
  readonly createDuration: Duration;
  /** Duration a renewal extends a lease to, 23 h by default; shorter than `createDuration`. */
  readonly renewDuration: Duration;
  /** Machine profile of new leases, `V1_MEDIUM_VM` by default. */
  readonly profile: string;
  /** Network access level of new leases, `GOLANG_OSS` by default. */
  readonly accessLevel: string;
  readonly swarmingHosts: readonly SwarmingHostConfig[];
}
