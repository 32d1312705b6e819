/**
 * Laws of the planner, checked on generated worlds: ownership, one decision
 * and at most one action per lease, determinism under input order, safety
 * of healthy and booting leases, renewals that never shorten, counts that
 * add up, convergence in a model world, and renew-only hosts whose listing
 * failed. Expected values are computed here from the snapshot, not by the
 * planner's own code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Action, Bot, Config, Lease, Plan, Snapshot, SwarmingListing } from '../src/index.js';
import { plan } from '../src/index.js';
import { leaseIdOf, makeBot, shuffled, worldArbitrary, type World } from './arbitraries.js';

type Ownership = 'managed' | 'foreign-host' | 'unmanaged';

/** Ownership from the project name alone: `<prefix>/<configured host>` is managed. */
const ownershipOf = (config: Config, lease: Lease): Ownership => {
  const slash = lease.projectName.indexOf('/');
  if (slash < 0 || lease.projectName.slice(0, slash) !== config.projectPrefix) return 'unmanaged';
  const host = lease.projectName.slice(slash + 1);
  if (host === '') return 'unmanaged';
  return config.swarmingHosts.some((entry) => entry.host === host) ? 'managed' : 'foreign-host';
};

const hostOf = (lease: Lease): string => lease.projectName.slice(lease.projectName.indexOf('/') + 1);

const listedHosts = (snapshot: Snapshot): Set<string> => {
  const failed = new Set(snapshot.swarming.filter((listing) => listing._tag === 'ListingFailed').map((listing) => listing.swarmingHost));
  return new Set(snapshot.swarming.filter((listing) => listing._tag === 'Listed' && !failed.has(listing.swarmingHost)).map((listing) => listing.swarmingHost));
};

const allBots = (snapshot: Snapshot): Bot[] => snapshot.swarming.flatMap((listing) => (listing._tag === 'Listed' ? listing.bots : []));

const leaseActions = (result: Plan): Exclude<Action, { _tag: 'Create' }>[] =>
  result.actions.flatMap((action) => (action._tag === 'Create' ? [] : [action]));

/** Every lease id of the snapshot, once. */
const distinctIds = (snapshot: Snapshot): string[] => [...new Set(snapshot.leases.map((lease) => lease.leaseId))];

/** Shuffles every list in the snapshot. */
const shuffleSnapshot = (snapshot: Snapshot, seed: number): Snapshot => ({
  now: snapshot.now,
  leases: shuffled(snapshot.leases, seed),
  swarming: shuffled(
    snapshot.swarming.map((listing, index): SwarmingListing =>
      listing._tag === 'Listed'
        ? { ...listing, bots: shuffled(listing.bots, seed + index + 1), excluded: shuffled(listing.excluded, seed + index + 2) }
        : listing,
    ),
    seed + 7,
  ),
});

const worlds = worldArbitrary();
const worldsWithoutDuplicates = worldArbitrary({ duplicates: false });
const listedWorlds = worldArbitrary({ allListed: true, duplicates: false });

