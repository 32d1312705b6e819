/**
 * Seeds a production-shaped pool with every kind of trouble makemac must
 * handle, for demos and end-to-end tests. Next to healthy leases with live
 * bots it adds leases that never booted, dead bots, an obsolete image, a
 * group over its count and a lease still booting. It also adds other
 * projects' leases, a lease of a swarming host that is not configured, and
 * bots that match no lease.
 *
 * It takes plain data (hosts, pools, images and counts), so any
 * configuration shape with those fields can be passed in.
 */
import { METADATA_CERT, METADATA_HOSTNAME, METADATA_KEY, METADATA_SWARMING, type MetadataEntry } from '@makemac/core';

import type { Fleet } from './fleet.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** One configured image of a swarming host. */
export interface TroubledPoolImage {
  readonly hostname: string;
  readonly image: string;
  readonly count: number;
}

/** One configured swarming host. */
export interface TroubledPoolHost {
  readonly host: string;
  readonly pool: string;
  readonly images: readonly TroubledPoolImage[];
}

/** Input of {@link seedTroubledPool}. */
export interface TroubledPoolInput {
  readonly swarmingHosts: readonly TroubledPoolHost[];
  /** @defaultValue `'golang'` */
  readonly customer?: string;
  /** Managed leases get the project `<prefix>/<host>`. @defaultValue `'makemac'` */
  readonly projectPrefix?: string;
  /** Project of the leases makemac must leave alone. @defaultValue `'other-team/ci'` */
  readonly unmanagedProject?: string;
  /** A swarming host missing from the configuration. @defaultValue `'other-swarm.example.com'` */
  readonly foreignHost?: string;
  /** Boot image that no configuration lists. @defaultValue 64 hex digits of `deadbeef` */
  readonly obsoleteImage?: string;
  /** How many leases the first group has above its count. @defaultValue 2 */
  readonly overCount?: number;
}

/** The kind of trouble a seeded lease stands for. */
export type SeededLeaseKind =
  | 'healthy'
  | 'booting'
  | 'never-booted'
  | 'bot-dead'
  | 'image-obsolete'
  | 'over-count'
  | 'unmanaged'
  | 'foreign-host';

/** The kind of a seeded bot that belongs to no lease. */
export type SeededBotKind = 'bot-without-lease' | 'bot-id-unparsed';

/** One seeded lease. */
export interface SeededLease {
  readonly leaseId: string;
  readonly kind: SeededLeaseKind;
  readonly projectName: string;
  readonly image: string;
  /** The bot id of the lease, when it has a bot. */
  readonly botId?: string | undefined;
}

/** The leases and bots {@link seedTroubledPool} created. */
export interface TroubledPool {
  readonly leases: readonly SeededLease[];
  readonly bots: readonly { readonly swarmingHost: string; readonly botId: string; readonly kind: SeededBotKind }[];
  /** The group that has `overCount` leases above its count. */
  readonly overCountGroup: { readonly swarmingHost: string; readonly image: string; readonly count: number };
}

/** The default obsolete image: 64 hex digits that no real image hash is likely to have. */
export const OBSOLETE_IMAGE = 'deadbeef'.repeat(8);

const fakePem = (kind: string, hostname: string): string =>
  `-----BEGIN ${kind}-----\nemulated ${kind.toLowerCase()} of ${hostname}\n-----END ${kind}-----\n`;

/** Builds the metadata makemac writes on a lease it creates, with fake certificate and key values. */
const leaseMetadata = (swarmingHost: string, hostname: string): readonly MetadataEntry[] => [
  { key: METADATA_SWARMING, value: swarmingHost },
  { key: METADATA_HOSTNAME, value: hostname },
  { key: METADATA_CERT, value: fakePem('CERTIFICATE', hostname) },
  { key: METADATA_KEY, value: fakePem('PRIVATE KEY', hostname) },
];

/** The number of never-booted and of dead-bot leases in a group of `count`. */
const troubleShare = (count: number): number => (count >= 3 ? Math.max(1, Math.floor(count / 10)) : 0);

/**
 * Fills the fleet of `target` with a troubled pool at the current virtual
 * time and returns what it created. Every kind of {@link SeededLeaseKind} and
 * {@link SeededBotKind} appears at least once. The configured groups keep
 * their counts, except the first, which has `overCount` extra leases; makemac
 * decides itself which of that group's leases are the surplus.
 *
 * Throws when no swarming host has an image with a count of at least 1.
 */
