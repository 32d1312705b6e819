/**
 * Examples of a host whose bots could not be listed, or that has no listing
 * in the snapshot: its leases cannot be judged, so none is vacated and no
 * lease is created there, but due renewals still happen.
 */
import { listed, listingFailed, plan } from '@makemac/core';
import { describe, expect, it } from 'vitest';

import {
  HOUR,
  IMAGE_A,
  INTERNAL_HOST,
  PUBLIC_HOST,
  decisionOf,
  describeActions,
  makeBot,
  makeConfig,
  makeLease,
  makeSnapshot,
} from '../support/builders.js';

const config = makeConfig([
  { host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 2, hostname: 'public' }] },
  { host: INTERNAL_HOST, images: [{ image: IMAGE_A, count: 2, hostname: 'internal' }] },
]);

/** Leases of the public host that a listing would vacate or renew: due, not due, and never connected. */
const publicLeases = [
  makeLease({ leaseId: 'p-due', host: PUBLIC_HOST, expiresIn: HOUR }),
  makeLease({ leaseId: 'p-not-due', host: PUBLIC_HOST, expiresIn: 23 * HOUR + 1 }),
  makeLease({ leaseId: 'p-stale', host: PUBLIC_HOST, expiresIn: -HOUR }),
];

describe('listing failure', () => {
  it('renews due leases but vacates and creates nothing', () => {
    const snapshot = makeSnapshot(publicLeases, [listingFailed(PUBLIC_HOST, 'HTTP 503'), listed(INTERNAL_HOST, [])]);

    const result = plan(config, snapshot);

    expect(describeActions(result)).toEqual(['renew p-due', 'renew p-stale', `create ${INTERNAL_HOST} internal`, `create ${INTERNAL_HOST} internal`]);
    expect(decisionOf(result, 'p-due')).toMatchObject({ decision: 'renew', reason: 'listing-failed' });
    expect(decisionOf(result, 'p-not-due')).toMatchObject({ decision: 'keep', reason: 'listing-failed' });
    expect(result.groups.map((group) => [group.swarmingHost, group.have, group.create])).toEqual([
      [PUBLIC_HOST, 3, 0],
      [INTERNAL_HOST, 0, 2],
    ]);
  });

  it('names the failure in a warning', () => {
    const snapshot = makeSnapshot([], [listingFailed(PUBLIC_HOST, 'HTTP 503'), listed(INTERNAL_HOST, [])]);

    const result = plan(config, snapshot);

    expect(result.warnings.map((warning) => [warning.code, warning.swarmingHost])).toEqual([['listing-failed', PUBLIC_HOST]]);
    expect(result.warnings[0]?.message).toContain('HTTP 503');
  });

  it('treats a missing listing as failed', () => {
    const snapshot = makeSnapshot(publicLeases, [listed(INTERNAL_HOST, [])]);

    const result = plan(config, snapshot);

    expect(describeActions(result).filter((line) => line.includes('p-') || line.includes(PUBLIC_HOST))).toEqual(['renew p-due', 'renew p-stale']);
    expect(result.warnings.map((warning) => [warning.code, warning.swarmingHost])).toEqual([['listing-missing', PUBLIC_HOST]]);
  });

  it('lets a failure win over a success for the same host', () => {
    const snapshot = makeSnapshot(publicLeases, [listed(PUBLIC_HOST, []), listingFailed(PUBLIC_HOST, 'page 2 failed'), listed(INTERNAL_HOST, [])]);

    const result = plan(config, snapshot);

    expect(decisionOf(result, 'p-stale').reason).toBe('listing-failed');
    expect(describeActions(result).filter((line) => line.startsWith('vacate'))).toEqual([]);
  });

  it('leaves other hosts to their rules', () => {
    const internalDead = makeLease({ leaseId: 'i-dead', host: INTERNAL_HOST, expiresIn: 10 * HOUR });
    const snapshot = makeSnapshot([internalDead], [listingFailed(PUBLIC_HOST, 'HTTP 503'), listed(INTERNAL_HOST, [makeBot('i-dead', 'dead')])]);

    const result = plan(config, snapshot);

    expect(describeActions(result)).toEqual(['vacate i-dead bot-dead', `create ${INTERNAL_HOST} internal`, `create ${INTERNAL_HOST} internal`]);
  });
});
