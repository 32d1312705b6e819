/**
 * Examples of inputs the plan reports as warnings rather than decisions.
 * These are bot ids that name no lease, bots listed by another host than
 * their lease's project names, bots of leases that are gone, and lease ids
 * that leases:find returned more than once.
 */
import type { Lease } from '@makemac/core';
import { listed, plan } from '@makemac/core';
import { describe, expect, it } from 'vitest';

import {
  HOUR,
  IMAGE_A,
  IMAGE_B,
  INTERNAL_HOST,
  PUBLIC_HOST,
  decisionOf,
  describeActions,
  makeBot,
  makeConfig,
  makeLease,
  makeSnapshot,
  planListed,
} from '../support/builders.js';

const config = makeConfig([
  { host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 1, hostname: 'public' }] },
  { host: INTERNAL_HOST, images: [{ image: IMAGE_A, count: 0, hostname: 'internal' }] },
]);

describe('plan warnings', () => {
  it('report a bot id that did not parse', () => {
    const excluded = { botId: 'build-mac-7', reason: 'does not match the bot id pattern' };
    const snapshot = makeSnapshot([], [listed(PUBLIC_HOST, [], [excluded]), listed(INTERNAL_HOST, [])]);

    const result = plan(config, snapshot);

    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ code: 'bot-id-unparsed', swarmingHost: PUBLIC_HOST, botId: 'build-mac-7' });
    expect(result.warnings[0]?.message).toContain('build-mac-7');
    expect(describeActions(result)).toEqual([`create ${PUBLIC_HOST} public`]);
  });

  it('join a lease with a bot listed by another host', () => {
    // The bot still counts for the lease, whichever host lists it, but the mismatch is reported.
    const lease = makeLease({ leaseId: 'l1', host: PUBLIC_HOST, expiresIn: 10 * HOUR });

    const result = planListed(config, [lease], { [INTERNAL_HOST]: [makeBot('l1')] });

    expect(describeActions(result)).toEqual(['renew l1']);
    expect(decisionOf(result, 'l1').reason).toBe('renew-due');
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'bot-on-other-host', swarmingHost: PUBLIC_HOST, leaseId: 'l1', botId: makeBot('l1').botId }),
    ]);
    expect(result.warnings[0]?.message).toContain(INTERNAL_HOST);
  });

  it('summarise bots whose lease is gone', () => {
    const bots = [makeBot('gone-1', 'dead'), makeBot('gone-2', 'dead'), makeBot('gone-4'), makeBot('gone-3')];

    const result = planListed(config, [], { [PUBLIC_HOST]: bots });

    const orphans = result.warnings.filter((warning) => warning.code === 'bot-without-lease');
    expect(orphans).toHaveLength(2);
    expect(orphans.map((warning) => warning.botId)).toEqual([undefined, makeBot('gone-3').botId]);
    expect(orphans[0]?.message).toContain('2 dead bots');
    expect(orphans[1]?.message).toContain('2 live bots');
  });

  it('plan one copy of a repeated lease id', () => {
    // The copy that expires last is planned. It is not due for renewal, while the copy with IMAGE_B would be.
    const stale = makeLease({ leaseId: 'l1', expiresIn: 23 * HOUR + 30 * 60_000 });
    const latest = makeLease({ leaseId: 'l1', expiresIn: 23 * HOUR + 45 * 60_000 });
    const other = makeLease({ leaseId: 'l1', image: IMAGE_B, expiresIn: 2 * HOUR });

    const result = planListed(config, [other, stale, latest], { [PUBLIC_HOST]: [makeBot('l1')] });

    expect(result.decisions).toHaveLength(1);
    expect(decisionOf(result, 'l1')).toMatchObject({ decision: 'keep', reason: 'renew-not-due', image: IMAGE_A });
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'duplicate-lease', leaseId: 'l1' })]);
    expect(result.warnings[0]?.message).toContain('3 times');
    expect(result.groups[0]?.have).toBe(1);
  });

  it('plan the same copy in any order', () => {
    // A missing expiry (NaN) and -Infinity both count as the earliest, so only a further rule can choose between them.
    const missing: Lease = { ...makeLease({ leaseId: 'l1', expiresIn: 0 }), expires: Number.NaN };
    const earliest: Lease = { ...makeLease({ leaseId: 'l1', expiresIn: 0 }), expires: Number.NEGATIVE_INFINITY };
    const bots = { [PUBLIC_HOST]: [makeBot('l1')] };

    const forward = planListed(config, [missing, earliest], bots);
    const backward = planListed(config, [earliest, missing], bots);

    expect(backward).toStrictEqual(forward);
    expect(describeActions(forward)).toEqual(['renew l1']);
  });

  it('are sorted by code, then host', () => {
    const lease = makeLease({ leaseId: 'l1', host: PUBLIC_HOST, expiresIn: 10 * HOUR });
    const snapshot = makeSnapshot(
      [lease, lease],
      [listed(INTERNAL_HOST, [makeBot('l1'), makeBot('gone', 'dead')], [{ botId: 'x', reason: 'no match' }])],
    );

    const result = plan(config, snapshot);

    expect(result.warnings.map((warning) => `${warning.code} ${warning.swarmingHost ?? ''}`)).toEqual([
      `bot-id-unparsed ${INTERNAL_HOST}`,
      `bot-on-other-host ${PUBLIC_HOST}`,
      `bot-without-lease ${INTERNAL_HOST}`,
      'duplicate-lease ',
      `listing-missing ${PUBLIC_HOST}`,
    ]);
  });
});