export const seedTroubledPool = (target: { readonly fleet: Fleet }, input: TroubledPoolInput): TroubledPool => {
  const fleet = target.fleet;
  const now = fleet.now();
  const customerName = input.customer ?? 'golang';
  const prefix = input.projectPrefix ?? 'makemac';
  const overCount = input.overCount ?? 2;
  const leases: SeededLease[] = [];
  const bots: { swarmingHost: string; botId: string; kind: SeededBotKind }[] = [];

  const firstHost = input.swarmingHosts.find((host) => host.images.some((image) => image.count >= 1));
  const firstGroup = firstHost?.images.find((image) => image.count >= 1);
  if (firstHost === undefined || firstGroup === undefined) {
    throw new RangeError('seedTroubledPool needs at least one swarming host with an image whose count is 1 or more');
  }

  /** Adds one managed-looking lease, with a live or dead bot or none. */
  const addLease = (
    kind: SeededLeaseKind,
    swarmingHost: string,
    projectName: string,
    group: TroubledPoolImage,
    image: string,
    remaining: number,
    bot: 'live' | 'dead' | 'none' | 'boots-later',
    pool: string,
  ): void => {
    const expires = now + remaining;
    const lease = fleet.addLease({
      customerName,
      projectName,
      image,
      metadata: leaseMetadata(swarmingHost, group.hostname),
      expires,
      createdAt: Math.min(now, expires - 24 * HOUR),
      boot: bot === 'boots-later' ? 'scheduled' : 'never',
    });

    let botId: string | undefined;
    if (bot === 'live' || bot === 'dead') {
      botId = fleet.addBot({
        swarmingHost,
        leaseId: lease.leaseId,
        hostname: group.hostname,
        pool,
        isDead: bot === 'dead',
        firstSeen: lease.createdAt + 5 * MINUTE,
        lastSeen: now - 30 * MINUTE,
      }).botId;
    }
    leases.push({ leaseId: lease.leaseId, kind, projectName, image, botId });
  };

  let neverBooted = 0;
  let deadBots = 0;
  for (const host of input.swarmingHosts) {
    const projectName = `${prefix}/${host.host}`;

    for (const [index, group] of host.images.entries()) {
      const trouble = troubleShare(group.count);
      const booting = index === 0 && group.count - 2 * trouble >= 2 ? 1 : 0;
      const healthy = group.count - 2 * trouble - booting;

      // Spread expiries over 20 to 24 hours, so some leases are due for renewal and some are not.
      for (let n = 0; n < healthy; n += 1) {
        addLease('healthy', host.host, projectName, group, group.image, 20 * HOUR + ((n * 47) % 240) * MINUTE, 'live', host.pool);
      }
      for (let n = 0; n < trouble; n += 1) {
        addLease('never-booted', host.host, projectName, group, group.image, 20 * HOUR, 'none', host.pool);
        addLease('bot-dead', host.host, projectName, group, group.image, 21 * HOUR, 'dead', host.pool);
      }
      if (booting === 1) {
        addLease('booting', host.host, projectName, group, group.image, 24 * HOUR - 10 * MINUTE, 'boots-later', host.pool);
      }
      neverBooted += trouble;
      deadBots += trouble;
    }

    const hostGroup = host.images[0];
    if (hostGroup !== undefined) {
      const obsolete = input.obsoleteImage ?? OBSOLETE_IMAGE;
      addLease('image-obsolete', host.host, projectName, hostGroup, obsolete, 22 * HOUR, 'live', host.pool);
      addStrayBots(fleet, host, hostGroup, bots);
    }
  }

  // Small groups get no share of trouble, so make sure each kind exists once.
  const firstProject = `${prefix}/${firstHost.host}`;
  if (neverBooted === 0) {
    addLease('never-booted', firstHost.host, firstProject, firstGroup, firstGroup.image, 20 * HOUR, 'none', firstHost.pool);
  }
  if (deadBots === 0) {
    addLease('bot-dead', firstHost.host, firstProject, firstGroup, firstGroup.image, 21 * HOUR, 'dead', firstHost.pool);
  }
  for (let n = 0; n < overCount; n += 1) {
    addLease('over-count', firstHost.host, firstProject, firstGroup, firstGroup.image, 22 * HOUR + n * MINUTE, 'live', firstHost.pool);
  }

  const unmanagedProject = input.unmanagedProject ?? 'other-team/ci';
  for (let n = 0; n < 2; n += 1) {
    addLease('unmanaged', firstHost.host, unmanagedProject, firstGroup, firstGroup.image, (10 + n) * HOUR, 'none', firstHost.pool);
  }
  const foreignHost = input.foreignHost ?? 'other-swarm.example.com';
  addLease('foreign-host', foreignHost, `${prefix}/${foreignHost}`, firstGroup, firstGroup.image, 21 * HOUR, 'live', firstHost.pool);

  return {
    leases,
    bots,
    overCountGroup: { swarmingHost: firstHost.host, image: firstGroup.image, count: firstGroup.count },
  };
};

/** Adds a live bot whose lease does not exist and a live bot whose id names no lease. */
const addStrayBots = (
  fleet: Fleet,
  host: TroubledPoolHost,
  group: TroubledPoolImage,
  bots: { swarmingHost: string; botId: string; kind: SeededBotKind }[],
): void => {
  const orphan = fleet.addBot({
    swarmingHost: host.host,
    // A lease id that no seeded lease uses, because the fleet never issues version-0 UUIDs.
    leaseId: `00000000-0000-0000-0000-${String(bots.length).padStart(12, '0')}`,
    hostname: group.hostname,
    pool: host.pool,
  });
  bots.push({ swarmingHost: host.host, botId: orphan.botId, kind: 'bot-without-lease' });

  const unparsed = fleet.addBot({ swarmingHost: host.host, botId: `mac-mini-lab-${bots.length}`, pool: host.pool });
  bots.push({ swarmingHost: host.host, botId: unparsed.botId, kind: 'bot-id-unparsed' });
};
