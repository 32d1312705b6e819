/**
 * The disruption budget: how many voluntary vacates and drains a host gets
 * per cycle, which leases go first, and what happens to the rest.
 */
import { describe, expect, it } from 'vitest';

import { IMAGE_A, IMAGE_B, IMAGE_C, makeBot, makeConfig, planListed } from '../support/builders.js';
import { HOUR, PUBLIC_HOST, actionIds, botsFor, decisionsWith, idsWith, lease, leases, warningsWith, withPolicy } from './support.js';

/** A host with `kept` healthy leases of image B (count `kept`) and `obsolete` idle leases of image C. */
const obsoletePool = (kept: number, obsolete: number) => {
  const healthy = leases('b', kept, { image: IMAGE_B });
  const old = leases('c', obsolete, { image: IMAGE_C, hostname: 'retired-hostname' });
  return { healthy, old, all: [...healthy, ...old], bots: botsFor([...healthy, ...old]) };
};

describe('disruption budget', () => {
  it('vacates 20% of the managed leases and defers the rest', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_B, count: 10 }] }]));
    const pool = obsoletePool(10, 5);

    const result = planListed(config, pool.all, { [PUBLIC_HOST]: pool.bots });

    // 20% of 15 managed leases is 3; the three that expire first go.
    expect(actionIds(result, 'Vacate')).toEqual(['c0', 'c1', 'c2']);
    expect(idsWith(result, 'budget')).toEqual(['c3', 'c4']);
    expect(warningsWith(result, 'disruption-budget')).toHaveLength(1);
    expect(warningsWith(result, 'disruption-budget')[0]?.message).toContain('allows 3 voluntary vacates or drains this cycle');
    expect(warningsWith(result, 'disruption-budget')[0]?.message).toContain('20% of 15 managed leases');
    expect(warningsWith(result, 'disruption-budget')[0]?.message).toContain('5 are due, so 2 wait');
  });

  it('renews a deferred lease that is due and keeps one that is not', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_B, count: 0 }] }]), { disruptionBudget: { _tag: 'Count', count: 1 } });
    const due = lease({ leaseId: 'due', image: IMAGE_C, expiresIn: 20 * HOUR });
    const notDue = lease({ leaseId: 'not-due', image: IMAGE_C, expiresIn: 23 * HOUR + 30 * 60_000 });
    const first = lease({ leaseId: 'first', image: IMAGE_C, expiresIn: 1 * HOUR });

    const result = planListed(config, [due, notDue, first], { [PUBLIC_HOST]: botsFor([due, notDue, first]) });

    expect(actionIds(result, 'Vacate')).toEqual(['first']);
    expect(actionIds(result, 'Renew')).toEqual(['due']);
    const deferred = decisionsWith(result, 'budget');
    expect(deferred.map((decision) => [decision.leaseId, decision.decision])).toEqual([
      ['due', 'renew'],
      ['not-due', 'keep'],
    ]);
    expect(deferred[0]?.detail).toContain('would leave as image-obsolete');
    expect(deferred[0]?.detail).toContain('renew due at <= 23h');
  });

  it('allows one vacate when the percentage rounds to 0', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_B, count: 0 }] }]));
    const old = leases('c', 3, { image: IMAGE_C });

    const result = planListed(config, old, { [PUBLIC_HOST]: botsFor(old) });

    // 20% of 3 is 0.6, rounded down to 0, raised to the minimum of 1.
    expect(actionIds(result, 'Vacate')).toEqual(['c0']);
    expect(idsWith(result, 'budget')).toEqual(['c1', 'c2']);
  });

  it('takes image-obsolete before over-count', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 2 }] }]), {
      disruptionBudget: { _tag: 'Count', count: 3 },
    });
    // The surplus leases expire first, so only the rule order puts the obsolete leases ahead.
    const surplus = leases('a', 4, { image: IMAGE_A, expiresIn: 2 * HOUR });
    const old = leases('c', 2, { image: IMAGE_C, expiresIn: 20 * HOUR });

    const result = planListed(config, [...surplus, ...old], { [PUBLIC_HOST]: botsFor([...surplus, ...old]) });

    expect(result.actions.flatMap((action) => (action._tag === 'Vacate' ? [`${action.leaseId} ${action.reason}`] : []))).toEqual([
      'a0 over-count',
      'c0 image-obsolete',
      'c1 image-obsolete',
    ]);
    expect(idsWith(result, 'budget')).toEqual(['a1']);
  });

  it('orders deferred over-count victims like the surplus', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 1 }] }]), {
      disruptionBudget: { _tag: 'Count', count: 2 },
    });
    const pool = leases('a', 5, { image: IMAGE_A });
    const bots = [makeBot('a0', 'busy'), makeBot('a1', 'idle'), makeBot('a2', 'quarantined'), makeBot('a3', 'idle'), makeBot('a4', 'idle')];

    const result = planListed(config, pool, { [PUBLIC_HOST]: bots });

    // Four must go, in surplus order: quarantined a2, then idle a1, a3, a4 by expiry. The budget
    // lets the first two go; busy a0 is not surplus at all.
    expect(actionIds(result, 'Vacate')).toEqual(['a1', 'a2']);
    expect(idsWith(result, 'budget')).toEqual(['a3', 'a4']);
    expect(idsWith(result, 'renew-due')).toEqual(['a0']);
  });

  it('counts drains against the budget', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_B, count: 0 }] }]), {
      disruptionBudget: { _tag: 'Count', count: 2 },
    });
    const old = leases('c', 4, { image: IMAGE_C });
    const bots = old.map((entry) => makeBot(entry.leaseId, 'busy'));

    const result = planListed(config, old, { [PUBLIC_HOST]: bots });

    expect(actionIds(result, 'Drain')).toEqual(['c0', 'c1']);
    expect(actionIds(result, 'Vacate')).toEqual([]);
    expect(idsWith(result, 'budget')).toEqual(['c2', 'c3']);
  });

  it('does not limit involuntary vacates', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 10 }] }]), {
      disruptionBudget: { _tag: 'Count', count: 1 },
    });
    const pool = leases('a', 10, { image: IMAGE_A });
    const bots = pool.map((entry, index) => makeBot(entry.leaseId, index < 2 ? 'dead' : 'idle'));

    const result = planListed(config, pool, { [PUBLIC_HOST]: bots });

    expect(actionIds(result, 'Vacate')).toEqual(['a0', 'a1']);
    expect(idsWith(result, 'budget')).toEqual([]);
  });

  it('applies each host its own budget', () => {
    const config = withPolicy(
      makeConfig([
        { host: PUBLIC_HOST, images: [{ image: IMAGE_B, count: 0 }] },
        { host: 'chrome-swarming.appspot.com', images: [{ image: IMAGE_B, count: 0 }] },
      ]),
      { disruptionBudget: { _tag: 'Count', count: 1 } },
    );
    const publicOld = leases('p', 2, { image: IMAGE_C });
    const internalOld = leases('i', 2, { image: IMAGE_C, host: 'chrome-swarming.appspot.com' });

    const result = planListed(config, [...publicOld, ...internalOld], {
      [PUBLIC_HOST]: botsFor(publicOld),
      'chrome-swarming.appspot.com': botsFor(internalOld),
    });

    expect(actionIds(result, 'Vacate')).toEqual(['i0', 'p0']);
    expect(warningsWith(result, 'disruption-budget').map((warning) => warning.swarmingHost)).toEqual([
      'chrome-swarming.appspot.com',
      PUBLIC_HOST,
    ]);
  });
});
