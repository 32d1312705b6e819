/**
 * Busy bots: a lease whose bot runs a task is never vacated for a voluntary
 * reason; its bot is drained instead, and the lease is vacated once the bot
 * is dead.
 */
import { describe, expect, it } from 'vitest';

import { IMAGE_A, IMAGE_B, IMAGE_C, makeBot, makeConfig, planListed } from '../support/builders.js';
import { PUBLIC_HOST, actionIds, createCount, decisionsWith, lease, leases, withPolicy } from './support.js';

describe('busy bots', () => {
  it('drains a busy bot of an obsolete image instead of vacating its lease', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_B, count: 0 }] }]));
    const old = lease({ leaseId: 'old', image: IMAGE_C });

    const result = planListed(config, [old], { [PUBLIC_HOST]: [makeBot('old', 'busy')] });

    expect(result.actions).toEqual([
      {
        _tag: 'Drain',
        leaseId: 'old',
        botId: makeBot('old', 'busy').botId,
        swarmingHost: PUBLIC_HOST,
        image: IMAGE_C,
        reason: 'image-obsolete',
      },
    ]);
    const [decision] = result.decisions;
    expect(decision?.decision).toBe('drain');
    expect(decision?.reason).toBe('image-obsolete');
    expect(decision?.detail).toContain('is running task task-old');
  });

  it('vacates the lease once the drained bot is dead', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_B, count: 0 }] }]));
    const old = lease({ leaseId: 'old', image: IMAGE_C });

    const result = planListed(config, [old], { [PUBLIC_HOST]: [makeBot('old', 'dead')] });

    expect(result.actions).toEqual([{ _tag: 'Vacate', leaseId: 'old', swarmingHost: PUBLIC_HOST, image: IMAGE_C, reason: 'bot-dead' }]);
  });

  it('drains a busy over-count victim and creates no replacement', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 2 }] }]));
    const pool = leases('a', 3, { image: IMAGE_A });
    const bots = pool.map((entry) => makeBot(entry.leaseId, 'busy'));

    const result = planListed(config, pool, { [PUBLIC_HOST]: bots });

    expect(actionIds(result, 'Drain')).toEqual(['a0']);
    expect(actionIds(result, 'Vacate')).toEqual([]);
    expect(createCount(result)).toBe(0);
    expect(result.groups[0]?.create).toBe(0);
  });

  it('drains a quarantined bot that still runs a task', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_B, count: 0 }] }]));
    const old = lease({ leaseId: 'old', image: IMAGE_C });
    const bot = { ...makeBot('old', 'quarantined'), taskId: 'task-7' };

    const result = planListed(config, [old], { [PUBLIC_HOST]: [bot] });

    expect(actionIds(result, 'Drain')).toEqual(['old']);
  });

  it('does not renew a drained lease', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_B, count: 0 }] }]));
    const old = lease({ leaseId: 'old', image: IMAGE_C });

    const result = planListed(config, [old], { [PUBLIC_HOST]: [makeBot('old', 'busy')] });

    expect(actionIds(result, 'Renew')).toEqual([]);
  });

  it('puts drains after vacates and before renewals', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 1 }] }]), {
      disruptionBudget: { _tag: 'Count', count: 2 },
    });
    const kept = lease({ leaseId: 'a-kept', image: IMAGE_A });
    const busy = lease({ leaseId: 'b-busy', image: IMAGE_C });
    const idle = lease({ leaseId: 'c-idle', image: IMAGE_C });

    const result = planListed(config, [kept, busy, idle], {
      [PUBLIC_HOST]: [makeBot('a-kept'), makeBot('b-busy', 'busy'), makeBot('c-idle')],
    });

    expect(result.actions.map((action) => action._tag)).toEqual(['Vacate', 'Drain', 'Renew']);
    expect(decisionsWith(result, 'image-obsolete').map((decision) => decision.decision)).toEqual(['drain', 'vacate']);
  });
});