describe('plan properties', () => {
  it('never throws and decides each lease id once, in order', () => {
    fc.assert(
      fc.property(worlds, ({ config, snapshot }) => {
        const result = plan(config, snapshot);

        const expected = distinctIds(snapshot).sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
        expect(result.decisions.map((decision) => decision.leaseId)).toEqual(expected);
        for (const decision of result.decisions) expect(decision.detail).not.toBe('');
      }),
    );
  });

  it('never touches a lease it does not manage', () => {
    fc.assert(
      fc.property(worlds, ({ config, snapshot }) => {
        const result = plan(config, snapshot);

        const managedIds = new Set(snapshot.leases.filter((lease) => ownershipOf(config, lease) === 'managed').map((lease) => lease.leaseId));
        for (const action of leaseActions(result)) expect(managedIds).toContain(action.leaseId);
        for (const decision of result.decisions) {
          if (decision.decision === 'skip') expect(leaseActions(result).filter((action) => action.leaseId === decision.leaseId)).toEqual([]);
        }
      }),
    );
  });

  it('skips exactly the unmanaged and foreign-host leases', () => {
    fc.assert(
      fc.property(worldsWithoutDuplicates, ({ config, snapshot }) => {
        const result = plan(config, snapshot);

        for (const lease of snapshot.leases) {
          const decision = result.decisions.find((item) => item.leaseId === lease.leaseId);
          const ownership = ownershipOf(config, lease);
          if (ownership === 'managed') expect(decision?.decision).not.toBe('skip');
          else expect(decision).toMatchObject({ decision: 'skip', reason: ownership });
        }
      }),
    );
  });

  it('gives each lease at most one action', () => {
    fc.assert(
      fc.property(worlds, ({ config, snapshot }) => {
        const ids = leaseActions(plan(config, snapshot)).map((action) => action.leaseId);

        expect(new Set(ids).size).toBe(ids.length);
      }),
    );
  });

  it('matches actions to decisions', () => {
    fc.assert(
      fc.property(worlds, ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const actionKinds = new Map(leaseActions(result).map((action) => [action.leaseId, action._tag]));

        const actionOfDecision = { vacate: 'Vacate', drain: 'Drain', renew: 'Renew', keep: undefined, skip: undefined } as const;
        for (const decision of result.decisions) expect(actionKinds.get(decision.leaseId)).toBe(actionOfDecision[decision.decision]);
      }),
    );
  });

  it('returns the same plan for shuffled input', () => {
    fc.assert(
      fc.property(worlds, fc.integer(), ({ config, snapshot }, seed) => {
        expect(plan(config, shuffleSnapshot(snapshot, seed))).toEqual(plan(config, snapshot));
      }),
    );
  });

  it('keeps a healthy lease of a group within its count', () => {
    fc.assert(
      fc.property(worldsWithoutDuplicates, ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const listed = listedHosts(snapshot);
        const vacated = new Set(leaseActions(result).filter((action) => action._tag === 'Vacate').map((action) => action.leaseId));
        const managed = snapshot.leases.filter((lease) => ownershipOf(config, lease) === 'managed');

        for (const lease of managed) {
          const host = config.swarmingHosts.find((entry) => entry.host === hostOf(lease));
          const image = host?.images.find((entry) => entry.image === lease.image);
          const bots = allBots(snapshot).filter((bot) => bot.leaseId === lease.leaseId);
          const groupSize = managed.filter((other) => hostOf(other) === hostOf(lease) && other.image === lease.image).length;
          const healthy = image !== undefined && bots.some((bot) => !bot.isDead) && groupSize <= image.count;

          if (healthy && listed.has(hostOf(lease))) expect(vacated.has(lease.leaseId)).toBe(false);
        }
      }),
    );
  });

  it('never vacates a booting lease as never connected', () => {
    fc.assert(
      fc.property(worldsWithoutDuplicates, ({ config, snapshot }) => {
        const result = plan(config, snapshot);

        for (const action of leaseActions(result)) {
          if (action._tag !== 'Vacate' || action.reason !== 'never-connected') continue;
          const lease = snapshot.leases.find((item) => item.leaseId === action.leaseId) as Lease;
          expect(lease.expires - snapshot.now).toBeLessThanOrEqual(config.renewDuration);
          expect(allBots(snapshot).some((bot) => bot.leaseId === lease.leaseId)).toBe(false);
        }
      }),
    );
  });

  it('never shortens a lease by renewing it', () => {
    fc.assert(
      fc.property(worlds, ({ config, snapshot }) => {
        for (const action of leaseActions(plan(config, snapshot))) {
          if (action._tag !== 'Renew') continue;
          expect(action.duration).toBe(config.renewDuration);
          expect(snapshot.now + action.duration).toBeGreaterThanOrEqual(action.expires);
        }
      }),
    );
  });

  it('brings every group to its count when all listings succeed', () => {
    fc.assert(
      fc.property(listedWorlds, ({ config, snapshot }) => {
        const result = plan(config, snapshot);

        for (const host of config.swarmingHosts) {
          for (const image of host.images) {
            const kept = result.decisions.filter(
              (decision) => decision.swarmingHost === host.host && decision.image === image.image && (decision.decision === 'keep' || decision.decision === 'renew'),
            ).length;
            const created = result.actions.filter((action) => action._tag === 'Create' && action.swarmingHost === host.host && action.image === image.image).length;
            expect(kept + created).toBe(image.count);
          }
        }
      }),
    );
  });

  it('only renews on a host whose listing failed or is missing', () => {
    fc.assert(
      fc.property(worldsWithoutDuplicates, ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const listed = listedHosts(snapshot);
        const renewed = new Set(leaseActions(result).filter((action) => action._tag === 'Renew').map((action) => action.leaseId));

        for (const host of config.swarmingHosts) {
          if (listed.has(host.host)) continue;
          expect(result.actions.filter((action) => action.swarmingHost === host.host && action._tag !== 'Renew')).toEqual([]);

          const due = snapshot.leases.filter(
            (lease) => ownershipOf(config, lease) === 'managed' && hostOf(lease) === host.host && lease.expires - snapshot.now <= config.renewDuration,
          );
          for (const lease of due) expect(renewed.has(lease.leaseId)).toBe(true);
          expect(result.warnings.some((warning) => warning.swarmingHost === host.host && (warning.code === 'listing-failed' || warning.code === 'listing-missing'))).toBe(true);
        }
      }),
    );
  });

  it('converges: a second plan after applying the first vacates and creates nothing', () => {
    fc.assert(
      fc.property(listedWorlds, fc.double({ min: 0, max: 1, noNaN: true }), (world, fraction) => {
        const first = plan(world.config, world.snapshot);
        const advance = Math.floor(fraction * (world.config.createDuration - world.config.renewDuration - 1));
        const next = applyPlan(world, first, advance);

        const second = plan(next.config, next.snapshot);

        expect(second.actions.filter((action) => action._tag !== 'Renew')).toEqual([]);
      }),
    );
  });
});

