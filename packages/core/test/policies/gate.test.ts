/**
 * The sanity gate: a host whose listing suggests too many involuntary
 * vacates keeps every lease for the cycle, renews what is due, and says why.
 */
import { listed, listingFailed, plan } from '@makemac/core';
import { describe, expect, it } from 'vitest';

import { IMAGE_A, IMAGE_C, makeBot, makeConfig, makeSnapshot, planListed } from '../support/builders.js';
import { HOUR, PUBLIC_HOST, actionIds, botsFor, createCount, decisionsWith, idsWith, leases, warningsWith, withPolicy } from './support.js';

const INTERNAL = 'chrome-swarming.appspot.com';

describe('sanity gate', () => {
  it('closes when involuntary vacates exceed 20% of the managed leases', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 10 }] }]));
    const pool = leases('a', 10, { image: IMAGE_A });
    // Three leases have no bot and are past booting, one bot is dead: 4 of 10 > max(2, 20% of 10).
    const bots = pool.slice(3).map((entry, index) => makeBot(entry.leaseId, index === 0 ? 'dead' : 'idle'));

    const result = planListed(config, pool, { [PUBLIC_HOST]: bots });

    expect(actionIds(result, 'Vacate')).toEqual([]);
    expect(idsWith(result, 'sanity-gate')).toEqual(['a0', 'a1', 'a2', 'a3']);
    expect(decisionsWith(result, 'sanity-gate').every((decision) => decision.decision === 'renew')).toBe(true);
    expect(actionIds(result, 'Renew')).toHaveLength(10);
    const [warning] = warningsWith(result, 'sanity-gate');
    expect(warning?.swarmingHost).toBe(PUBLIC_HOST);
    expect(warning?.message).toContain('4 of its 10 managed leases would be vacated as never-connected or bot-dead');
    expect(warning?.message).toContain('more than the limit of 2');
  });

  it('stays open at the threshold', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 15 }] }]));
    const pool = leases('a', 15, { image: IMAGE_A });
    // 3 of 15 is exactly 20%, not more.
    const bots = botsFor(pool.slice(3));

    const result = planListed(config, pool, { [PUBLIC_HOST]: bots });

    expect(actionIds(result, 'Vacate')).toEqual(['a0', 'a1', 'a2']);
    expect(warningsWith(result, 'sanity-gate')).toEqual([]);
  });

  it('never closes for up to two involuntary vacates', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 2 }] }]));
    const pool = leases('a', 2, { image: IMAGE_A });

    // An empty listing and every lease never connected, but only two of them.
    const result = planListed(config, pool, { [PUBLIC_HOST]: [] });

    expect(actionIds(result, 'Vacate')).toEqual(['a0', 'a1']);
    expect(warningsWith(result, 'sanity-gate')).toEqual([]);
  });

  it('closes on an empty listing below the threshold share', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 10 }] }]), {
      sanityGateThreshold: { _tag: 'Percent', percent: 80 },
    });
    // Seven leases are still booting, three are past booting; the listing has no bots at all.
    const booting = leases('n', 7, { image: IMAGE_A, expiresIn: 23 * HOUR + 30 * 60_000 });
    const past = leases('p', 3, { image: IMAGE_A });

    const result = planListed(config, [...booting, ...past], { [PUBLIC_HOST]: [] });

    expect(actionIds(result, 'Vacate')).toEqual([]);
    expect(idsWith(result, 'sanity-gate')).toEqual(['p0', 'p1', 'p2']);
    expect(warningsWith(result, 'sanity-gate')[0]?.message).toContain(
      'its listing returned no bots while 3 of its 10 managed leases are past booting',
    );
  });

  it('holds voluntary vacates and drains too', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 5 }] }]));
    const healthy = leases('a', 5, { image: IMAGE_A });
    const gone = leases('g', 3, { image: IMAGE_A });
    const old = leases('c', 2, { image: IMAGE_C });
    const bots = [...botsFor(healthy), makeBot('c0', 'idle'), makeBot('c1', 'busy')];

    const result = planListed(config, [...healthy, ...gone, ...old], { [PUBLIC_HOST]: bots });

    expect(result.actions.filter((action) => action._tag === 'Vacate' || action._tag === 'Drain')).toEqual([]);
    expect(idsWith(result, 'sanity-gate')).toEqual(['c0', 'c1', 'g0', 'g1', 'g2']);
  });

  it('creates only what is missing, counting held leases as kept', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 12 }] }]));
    const pool = leases('a', 10, { image: IMAGE_A });
    const bots = botsFor(pool.slice(4));

    const result = planListed(config, pool, { [PUBLIC_HOST]: bots });

    expect(warningsWith(result, 'sanity-gate')).toHaveLength(1);
    expect(createCount(result)).toBe(2);
  });

  it('leaves other hosts alone', () => {
    const config = withPolicy(
      makeConfig([
        { host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 5 }] },
        { host: INTERNAL, images: [{ image: IMAGE_A, count: 5 }] },
      ]),
    );
    const publicPool = leases('p', 5, { image: IMAGE_A });
    const internalPool = leases('i', 5, { image: IMAGE_A, host: INTERNAL });
    const snapshot = makeSnapshot(
      [...publicPool, ...internalPool],
      [listed(PUBLIC_HOST, []), listed(INTERNAL, [...botsFor(internalPool.slice(1)), makeBot('i0', 'dead')])],
    );

    const result = plan(config, snapshot);

    expect(warningsWith(result, 'sanity-gate').map((warning) => warning.swarmingHost)).toEqual([PUBLIC_HOST]);
    expect(actionIds(result, 'Vacate')).toEqual(['i0']);
  });

  it('does not apply to a host whose listing failed', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 5 }] }]));
    const pool = leases('a', 5, { image: IMAGE_A });

    const result = plan(config, makeSnapshot(pool, [listingFailed(PUBLIC_HOST, 'HTTP 503')]));

    expect(warningsWith(result, 'sanity-gate')).toEqual([]);
    expect(idsWith(result, 'listing-failed')).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(actionIds(result, 'Renew')).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(createCount(result)).toBe(0);
  });
});
