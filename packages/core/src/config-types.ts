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
