/**
 * Builders for planner example tests: a small configuration with two
 * swarming hosts, and leases and bots described by the few fields a test
 * cares about.
 */
import type { Bot, Config, HostPolicy, ImageConfig, Lease, Snapshot, SwarmingHostConfig, SwarmingListing } from '../src/index.js';
import { listed } from '../src/index.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** The time every example plans for. */
export const NOW = Date.UTC(2026, 2, 9, 12, 0, 0);

export const HOST_A = 'chromium-swarm.appspot.com';
export const HOST_B = 'chrome-swarming.appspot.com';

export const IMAGE_14 = 'b16a8a5f2d1e383667c3764d915551f4af56d63edd0679539703688a6b9f6754';
export const IMAGE_15 = '203520220bdfe6b42592d2ae731c9cb985768c701c569ff1bc572d1573e63ad6';
export const IMAGE_OLD = '0000000000000000000000000000000000000000000000000000000000000001';

export const imageConfig = (hostname: string, image: string, count: number): ImageConfig => ({
  hostname,
  cert: `secret:symbolic-datum-552/${hostname}-cert`,
  key: `secret:symbolic-datum-552/${hostname}-key`,
  image,
  count,
});

/**
 * A safety policy that never holds anything back: the gate never closes,
 * the budget covers every lease, rollouts may replace everything at once and
 * creates are not paced. Examples of the planner's rules use it so each
 * shows one rule alone; the policies have their own tests.
 */
export const OPEN_POLICY: HostPolicy = {
  disruptionBudget: { _tag: 'Percent', percent: 100 },
  sanityGateThreshold: { _tag: 'Percent', percent: 100 },
  sanityGateAllowance: 1_000_000,
  maxSurge: { _tag: 'Percent', percent: 100 },
  maxUnavailable: { _tag: 'Percent', percent: 100 },
  rolloutPauseThreshold: 1_000_000,
  maxCreatesPerCycle: 1_000_000,
};

export const hostConfig = (host: string, images: readonly ImageConfig[], pool = 'luci.golang.shared-workers'): SwarmingHostConfig => ({
  host,
  pool,
  images,
  policy: OPEN_POLICY,
});

/** The production defaults with the given hosts. */
export const makeConfig = (swarmingHosts: readonly SwarmingHostConfig[]): Config => ({
  customer: 'golang',
  projectPrefix: 'makemac',
  createDuration: 24 * HOUR,
  renewDuration: 23 * HOUR,
  profile: 'V1_MEDIUM_VM',
  accessLevel: 'GOLANG_OSS',
  swarmingHosts,
});

/** A lease of `host` (managed unless `projectName` says otherwise) with `remaining` time left at NOW. */
export const lease = (
  leaseId: string,
  options: { readonly host?: string; readonly image?: string; readonly remaining?: number; readonly projectName?: string } = {},
): Lease => ({
  leaseId,
  projectName: options.projectName ?? `makemac/${options.host ?? HOST_A}`,
  image: options.image ?? IMAGE_14,
  expires: NOW + (options.remaining ?? 22 * HOUR),
  metadata: {},
});

export interface BotOptions {
  readonly dead?: boolean;
  readonly taskId?: string;
  readonly quarantined?: boolean;
  readonly maintenanceMessage?: string;
  readonly hostname?: string;
}

/** A bot whose id names `leaseId`. */
export const bot = (leaseId: string, options: BotOptions = {}): Bot => ({
  botId: `${options.hostname ?? 'darwin-amd64-14'}--${leaseId}.golang.c3.macservice.goog`,
  leaseId,
  isDead: options.dead ?? false,
  taskId: options.taskId,
  quarantined: options.quarantined ?? false,
  maintenanceMessage: options.maintenanceMessage,
});

/** A snapshot at NOW. */
export const snapshot = (leases: readonly Lease[], swarming: readonly SwarmingListing[]): Snapshot => ({ now: NOW, leases, swarming });

/** Listings of HOST_A with `bots` and of HOST_B with none. */
export const listingsOfA = (bots: readonly Bot[]): SwarmingListing[] => [listed(HOST_A, bots), listed(HOST_B, [])];

/** A lease id that sorts as its number does (`00000001-0000-4000-8000-000000000000`). */
export const leaseId = (number: number): string => `${number.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
