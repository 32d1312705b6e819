/**
 * Examples of creates and group summaries: each configured (host, image)
 * gets its count minus the leases it keeps, with a complete leases:create
 * request whose cert and key are secret references.
 */
import { describe, expect, it } from 'vitest';

import {
  HOUR,
  IMAGE_A,
  IMAGE_B,
  INTERNAL_HOST,
  PUBLIC_HOST,
  describeActions,
  makeBot,
  makeConfig,
  makeLease,
  planListed,
} from '../support/builders.js';

/** The plan's vacates and creates; every lease these examples keep is also due for renewal. */
const changes = (result: ReturnType<typeof planListed>): string[] => describeActions(result).filter((line) => !line.startsWith('renew '));

describe('create', () => {
  it('builds the full leases:create request', () => {
    const config = makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 1, hostname: 'darwin-amd64-14' }] }]);

    const result = planListed(config, []);

    expect(result.actions).toEqual([
      {
        _tag: 'Create',
        swarmingHost: 'chromium-swarm.appspot.com',
        image: IMAGE_A,
        hostname: 'darwin-amd64-14',
        request: {
          namespace: { customerName: 'golang', projectName: 'makemac/chromium-swarm.appspot.com', subCustomerName: '' },
          image: IMAGE_A,
          profile: 'V1_MEDIUM_VM',
          accessLevel: 'GOLANG_OSS',
          duration: 86_400_000,
          metadata: [
            { key: 'golang.swarming', value: { _tag: 'Plain', value: 'chromium-swarm.appspot.com' } },
            { key: 'golang.hostname', value: { _tag: 'Plain', value: 'darwin-amd64-14' } },
            { key: 'golang.cert', value: { _tag: 'SecretReference', reference: 'secret:symbolic-datum-552/darwin-amd64-14-cert' } },
            { key: 'golang.key', value: { _tag: 'SecretReference', reference: 'secret:symbolic-datum-552/darwin-amd64-14-key' } },
          ],
        },
      },
    ]);
  });

  it('uses the configured customer, prefix, profile and durations', () => {
    const config = makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 1 }] }], {
      customer: 'acme',
      projectPrefix: 'pool',
      profile: 'V1_LARGE_VM',
      accessLevel: 'OPEN',
      createDuration: 6 * HOUR,
      renewDuration: 5 * HOUR,
    });

    const [create] = planListed(config, []).actions;

    expect(create?._tag === 'Create' ? create.request : undefined).toMatchObject({
      namespace: { customerName: 'acme', projectName: `pool/${PUBLIC_HOST}`, subCustomerName: '' },
      profile: 'V1_LARGE_VM',
      accessLevel: 'OPEN',
      duration: 6 * HOUR,
    });
  });

  it('creates the count minus the kept leases', () => {
    const config = makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 4, hostname: 'mac' }] }]);
    const leases = [
      makeLease({ leaseId: 'live', expiresIn: 10 * HOUR }),
      makeLease({ leaseId: 'booting', expiresIn: 23 * HOUR + 1 }),
      makeLease({ leaseId: 'dead', expiresIn: 10 * HOUR }),
    ];

    const result = planListed(config, leases, { [PUBLIC_HOST]: [makeBot('live'), makeBot('dead', 'dead')] });

    // The booting lease counts as kept; the dead one is replaced.
    expect(changes(result)).toEqual(['vacate dead bot-dead', `create ${PUBLIC_HOST} mac`, `create ${PUBLIC_HOST} mac`]);
    expect(result.groups).toEqual([{ swarmingHost: PUBLIC_HOST, image: IMAGE_A, hostname: 'mac', have: 3, want: 4, create: 2, deferred: 0 }]);
  });

  it('counts the same image separately per host', () => {
    const config = makeConfig([
      { host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 2, hostname: 'public' }] },
      { host: INTERNAL_HOST, images: [{ image: IMAGE_A, count: 1, hostname: 'internal' }] },
    ]);
    const leases = [
      makeLease({ leaseId: 'p1', host: PUBLIC_HOST, expiresIn: 10 * HOUR }),
      makeLease({ leaseId: 'p2', host: PUBLIC_HOST, expiresIn: 10 * HOUR }),
    ];

    const result = planListed(config, leases, { [PUBLIC_HOST]: [makeBot('p1'), makeBot('p2')] });

    expect(changes(result)).toEqual([`create ${INTERNAL_HOST} internal`]);
    expect(result.groups.map(({ swarmingHost, have, want, create }) => ({ swarmingHost, have, want, create }))).toEqual([
      { swarmingHost: PUBLIC_HOST, have: 2, want: 2, create: 0 },
      { swarmingHost: INTERNAL_HOST, have: 0, want: 1, create: 1 },
    ]);
  });

  it('reports groups in configuration order', () => {
    const config = makeConfig([
      { host: PUBLIC_HOST, images: [{ image: IMAGE_B, count: 1, hostname: 'b' }, { image: IMAGE_A, count: 2, hostname: 'a' }] },
      { host: INTERNAL_HOST, images: [{ image: IMAGE_A, count: 0, hostname: 'internal' }] },
    ]);
    const leases = [
      makeLease({ leaseId: 'a1', host: PUBLIC_HOST, image: IMAGE_A, expiresIn: 10 * HOUR }),
      makeLease({ leaseId: 'i1', host: INTERNAL_HOST, image: IMAGE_A, expiresIn: 10 * HOUR }),
    ];

    const result = planListed(config, leases, { [PUBLIC_HOST]: [makeBot('a1')], [INTERNAL_HOST]: [makeBot('i1')] });

    expect(result.groups.map(({ hostname, have, want, create }) => ({ hostname, have, want, create }))).toEqual([
      { hostname: 'b', have: 0, want: 1, create: 1 },
      { hostname: 'a', have: 1, want: 2, create: 1 },
      { hostname: 'internal', have: 1, want: 0, create: 0 },
    ]);
    expect(changes(result)).toEqual(['vacate i1 over-count', `create ${PUBLIC_HOST} b`, `create ${PUBLIC_HOST} a`]);
  });

  it('counts vacated leases in have', () => {
    const config = makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 1 }] }]);
    const leases = [makeLease({ leaseId: 'x', expiresIn: 10 * HOUR }), makeLease({ leaseId: 'y', expiresIn: 10 * HOUR })];

    const result = planListed(config, leases, { [PUBLIC_HOST]: [makeBot('x', 'dead'), makeBot('y', 'dead')] });

    expect(result.groups.map(({ have, want, create }) => ({ have, want, create }))).toEqual([{ have: 2, want: 1, create: 1 }]);
  });
});
