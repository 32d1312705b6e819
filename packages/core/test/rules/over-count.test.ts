/**
 * Examples of over-count vacates. When a (host, image) group has more
 * leases in use than its count, the surplus goes in this order: bots that
 * are quarantined or in maintenance, then leases with no bot yet (booting),
 * then idle bots, then busy bots. Within each, the earliest expiry goes
 * first, then the smaller lease id. A busy victim is drained: its bot is
 * terminated after its task, instead of the lease being vacated mid-build.
 */
import type { Bot, Lease } from '@makemac/core';
import { describe, expect, it } from 'vitest';

import { HOUR, IMAGE_A, PUBLIC_HOST, decisionOf, describeActions, makeBot, makeConfig, makeLease, planListed } from '../support/builders.js';

const configWithCount = (count: number) =>
  makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count, hostname: 'darwin-amd64-14' }] }]);

/** The leases that leave as over count, vacated or drained, by lease id. */
const vacated = (result: ReturnType<typeof planListed>): string[] =>
  result.actions
    .flatMap((action) => ((action._tag === 'Vacate' || action._tag === 'Drain') && action.reason === 'over-count' ? [action.leaseId] : []))
    .sort();

/**
 * One lease of each victim rank, with lease ids that run against the victim
 * order. Quarantine and maintenance share the first rank, so the quarantined
 * lease expires first to go first; the booting lease expires last of all.
 */
const ranked: { readonly leases: Lease[]; readonly bots: Bot[] } = {
  leases: [
    makeLease({ leaseId: 'e-quarantined', expiresIn: 9 * HOUR }),
    makeLease({ leaseId: 'd-maintenance', expiresIn: 10 * HOUR }),
    makeLease({ leaseId: 'c-booting', expiresIn: 23 * HOUR + 30 * 60_000 }),
    makeLease({ leaseId: 'b-idle', expiresIn: 10 * HOUR }),
    makeLease({ leaseId: 'a-busy', expiresIn: 10 * HOUR }),
  ],
  bots: [makeBot('e-quarantined', 'quarantined'), makeBot('d-maintenance', 'maintenance'), makeBot('b-idle', 'idle'), makeBot('a-busy', 'busy')],
};

describe('vacate over-count', () => {
  it.each([
    [5, []],
    [4, ['e-quarantined']],
    [3, ['d-maintenance', 'e-quarantined']],
    [2, ['c-booting', 'd-maintenance', 'e-quarantined']],
    [1, ['b-idle', 'c-booting', 'd-maintenance', 'e-quarantined']],
    [0, ['a-busy', 'b-idle', 'c-booting', 'd-maintenance', 'e-quarantined']],
  ])('with count %i takes victims by rank', (count, expected) => {
    const result = planListed(configWithCount(count), ranked.leases, { [PUBLIC_HOST]: ranked.bots });

    expect(vacated(result)).toEqual(expected);
  });

  it('takes maintenance with quarantine, before booting', () => {
    // Quarantined and maintenance bots share the first rank, so expiry decides between them.
    const leases = [
      makeLease({ leaseId: 'q', expiresIn: 12 * HOUR }),
      makeLease({ leaseId: 'm', expiresIn: 11 * HOUR }),
      makeLease({ leaseId: 'boot', expiresIn: 23 * HOUR + 1 }),
    ];
    const bots = [makeBot('q', 'quarantined'), makeBot('m', 'maintenance')];

    const result = planListed(configWithCount(2), leases, { [PUBLIC_HOST]: bots });

    expect(vacated(result)).toEqual(['m']);
  });

  it('breaks ties by earliest expiry, then lease id', () => {
    const leases = [
      makeLease({ leaseId: 'c', expiresIn: 3 * HOUR }),
      makeLease({ leaseId: 'b', expiresIn: 3 * HOUR }),
      makeLease({ leaseId: 'a', expiresIn: 5 * HOUR }),
      makeLease({ leaseId: 'd', expiresIn: 2 * HOUR }),
    ];
    const bots = leases.map((lease) => makeBot(lease.leaseId));

    expect(vacated(planListed(configWithCount(3), leases, { [PUBLIC_HOST]: bots }))).toEqual(['d']);
    expect(vacated(planListed(configWithCount(2), leases, { [PUBLIC_HOST]: bots }))).toEqual(['b', 'd']);
    expect(vacated(planListed(configWithCount(1), leases, { [PUBLIC_HOST]: bots }))).toEqual(['b', 'c', 'd']);
  });

  it('counts only leases no health rule vacates', () => {
    const leases = [
      makeLease({ leaseId: 'dead', expiresIn: 10 * HOUR }),
      makeLease({ leaseId: 'stale', expiresIn: 2 * HOUR }),
      makeLease({ leaseId: 'x1', expiresIn: 10 * HOUR }),
      makeLease({ leaseId: 'x2', expiresIn: 11 * HOUR }),
    ];
    const bots = [makeBot('dead', 'dead'), makeBot('x1'), makeBot('x2')];

    const result = planListed(configWithCount(1), leases, { [PUBLIC_HOST]: bots });

    expect(describeActions(result).filter((line) => line.startsWith('vacate'))).toEqual([
      'vacate dead bot-dead',
      'vacate stale never-connected',
      'vacate x1 over-count',
    ]);
  });

  it('explains the surplus in the decision', () => {
    const leases = [makeLease({ leaseId: 'l1', expiresIn: 10 * HOUR }), makeLease({ leaseId: 'l2', expiresIn: 11 * HOUR })];
    const bots = [makeBot('l1', 'idle'), makeBot('l2', 'busy')];

    const result = planListed(configWithCount(1), leases, { [PUBLIC_HOST]: bots });

    const decision = decisionOf(result, 'l1');
    expect(decision).toMatchObject({ decision: 'vacate', reason: 'over-count' });
    expect(decision.detail).toContain('idle');
    expect(decision.detail).toContain('count is 1');
  });

  it('drains a busy victim instead of vacating it', () => {
    const leases = [makeLease({ leaseId: 'l1', expiresIn: 10 * HOUR }), makeLease({ leaseId: 'l2', expiresIn: 11 * HOUR })];
    const bots = [makeBot('l1', 'busy'), makeBot('l2', 'busy')];

    const result = planListed(configWithCount(1), leases, { [PUBLIC_HOST]: bots });

    // The drained lease is not renewed although it is due.
    expect(result.actions).toEqual([
      { _tag: 'Drain', leaseId: 'l1', botId: makeBot('l1').botId, swarmingHost: PUBLIC_HOST, image: IMAGE_A, reason: 'over-count' },
      expect.objectContaining({ _tag: 'Renew', leaseId: 'l2' }),
    ]);
    const decision = decisionOf(result, 'l1');
    expect(decision).toMatchObject({ decision: 'drain', reason: 'over-count' });
    expect(decision.detail).toContain('task-l1');
  });
});
