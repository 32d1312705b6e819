/**
 * Laws about the actions of a plan: one action per lease at most, no renewal
 * of a lease that leaves, renewals that never shorten a lease, and create
 * requests that carry the configured secret references and nothing else in
 * their secret fields.
 */
import { METADATA_CERT, METADATA_HOSTNAME, METADATA_KEY, METADATA_SWARMING, plan } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { scenarioArbitrary } from '../support/arbitraries.js';
import { plannedCopies } from '../support/oracle.js';
import { createsOf, leaseIdOfAction, leavingReasons, renewalsOf } from '../support/plan-queries.js';

describe('plan actions', () => {
  it('name each lease at most once', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const named = result.actions.map(leaseIdOfAction).filter((leaseId) => leaseId !== undefined);

        const repeated = named.filter((leaseId, index) => named.indexOf(leaseId) !== index);
        expect(repeated, 'lease ids named by more than one action').toEqual([]);
      }),
    );
  });

  it('never renew a leaving lease', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const leaving = leavingReasons(result);

        const renewedAndLeaving = renewalsOf(result)
          .map((renewal) => renewal.leaseId)
          .filter((leaseId) => leaving.has(leaseId));
        expect(renewedAndLeaving, 'leases both renewed and vacated or drained').toEqual([]);
      }),
    );
  });

  it('renew for the renew duration without shortening', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const copies = plannedCopies(snapshot.leases);

        for (const renewal of renewalsOf(result)) {
          const lease = copies.get(renewal.leaseId);
          const label = `renewal of lease ${renewal.leaseId}`;
          expect(renewal.duration, label).toBe(config.renewDuration);
          expect(renewal.expires, label).toBe(lease?.expires);
          expect(snapshot.now + renewal.duration, `${label}: the new expiry is earlier than the old one`).toBeGreaterThanOrEqual(
            renewal.expires,
          );
        }
      }),
    );
  });

  it('create requests carry only secret references', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);

        for (const create of createsOf(result)) {
          const host = config.swarmingHosts.find((entry) => entry.host === create.swarmingHost);
          const image = host?.images.find((entry) => entry.image === create.image);
          expect(image, `create for ${create.swarmingHost} ${create.image} names no configured image`).toBeDefined();
          if (image === undefined) continue;

          expect(create.hostname).toBe(image.hostname);
          expect(create.request).toEqual({
            namespace: { customerName: config.customer, projectName: `${config.projectPrefix}/${create.swarmingHost}`, subCustomerName: '' },
            image: image.image,
            profile: config.profile,
            accessLevel: config.accessLevel,
            duration: config.createDuration,
            metadata: [
              { key: METADATA_SWARMING, value: { _tag: 'Plain', value: create.swarmingHost } },
              { key: METADATA_HOSTNAME, value: { _tag: 'Plain', value: image.hostname } },
              { key: METADATA_CERT, value: { _tag: 'SecretReference', reference: image.cert } },
              { key: METADATA_KEY, value: { _tag: 'SecretReference', reference: image.key } },
            ],
          });
        }
      }),
    );
  });
});