/**
 * A model of what the services do with a plan: vacated and drained leases
 * disappear, renewed leases expire `renewDuration` from now, created leases
 * appear with fresh ids and a live idle bot, and VMs that were still booting
 * finish booting (their bot registers). Then the clock moves on by `advance`.
 */
const applyPlan = (world: World, result: Plan, advance: number): World => {
  const { config, snapshot } = world;
  const vacated = new Set<string>();
  const renewed = new Set<string>();
  const created: { lease: Lease; host: string }[] = [];

  result.actions.forEach((action, index) => {
    // A drained bot finishes its task and dies, and its lease is vacated: the model skips ahead to that.
    if (action._tag === 'Vacate' || action._tag === 'Drain') vacated.add(action.leaseId);
    if (action._tag === 'Renew') renewed.add(action.leaseId);
    if (action._tag === 'Create') {
      const lease: Lease = {
        leaseId: leaseIdOf(9_000_000 + index),
        projectName: action.request.namespace.projectName,
        image: action.request.image,
        expires: snapshot.now + action.request.duration,
        metadata: {},
      };
      created.push({ lease, host: action.swarmingHost });
    }
  });

  const kept = snapshot.leases
    .filter((lease) => !vacated.has(lease.leaseId))
    .map((lease) => (renewed.has(lease.leaseId) ? { ...lease, expires: snapshot.now + config.renewDuration } : lease));

  const botIds = new Set(allBots(snapshot).map((bot) => bot.leaseId));
  const newBots = new Map<string, Bot[]>();
  const addBot = (host: string, leaseId: string): void => {
    newBots.set(host, [...(newBots.get(host) ?? []), makeBot(leaseId, 'idle', 'booted')]);
  };
  for (const lease of kept) if (ownershipOf(config, lease) === 'managed' && !botIds.has(lease.leaseId)) addBot(hostOf(lease), lease.leaseId);
  for (const { lease, host } of created) addBot(host, lease.leaseId);

  const swarming = snapshot.swarming.map((listing): SwarmingListing =>
    listing._tag === 'Listed' ? { ...listing, bots: [...listing.bots, ...(newBots.get(listing.swarmingHost) ?? [])] } : listing,
  );

  return { config, snapshot: { now: snapshot.now + advance, leases: [...kept, ...created.map((entry) => entry.lease)], swarming } };
};
