/**
 * Outage laws: when the bots of a swarming host cannot be listed, the plan
 * neither vacates nor creates leases of that host, but still renews every
 * lease of it that is due, so the pool survives a Swarming outage.
 */
import type { Snapshot } from '@makemac/core';
import { listingFailed, plan } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { scenarioArbitrary } from '../support/arbitraries.js';
import { isRenewDue, listingOf, ownershipOf, plannedCopies } from '../support/oracle.js';
import { createsOf, renewalsOf, vacatesOf } from '../support/plan-queries.js';

/** The snapshot with `host`'s listing replaced by a failure, or removed. */
const breakListing = (snapshot: Snapshot, host: string, how: 'failed' | 'missing'): Snapshot => {
  const others = snapshot.swarming.filter((listing) => listing.swarmingHost !== host);
  return { ...snapshot, swarming: how === 'failed' ? [...others, listingFailed(host, 'HTTP 503')] : others };
};

/** Scenarios in which at least one configured host has a failed or missing listing. */
const outageArbitrary = scenarioArbitrary().chain(({ config, snapshot }) =>
  fc
    .record({ hostIndex: fc.nat(), how: fc.constantFrom<'failed' | 'missing'>('failed', 'missing') })
    .map(({ hostIndex, how }) => {
      const host = config.swarmingHosts[hostIndex % config.swarmingHosts.length]?.host ?? '';
      return { config, snapshot: breakListing(snapshot, host, how) };
    }),
);

describe('plan during a listing outage', () => {
  it('neither vacates nor creates on the host', () => {
    fc.assert(
      fc.property(outageArbitrary, ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const unlisted = config.swarmingHosts.map((host) => host.host).filter((host) => listingOf(snapshot, host) !== 'listed');
        expect(unlisted.length).toBeGreaterThan(0);

        for (const host of unlisted) {
          expect(vacatesOf(result).filter((vacate) => vacate.swarmingHost === host), `vacates on ${host}`).toEqual([]);
          expect(createsOf(result).filter((create) => create.swarmingHost === host), `creates on ${host}`).toEqual([]);
        }
      }),
    );
  });

  it('renews every due lease of the host', () => {
    fc.assert(
      fc.property(outageArbitrary, ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const renewed = new Set(renewalsOf(result).map((renewal) => renewal.leaseId));

        for (const lease of plannedCopies(snapshot.leases).values()) {
          const ownership = ownershipOf(config, lease.projectName);
          if (ownership._tag !== 'managed' || listingOf(snapshot, ownership.host) === 'listed') continue;

          const decision = result.decisions.find((entry) => entry.leaseId === lease.leaseId);
          expect(decision?.reason, `lease ${lease.leaseId} of ${ownership.host}`).toBe('listing-failed');
          expect(renewed.has(lease.leaseId), `lease ${lease.leaseId} of ${ownership.host}, ${lease.expires - snapshot.now} ms left`).toBe(
            isRenewDue(lease, snapshot.now, config.renewDuration),
          );
        }
      }),
    );
  });

  it('warns once per host without a listing', () => {
    fc.assert(
      fc.property(outageArbitrary, ({ config, snapshot }) => {
        const result = plan(config, snapshot);

        for (const host of config.swarmingHosts.map((entry) => entry.host)) {
          const state = listingOf(snapshot, host);
          const warnings = result.warnings.filter(
            (warning) => (warning.code === 'listing-failed' || warning.code === 'listing-missing') && warning.swarmingHost === host,
          );
          const expected = state === 'listed' ? [] : [state === 'failed' ? 'listing-failed' : 'listing-missing'];
          expect(
            warnings.map((warning) => warning.code),
            `listing warnings of ${host}`,
          ).toEqual(expected);
        }
      }),
    );
  });
});
