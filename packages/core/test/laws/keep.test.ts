/**
 * Laws about leases the planner must keep: a healthy lease of a group
 * within its count, and a lease that may still be booting.
 */
import { plan } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { scenarioArbitrary } from '../support/arbitraries.js';
import { groupMembers, hasLiveBot, isBooting, ownershipOf, plannedCopies, visibleBotsOf } from '../support/oracle.js';
import { leavingReasons, vacatesOf } from '../support/plan-queries.js';

describe('plan keeps', () => {
  it('healthy leases of a group within its count', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const leaving = leavingReasons(result);

        for (const host of config.swarmingHosts) {
          for (const image of host.images) {
            const members = groupMembers(config, snapshot, host.host, image.image);
            if (members.length > image.count) continue;

            for (const lease of members) {
              if (!hasLiveBot(snapshot, lease.leaseId)) continue;
              expect(leaving.get(lease.leaseId), `lease ${lease.leaseId} (${members.length} of count ${image.count} on ${host.host})`).toBe(
                undefined,
              );
            }
          }
        }
      }),
    );
  });

  it('booting leases as not never-connected', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const copies = plannedCopies(snapshot.leases);

        for (const vacate of vacatesOf(result)) {
          if (vacate.reason !== 'never-connected') continue;
          const lease = copies.get(vacate.leaseId);
          expect(lease, `vacated lease ${vacate.leaseId} is not in the snapshot`).toBeDefined();
          if (lease === undefined) continue;

          const label = `lease ${lease.leaseId}, ${lease.expires - snapshot.now} ms left, renew duration ${config.renewDuration} ms`;
          expect(isBooting(lease, snapshot.now, config.renewDuration), label).toBe(false);
          expect(visibleBotsOf(snapshot, lease.leaseId), label).toEqual([]);
        }
      }),
    );
  });

  it('bot-dead only for leases without a live bot', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);

        for (const vacate of vacatesOf(result)) {
          if (vacate.reason !== 'bot-dead') continue;
          const bots = visibleBotsOf(snapshot, vacate.leaseId);
          expect(bots.length, `lease ${vacate.leaseId} vacated as bot-dead has no listed bot`).toBeGreaterThan(0);
          expect(hasLiveBot(snapshot, vacate.leaseId), `lease ${vacate.leaseId} vacated as bot-dead has a live bot`).toBe(false);
        }
      }),
    );
  });

  it('image-obsolete only for images its host does not configure', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const copies = plannedCopies(snapshot.leases);

        for (const vacate of vacatesOf(result)) {
          if (vacate.reason !== 'image-obsolete') continue;
          const lease = copies.get(vacate.leaseId);
          const ownership = ownershipOf(config, lease?.projectName ?? '');
          const host = config.swarmingHosts.find((entry) => ownership._tag === 'managed' && entry.host === ownership.host);
          expect(host, `lease ${vacate.leaseId} vacated as image-obsolete is not managed`).toBeDefined();
          expect(host?.images.map((entry) => entry.image)).not.toContain(lease?.image);
        }
      }),
    );
  });
});
