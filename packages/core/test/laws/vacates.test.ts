/**
 * Laws that every unhealthy lease goes and that the over-count surplus is
 * taken in victim order: quarantined or in maintenance, then booting, then
 * idle, then busy, and within a rank the earliest expiry, then lease id. A
 * busy bot that leaves for a voluntary reason is drained, never vacated.
 */
import type { Config, Lease, Snapshot } from '@makemac/core';
import { plan } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { scenarioArbitrary } from '../support/arbitraries.js';
import { groupMembers, hasLiveBot, isBooting, listingOf, ownershipOf, plannedCopies, visibleBotsOf } from '../support/oracle.js';
import { drainsOf, leavingReasons, vacatesOf } from '../support/plan-queries.js';

/** The planned copies of managed leases whose host was listed. */
const managedOnListedHosts = (config: Config, snapshot: Snapshot): Lease[] =>
  [...plannedCopies(snapshot.leases).values()].filter((lease) => {
    const ownership = ownershipOf(config, lease.projectName);
    return ownership._tag === 'managed' && listingOf(snapshot, ownership.host) === 'listed';
  });

/** The victim rank of a lease with at most one visible bot, lowest vacated first; undefined when it has more bots. */
const victimRank = (snapshot: Snapshot, lease: Lease): number | undefined => {
  const bots = visibleBotsOf(snapshot, lease.leaseId);
  if (bots.length > 1) return undefined;

  const bot = bots[0];
  if (bot === undefined) return 1;
  if (bot.quarantined || (bot.maintenanceMessage ?? '') !== '') return 0;
  return (bot.taskId ?? '') === '' ? 2 : 3;
};

/** The sort key of the victim order: rank, then expiry, then lease id. */
const victimKey = (rank: number, lease: Lease): readonly [number, number, string] => [rank, lease.expires, lease.leaseId];

const isBefore = (left: readonly [number, number, string], right: readonly [number, number, string]): boolean => {
  if (left[0] !== right[0]) return left[0] < right[0];
  if (left[1] !== right[1]) return left[1] < right[1];
  return left[2] < right[2];
};

describe('plan vacates', () => {
  it('every lease past booting without a bot', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const reasons = leavingReasons(plan(config, snapshot));

        for (const lease of managedOnListedHosts(config, snapshot)) {
          if (visibleBotsOf(snapshot, lease.leaseId).length > 0 || isBooting(lease, snapshot.now, config.renewDuration)) continue;
          expect(reasons.get(lease.leaseId), `lease ${lease.leaseId}, ${lease.expires - snapshot.now} ms left`).toBe('never-connected');
        }
      }),
    );
  });

  it('every lease whose bots are all dead', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const reasons = leavingReasons(plan(config, snapshot));

        for (const lease of managedOnListedHosts(config, snapshot)) {
          if (visibleBotsOf(snapshot, lease.leaseId).length === 0 || hasLiveBot(snapshot, lease.leaseId)) continue;
          expect(reasons.get(lease.leaseId), `lease ${lease.leaseId}`).toBe('bot-dead');
        }
      }),
    );
  });

  it('over-count surplus in victim order', () => {
    fc.assert(
      fc.property(scenarioArbitrary({ allListed: true, crowded: true }), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const reasons = leavingReasons(result);

        for (const host of config.swarmingHosts) {
          for (const image of host.images) {
            const inUse = groupMembers(config, snapshot, host.host, image.image).filter((lease) => {
              const reason = reasons.get(lease.leaseId);
              return reason === undefined || reason === 'over-count';
            });
            const keys = inUse.map((lease) => ({ lease, rank: victimRank(snapshot, lease) }));
            if (keys.some((entry) => entry.rank === undefined)) continue;

            const victims = keys.filter((entry) => reasons.get(entry.lease.leaseId) === 'over-count');
            const kept = keys.filter((entry) => reasons.get(entry.lease.leaseId) === undefined);
            expect(victims.length, `${host.host} ${image.hostname}: ${inUse.length} in use, count ${image.count}`).toBe(
              Math.max(0, inUse.length - image.count),
            );

            for (const victim of victims) {
              for (const keeper of kept) {
                const victimOrder = victimKey(victim.rank as number, victim.lease);
                const keeperOrder = victimKey(keeper.rank as number, keeper.lease);
                expect(isBefore(victimOrder, keeperOrder), `vacated ${JSON.stringify(victimOrder)} before kept ${JSON.stringify(keeperOrder)}`).toBe(
                  true,
                );
              }
            }
          }
        }
      }),
    );
  });

  it('drains only busy bots leaving voluntarily', () => {
    fc.assert(
      fc.property(fc.oneof(scenarioArbitrary(), scenarioArbitrary({ crowded: true })), ({ config, snapshot }) => {
        for (const drain of drainsOf(plan(config, snapshot))) {
          const label = `drain of lease ${drain.leaseId}`;
          expect(['image-obsolete', 'over-count'], label).toContain(drain.reason);

          // The same bot id may be listed twice in different states, so any live listing of it may be the busy one.
          const listings = visibleBotsOf(snapshot, drain.leaseId).filter((bot) => bot.botId === drain.botId && !bot.isDead);
          expect(listings.length, `${label} names no live bot ${drain.botId}`).toBeGreaterThan(0);
          expect(
            listings.some((bot) => (bot.taskId ?? '') !== ''),
            `${label}: its bot runs no task`,
          ).toBe(true);
        }
      }),
    );
  });

  it('never vacates a busy bot voluntarily', () => {
    fc.assert(
      fc.property(fc.oneof(scenarioArbitrary(), scenarioArbitrary({ crowded: true })), ({ config, snapshot }) => {
        for (const vacate of vacatesOf(plan(config, snapshot))) {
          if (vacate.reason !== 'image-obsolete' && vacate.reason !== 'over-count') continue;

          // With one live bot, that bot is the lease's bot; with more, the planner picks one.
          const live = visibleBotsOf(snapshot, vacate.leaseId).filter((bot) => !bot.isDead);
          if (live.length !== 1) continue;
          expect(live[0]?.taskId ?? '', `lease ${vacate.leaseId} vacated as ${vacate.reason} runs a task`).toBe('');
        }
      }),
    );
  });
});
