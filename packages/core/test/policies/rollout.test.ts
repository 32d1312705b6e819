/**
 * Surge rollouts: when a hostname's image changes, new-image leases are
 * created up to the surge, old leases leave only as new-image bots are
 * live, and a new image that fails to connect pauses the rollout.
 */
import { describe, expect, it } from 'vitest';

import { IMAGE_A, IMAGE_B, makeBot, makeConfig, planListed } from '../support/builders.js';
import {
  HOUR,
  PUBLIC_HOST,
  actionIds,
  botsFor,
  createCount,
  decisionsWith,
  idsWith,
  lease,
  leases,
  warningsWith,
  withPolicy,
} from './support.js';

const HOSTNAME = 'darwin-amd64-14';

/** The hostname now runs image B with `count` leases; the old leases run image A. */
const rolloutConfig = (count: number, policy: Parameters<typeof withPolicy>[1] = {}) =>
  withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_B, count, hostname: HOSTNAME }] }]), policy);

const oldLeases = (count: number) => leases('old', count, { image: IMAGE_A, hostname: HOSTNAME });

describe('surge rollout', () => {
  it('creates the surge first and keeps every old lease', () => {
    const old = oldLeases(4);

    const result = planListed(rolloutConfig(4), old, { [PUBLIC_HOST]: botsFor(old) });

    // maxSurge 25% of 4 rounds up to 1; maxUnavailable 0 keeps all 4 live bots.
    expect(createCount(result)).toBe(1);
    expect(actionIds(result, 'Vacate')).toEqual([]);
    expect(idsWith(result, 'rollout-waiting')).toEqual(['old0', 'old1', 'old2', 'old3']);
    expect(actionIds(result, 'Renew')).toEqual(['old0', 'old1', 'old2', 'old3']);
    const [waiting] = decisionsWith(result, 'rollout-waiting');
    expect(waiting?.decision).toBe('renew');
    expect(waiting?.detail).toContain('0 new-image and 4 old leases have live bots and at least 4 must stay live');
  });

  it('replaces one old lease per live new-image bot', () => {
    const old = oldLeases(4);
    const fresh = lease({ leaseId: 'new0', image: IMAGE_B, hostname: HOSTNAME, expiresIn: 23 * HOUR });

    const result = planListed(rolloutConfig(4), [...old, fresh], { [PUBLIC_HOST]: botsFor([...old, fresh]) });

    expect(actionIds(result, 'Vacate')).toEqual(['old0']);
    expect(idsWith(result, 'rollout-waiting')).toEqual(['old1', 'old2', 'old3']);
    // 1 new + 3 old kept, count 4, surge 1: one more create.
    expect(createCount(result)).toBe(1);
    expect(decisionsWith(result, 'image-obsolete')[0]?.detail).toContain('1 old leases with live bots may leave this cycle');
  });

  it('does not count booting new-image leases as live', () => {
    const old = oldLeases(4);
    const booting = lease({ leaseId: 'new0', image: IMAGE_B, hostname: HOSTNAME, expiresIn: 23 * HOUR + 30 * 60_000 });

    const result = planListed(rolloutConfig(4), [...old, booting], { [PUBLIC_HOST]: botsFor(old) });

    expect(actionIds(result, 'Vacate')).toEqual([]);
    expect(createCount(result)).toBe(0);
    expect(idsWith(result, 'booting')).toEqual(['new0']);
  });

  it('lets maxUnavailable old leases go before new ones are live', () => {
    const old = oldLeases(4);

    const result = planListed(rolloutConfig(4, { maxUnavailable: { _tag: 'Count', count: 1 } }), old, { [PUBLIC_HOST]: botsFor(old) });

    expect(actionIds(result, 'Vacate')).toEqual(['old0']);
    // 3 old kept; count 4 plus surge 1 leaves room for 2.
    expect(createCount(result)).toBe(2);
  });

  it('uses maxSurge as a count', () => {
    const old = oldLeases(4);

    const result = planListed(rolloutConfig(4, { maxSurge: { _tag: 'Count', count: 3 } }), old, { [PUBLIC_HOST]: botsFor(old) });

    expect(createCount(result)).toBe(3);
  });

  it('vacates an old lease without a live bot at once', () => {
    const old = oldLeases(3);
    const oldBooting = lease({ leaseId: 'old-booting', image: IMAGE_A, hostname: HOSTNAME, expiresIn: 23 * HOUR + 30 * 60_000 });

    const result = planListed(rolloutConfig(3), [...old, oldBooting], { [PUBLIC_HOST]: botsFor(old) });

    expect(actionIds(result, 'Vacate')).toEqual(['old-booting']);
    expect(decisionsWith(result, 'image-obsolete')[0]?.detail).toContain('this old lease has no live bot');
  });

  it('drains a busy old lease and creates its replacement', () => {
    const old = oldLeases(4);
    const fresh = lease({ leaseId: 'new0', image: IMAGE_B, hostname: HOSTNAME, expiresIn: 23 * HOUR });
    const bots = [...old.map((entry) => makeBot(entry.leaseId, 'busy')), makeBot('new0')];

    const result = planListed(rolloutConfig(4), [...old, fresh], { [PUBLIC_HOST]: bots });

    expect(actionIds(result, 'Drain')).toEqual(['old0']);
    // The drained lease no longer counts: 1 new + 3 old kept, so room for 1 create.
    expect(createCount(result)).toBe(1);
  });

  it('pauses when new-image leases fail to connect', () => {
    const old = oldLeases(4);
    const failed = leases('new', 2, { image: IMAGE_B, hostname: HOSTNAME, expiresIn: 22 * HOUR });

    const result = planListed(rolloutConfig(4, { maxUnavailable: { _tag: 'Count', count: 2 } }), [...old, ...failed], {
      [PUBLIC_HOST]: botsFor(old),
    });

    // maxUnavailable 2 would let two old leases go; the pause keeps them all.
    expect(actionIds(result, 'Vacate')).toEqual(['new0', 'new1']);
    expect(idsWith(result, 'rollout-paused')).toEqual(['old0', 'old1', 'old2', 'old3']);
    expect(createCount(result)).toBe(0);
    const [warning] = warningsWith(result, 'rollout-paused');
    expect(warning?.swarmingHost).toBe(PUBLIC_HOST);
    expect(warning?.message).toContain('2 of its new-image leases are vacated as never-connected or bot-dead (rolloutPauseThreshold 2)');
  });

  it('does not pause below the threshold', () => {
    const old = oldLeases(4);
    const failed = lease({ leaseId: 'new0', image: IMAGE_B, hostname: HOSTNAME });

    const result = planListed(rolloutConfig(4, { maxUnavailable: { _tag: 'Count', count: 1 } }), [...old, failed], {
      [PUBLIC_HOST]: [...botsFor(old), makeBot('new0', 'dead')],
    });

    expect(warningsWith(result, 'rollout-paused')).toEqual([]);
    expect(actionIds(result, 'Vacate')).toEqual(['new0', 'old0']);
  });

  it('treats old leases of an unconfigured hostname as plainly obsolete', () => {
    const old = leases('old', 2, { image: IMAGE_A, hostname: 'darwin-amd64-11' });
    const unnamed = lease({ leaseId: 'unnamed', image: IMAGE_A });

    const result = planListed(rolloutConfig(0, { disruptionBudget: { _tag: 'Count', count: 5 } }), [...old, unnamed], {
      [PUBLIC_HOST]: botsFor([...old, unnamed]),
    });

    expect(actionIds(result, 'Vacate')).toEqual(['old0', 'old1', 'unnamed']);
    expect(idsWith(result, 'rollout-waiting')).toEqual([]);
  });

  it('finishes by removing old leases when the new image has its count', () => {
    const old = oldLeases(2);
    const fresh = leases('new', 4, { image: IMAGE_B, hostname: HOSTNAME });

    const result = planListed(rolloutConfig(4), [...old, ...fresh], { [PUBLIC_HOST]: botsFor([...old, ...fresh]) });

    expect(actionIds(result, 'Vacate')).toEqual(['old0']);
    // 20% of 6 managed leases is 1, so the second old lease waits for the budget.
    expect(idsWith(result, 'budget')).toEqual(['old1']);
    expect(createCount(result)).toBe(0);
  });
});
