/**
 * Examples of renewals: a kept managed lease with at most the renew
 * duration left is renewed to the renew duration, counted from now, so a
 * renewal never shortens a lease. Leases being vacated are not renewed.
 */
import type { Action } from '@makemac/core';
import { describe, expect, it } from 'vitest';

import { HOUR, IMAGE_A, MINUTE, NOW, PUBLIC_HOST, decisionOf, makeBot, makeConfig, makeLease, planListed } from '../support/builders.js';

const config = makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 5 }] }]);

const renewals = (result: ReturnType<typeof planListed>): Action[] => result.actions.filter((action) => action._tag === 'Renew');

describe('renew', () => {
  it('renews a lease exactly at the renew boundary', () => {
    const lease = makeLease({ leaseId: 'l1', expiresIn: 23 * HOUR });

    const result = planListed(config, [lease], { [PUBLIC_HOST]: [makeBot('l1')] });

    expect(renewals(result)).toEqual([
      { _tag: 'Renew', leaseId: 'l1', swarmingHost: PUBLIC_HOST, image: IMAGE_A, expires: NOW + 23 * HOUR, duration: 23 * HOUR },
    ]);
    expect(decisionOf(result, 'l1')).toMatchObject({ decision: 'renew', reason: 'renew-due' });
  });

  it('keeps a lease just above the renew boundary', () => {
    // Renewing it to 23 h would shorten it.
    const lease = makeLease({ leaseId: 'l1', expiresIn: 23 * HOUR + 1 });

    const result = planListed(config, [lease], { [PUBLIC_HOST]: [makeBot('l1')] });

    expect(renewals(result)).toEqual([]);
    expect(decisionOf(result, 'l1')).toMatchObject({ decision: 'keep', reason: 'renew-not-due' });
  });

  it('renews an expired lease with a live bot', () => {
    const lease = makeLease({ leaseId: 'l1', expiresIn: -3 * HOUR });

    const result = planListed(config, [lease], { [PUBLIC_HOST]: [makeBot('l1', 'busy')] });

    expect(renewals(result)).toEqual([
      { _tag: 'Renew', leaseId: 'l1', swarmingHost: PUBLIC_HOST, image: IMAGE_A, expires: NOW - 3 * HOUR, duration: 23 * HOUR },
    ]);
  });

  it('renews for the configured renew duration', () => {
    const custom = makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 5 }] }], {
      createDuration: 6 * HOUR,
      renewDuration: 5 * HOUR,
    });
    const due = makeLease({ leaseId: 'due', expiresIn: 5 * HOUR });
    const notDue = makeLease({ leaseId: 'not-due', expiresIn: 5 * HOUR + MINUTE });

    const result = planListed(custom, [due, notDue], { [PUBLIC_HOST]: [makeBot('due'), makeBot('not-due')] });

    expect(renewals(result)).toEqual([
      { _tag: 'Renew', leaseId: 'due', swarmingHost: PUBLIC_HOST, image: IMAGE_A, expires: NOW + 5 * HOUR, duration: 5 * HOUR },
    ]);
  });

  it('does not renew a lease it vacates', () => {
    const dead = makeLease({ leaseId: 'dead', expiresIn: HOUR });
    const obsolete = makeLease({ leaseId: 'obsolete', image: 'e'.repeat(64), expiresIn: HOUR });

    const result = planListed(config, [dead, obsolete], { [PUBLIC_HOST]: [makeBot('dead', 'dead'), makeBot('obsolete')] });

    expect(renewals(result)).toEqual([]);
    expect(result.actions.map((action) => action._tag)).toEqual(['Vacate', 'Vacate', 'Create', 'Create', 'Create', 'Create', 'Create']);
  });

  it('renews a kept lease of a group over its count', () => {
    const kept = makeLease({ leaseId: 'kept', expiresIn: 2 * HOUR });
    const surplus = makeLease({ leaseId: 'surplus', expiresIn: HOUR });
    const countOne = makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 1 }] }]);

    const result = planListed(countOne, [kept, surplus], { [PUBLIC_HOST]: [makeBot('kept'), makeBot('surplus')] });

    expect(result.actions.map((action) => `${action._tag} ${'leaseId' in action ? action.leaseId : ''}`)).toEqual([
      'Vacate surplus',
      'Renew kept',
    ]);
  });

  it('never renews unmanaged leases', () => {
    const lease = makeLease({ leaseId: 'l1', projectName: 'other', expiresIn: HOUR });

    const result = planListed(config, [lease], { [PUBLIC_HOST]: [makeBot('l1')] });

    expect(renewals(result)).toEqual([]);
  });
});
