/**
 * Count laws: with every host listed, each configured (host, image) ends the
 * plan with exactly its count of leases, and the group summaries report the
 * numbers behind that. Vacated and drained leases do not count as kept.
 */
import { plan } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { scenarioArbitrary } from '../support/arbitraries.js';
import { groupMembers } from '../support/oracle.js';
import { createsOf, leavingReasons } from '../support/plan-queries.js';

describe('plan counts', () => {
  it('keeps plus creates equal the count', () => {
    fc.assert(
      fc.property(fc.oneof(scenarioArbitrary({ allListed: true }), scenarioArbitrary({ allListed: true, crowded: true })), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const leaving = leavingReasons(result);
        const creates = createsOf(result);

        for (const host of config.swarmingHosts) {
          for (const image of host.images) {
            const kept = groupMembers(config, snapshot, host.host, image.image).filter((lease) => !leaving.has(lease.leaseId));
            const created = creates.filter((create) => create.swarmingHost === host.host && create.image === image.image);
            expect(kept.length + created.length, `${host.host} ${image.hostname}: kept ${kept.length}, created ${created.length}`).toBe(
              image.count,
            );
          }
        }
      }),
    );
  });

  it('summarise each group in configuration order', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const creates = createsOf(result);

        const expected = config.swarmingHosts.flatMap((host) =>
          host.images.map((image) => ({
            swarmingHost: host.host,
            image: image.image,
            hostname: image.hostname,
            have: groupMembers(config, snapshot, host.host, image.image).length,
            want: image.count,
            create: creates.filter((create) => create.swarmingHost === host.host && create.image === image.image).length,
          })),
        );
        const summaries = result.groups.map(({ swarmingHost, image, hostname, have, want, create }) => ({
          swarmingHost,
          image,
          hostname,
          have,
          want,
          create,
        }));
        expect(summaries).toEqual(expected);
      }),
    );
  });
});
