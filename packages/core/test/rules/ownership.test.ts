/**
 * Examples of which leases are makemac's: only a project `<prefix>/<host>`
 * with a configured host is managed. Every other lease is skipped, never
 * acted on and never counted toward a group.
 */
import { listed, plan } from '@makemac/core';
import { describe, expect, it } from 'vitest';

import {
  HOUR,
  IMAGE_A,
  INTERNAL_HOST,
  NOW,
  PUBLIC_HOST,
  decisionOf,
  describeActions,
  makeBot,
  makeConfig,
  makeLease,
  makeSnapshot,
  planListed,
} from '../support/builders.js';

const config = makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 1, hostname: 'darwin-amd64-14' }] }]);

describe('lease ownership', () => {
  it.each([
    ['another project', 'golang-ci'],
    ['the bare prefix', 'makemac'],
    ['the prefix and an empty host', 'makemac/'],
    ['a leading slash', `/${PUBLIC_HOST}`],
    ['a longer prefix', `makemacx/${PUBLIC_HOST}`],
    ['another prefix with the host', `other/${PUBLIC_HOST}`],
    ['an empty project', ''],
  ])('skips %s as unmanaged', (_, projectName) => {
    // Expired, no bot and an obsolete image: a managed lease like this would be vacated at once.
    const lease = makeLease({ leaseId: 'l1', projectName, image: 'f'.repeat(64), expiresIn: -HOUR });

    const result = planListed(config, [lease]);

    const decision = decisionOf(result, 'l1');
    expect(decision.decision).toBe('skip');
    expect(decision.reason).toBe('unmanaged');
    expect(decision.swarmingHost).toBeUndefined();
    expect(describeActions(result)).toEqual([`create ${PUBLIC_HOST} darwin-amd64-14`]);
  });

  it.each([
    ['an unconfigured host', `makemac/${INTERNAL_HOST}`, INTERNAL_HOST],
    ['a doubled slash', `makemac//${PUBLIC_HOST}`, `/${PUBLIC_HOST}`],
    ['a trailing path', `makemac/${PUBLIC_HOST}/x`, `${PUBLIC_HOST}/x`],
    ['an upper-case host', `makemac/${PUBLIC_HOST.toUpperCase()}`, PUBLIC_HOST.toUpperCase()],
    ['a non-ASCII host', 'makemac/hôst.example', 'hôst.example'],
  ])('skips %s as foreign-host', (_, projectName, swarmingHost) => {
    const lease = makeLease({ leaseId: 'l1', projectName, expiresIn: -HOUR });

    const result = planListed(config, [lease]);

    const decision = decisionOf(result, 'l1');
    expect(decision.decision).toBe('skip');
    expect(decision.reason).toBe('foreign-host');
    expect(decision.swarmingHost).toBe(swarmingHost);
    expect(describeActions(result)).toEqual([`create ${PUBLIC_HOST} darwin-amd64-14`]);
  });

  it('counts no skipped lease toward a group', () => {
    // Both leases have the configured image and a live bot, but neither project is `makemac/<configured host>`.
    const unmanaged = makeLease({ leaseId: 'u1', projectName: 'makemac', expiresIn: 10 * HOUR });
    const foreign = makeLease({ leaseId: 'f1', projectName: `makemac/${INTERNAL_HOST}`, expiresIn: 10 * HOUR });

    const result = planListed(config, [unmanaged, foreign], { [PUBLIC_HOST]: [makeBot('u1'), makeBot('f1')] });

    expect(result.groups.map(({ have, want, create }) => ({ have, want, create }))).toEqual([{ have: 0, want: 1, create: 1 }]);
  });

  it('manages a lease under a custom prefix', () => {
    const custom = makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 0 }] }], { projectPrefix: 'pool' });
    const managed = makeLease({ leaseId: 'm1', projectName: `pool/${PUBLIC_HOST}`, expiresIn: 10 * HOUR });
    const defaultPrefix = makeLease({ leaseId: 'd1', projectName: `makemac/${PUBLIC_HOST}`, expiresIn: 10 * HOUR });

    const result = plan(custom, makeSnapshot([managed, defaultPrefix], [listed(PUBLIC_HOST, [makeBot('m1'), makeBot('d1')])]));

    expect(describeActions(result)).toEqual(['vacate m1 over-count']);
    expect(decisionOf(result, 'd1').reason).toBe('unmanaged');
    expect(result.now).toBe(NOW);
  });
});
