/**
 * A model world of leases and bots that a plan can be applied to, for
 * convergence properties: plan, apply, let time pass, plan again.
 *
 * Applying a plan does what MacService and the VMs would do. A vacated
 * lease disappears and its bots die. A renewed lease expires `duration`
 * after now. A created lease appears with a fresh id, the project and image
 * of its request, an expiry `duration` after now, and a live idle bot on its
 * swarming host. A drained lease keeps running until its task ends, and
 * then its bot is dead. Listings keep their state, so a host whose listing
 * failed stays failed.
 */
import type { Action, Bot, Config, Lease, Plan, Snapshot, SwarmingListing } from '@makemac/core';
import { REDACTED, listed, listingFailed } from '@makemac/core';

import { botIdFor } from './builders.js';
import { plannedCopies } from './oracle.js';

/** How a host appears in the world's snapshots. */
export type WorldListing = { readonly _tag: 'Listed' } | { readonly _tag: 'Failed'; readonly reason: string };

/** The leases of MacService and the bots of every swarming host at one moment. */
export interface World {
  readonly config: Config;
  readonly now: number;
  /** One lease per lease id. */
  readonly leases: readonly Lease[];
  /** Bots per swarming host, including hosts whose listing fails (their bots exist but cannot be seen). */
  readonly bots: ReadonlyMap<string, readonly Bot[]>;
  /** The hosts that appear in snapshots; a host not in this map has no listing at all. */
  readonly listings: ReadonlyMap<string, WorldListing>;
  /** Leases created so far, which numbers the next lease id. */
  readonly created: number;
}

/**
 * Builds the world a snapshot describes. A repeated lease id keeps the copy
 * the plan judges, and only the bots of successful listings are known.
 */
export const worldFromSnapshot = (config: Config, snapshot: Snapshot): World => {
  const bots = new Map<string, Bot[]>();
  const listings = new Map<string, WorldListing>();

  for (const listing of snapshot.swarming) {
    const previous = listings.get(listing.swarmingHost);
    if (listing._tag === 'ListingFailed') {
      listings.set(listing.swarmingHost, { _tag: 'Failed', reason: listing.reason });
    } else {
      if (previous === undefined) listings.set(listing.swarmingHost, { _tag: 'Listed' });
      bots.set(listing.swarmingHost, [...(bots.get(listing.swarmingHost) ?? []), ...listing.bots]);
    }
  }

  return { config, now: snapshot.now, leases: [...plannedCopies(snapshot.leases).values()], bots, listings, created: 0 };
};

/** Returns the snapshot a planner would read from the world now. */
export const snapshotOfWorld = (world: World): Snapshot => {
  const swarming: SwarmingListing[] = [];
  for (const [host, listing] of world.listings) {
    swarming.push(listing._tag === 'Listed' ? listed(host, world.bots.get(host) ?? []) : listingFailed(host, listing.reason));
  }
  return { now: world.now, leases: world.leases, swarming };
};

/** The world `milliseconds` later; leases and bots do not change on their own. */
export const advanceWorld = (world: World, milliseconds: number): World => ({ ...world, now: world.now + milliseconds });

/** Options of {@link applyPlan}. */
export interface ApplyOptions {
  /**
   * When true, every lease that no visible bot names, live or dead,
   * registers a live idle bot on the swarming host its project names, as a
   * booting VM does once it has started. A lease whose bot died stays
   * without a live bot.
   */
  readonly finishBooting?: boolean;
}

/** Returns the world after MacService and Swarming carry out every action of `plan`. */
export const applyPlan = (world: World, plan: Plan, options: ApplyOptions = {}): World => {
  const leases = new Map(world.leases.map((lease) => [lease.leaseId, lease]));
  const bots = new Map([...world.bots].map(([host, hostBots]) => [host, [...hostBots]]));
  let created = world.created;

  for (const action of plan.actions) {
    switch (action._tag) {
      case 'Vacate':
        leases.delete(action.leaseId);
        killBots(bots, action.leaseId);
        break;
      case 'Drain':
        killBots(bots, action.leaseId);
        break;
      case 'Renew': {
        const lease = leases.get(action.leaseId);
        if (lease !== undefined) leases.set(lease.leaseId, { ...lease, expires: world.now + action.duration });
        break;
      }
      case 'Create': {
        created += 1;
        const lease = createdLease(world.now, action, created);
        leases.set(lease.leaseId, lease);
        addBot(bots, action.swarmingHost, liveBot(action.hostname, lease.leaseId));
        break;
      }
    }
  }

  if (options.finishBooting === true) finishBooting(world, leases, bots);
  return { ...world, leases: [...leases.values()], bots, created };
};

/** Lease ids of created leases: UUID-shaped, numbered, and distinct from every generated id. */
export const createdLeaseId = (serial: number): string => `c0ffee00-0000-4000-8000-${String(serial).padStart(12, '0')}`;

const createdLease = (now: number, action: Extract<Action, { _tag: 'Create' }>, serial: number): Lease => {
  const metadata: Record<string, string> = {};
  for (const entry of action.request.metadata) {
    metadata[entry.key] = entry.value._tag === 'Plain' ? entry.value.value : REDACTED;
  }
  return {
    leaseId: createdLeaseId(serial),
    projectName: action.request.namespace.projectName,
    image: action.request.image,
    expires: now + action.request.duration,
    metadata,
  };
};

const liveBot = (hostname: string, leaseId: string): Bot => ({
  botId: botIdFor(hostname, leaseId),
  leaseId,
  isDead: false,
  taskId: undefined,
  quarantined: false,
  maintenanceMessage: undefined,
});

const addBot = (bots: Map<string, Bot[]>, host: string, bot: Bot): void => {
  bots.set(host, [...(bots.get(host) ?? []), bot]);
};

const killBots = (bots: Map<string, Bot[]>, leaseId: string): void => {
  for (const [host, hostBots] of bots) {
    bots.set(
      host,
      hostBots.map((bot) => (bot.leaseId === leaseId ? { ...bot, isDead: true, taskId: undefined } : bot)),
    );
  }
};

const finishBooting = (world: World, leases: ReadonlyMap<string, Lease>, bots: Map<string, Bot[]>): void => {
  const visible = new Set<string>();
  for (const [host, hostBots] of bots) {
    if (world.listings.get(host)?._tag !== 'Listed') continue;
    for (const bot of hostBots) visible.add(bot.leaseId);
  }

  for (const lease of leases.values()) {
    if (visible.has(lease.leaseId)) continue;
    const slash = lease.projectName.indexOf('/');
    if (slash < 0) continue;
    addBot(bots, lease.projectName.slice(slash + 1), liveBot('darwin-booted', lease.leaseId));
  }
};
