/**
 * Examples of the health rules that vacate a managed lease: its VM never
 * connected, its bot died, or its image is no longer configured for its
 * host. A lease with more than the renew duration left may still be booting.
 */
import { describe, expect, it } from 'vitest';

import {
  HOUR,
  IMAGE_A,
  IMAGE_B,
  INTERNAL_HOST,
  MINUTE,
  PUBLIC_HOST,
  decisionOf,
  describeActions,
  makeBot,
  makeConfig,
  makeLease,
  planListed,
} from '../support/builders.js';

/** One host, one image, a count high enough that no example here is over count. */
const config = makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 5, hostname: 'darwin-amd64-14' }] }]);

const vacateLines = (result: ReturnType<typeof planListed>): string[] =>
  describeActions(result).filter((line) => line.startsWith('vacate '));

describe('vacate never-connected', () => {
  it('vacates a lease whose VM never connected', () => {
    const lease = makeLease({ leaseId: 'l1', expiresIn: 22 * HOUR });

    const result = planListed(config, [lease]);

    expect(vacateLines(result)).toEqual(['vacate l1 never-connected']);
    expect(decisionOf(result, 'l1')).toMatchObject({ decision: 'vacate', reason: 'never-connected', swarmingHost: PUBLIC_HOST });
  });

  it('keeps a lease just inside the booting window', () => {
    const lease = makeLease({ leaseId: 'l1', expiresIn: 23 * HOUR + 1 });

    const result = planListed(config, [lease]);

    expect(vacateLines(result)).toEqual([]);
    expect(decisionOf(result, 'l1')).toMatchObject({ decision: 'keep', reason: 'booting' });
  });

  it('vacates a lease exactly at the booting boundary', () => {
    // Booting means strictly more than the renew duration left.
    const lease = makeLease({ leaseId: 'l1', expiresIn: 23 * HOUR });

    const result = planListed(config, [lease]);

    expect(vacateLines(result)).toEqual(['vacate l1 never-connected']);
  });

  it('vacates a lease just past the booting window', () => {
    const lease = makeLease({ leaseId: 'l1', expiresIn: 23 * HOUR - 1 });

    const result = planListed(config, [lease]);

    expect(vacateLines(result)).toEqual(['vacate l1 never-connected']);
  });

  it('uses the configured renew duration as the boundary', () => {
    const short = makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 5 }] }], {
      createDuration: 2 * HOUR,
      renewDuration: 90 * MINUTE,
    });
    const booting = makeLease({ leaseId: 'booting', expiresIn: 90 * MINUTE + 1 });
    const stale = makeLease({ leaseId: 'stale', expiresIn: 90 * MINUTE });

    const result = planListed(short, [booting, stale]);

    expect(vacateLines(result)).toEqual(['vacate stale never-connected']);
    expect(decisionOf(result, 'booting').reason).toBe('booting');
  });

  it('vacates an expired lease with no bot', () => {
    const lease = makeLease({ leaseId: 'l1', expiresIn: -5 * HOUR });

    const result = planListed(config, [lease]);

    expect(vacateLines(result)).toEqual(['vacate l1 never-connected']);
  });
});

describe('vacate bot-dead', () => {
  it('vacates a lease whose bot is dead', () => {
    const lease = makeLease({ leaseId: 'l1', expiresIn: 10 * HOUR });

    const result = planListed(config, [lease], { [PUBLIC_HOST]: [makeBot('l1', 'dead')] });

    expect(vacateLines(result)).toEqual(['vacate l1 bot-dead']);
    expect(decisionOf(result, 'l1').detail).toContain(makeBot('l1').botId);
  });

  it('vacates a new lease whose bot is dead', () => {
    // A bot that connected once and died is not waited for, however new the lease.
    const lease = makeLease({ leaseId: 'l1', expiresIn: 24 * HOUR });

    const result = planListed(config, [lease], { [PUBLIC_HOST]: [makeBot('l1', 'dead')] });

    expect(vacateLines(result)).toEqual(['vacate l1 bot-dead']);
  });

  it('keeps a lease with a live bot beside a dead one', () => {
    // A VM that re-registered under another hostname leaves its old bot listed as dead.
    const lease = makeLease({ leaseId: 'l1', expiresIn: 10 * HOUR });
    const dead = makeBot('l1', 'dead', 'darwin-amd64-13');
    const live = makeBot('l1', 'idle', 'darwin-amd64-14');

    const result = planListed(config, [lease], { [PUBLIC_HOST]: [dead, live] });

    expect(vacateLines(result)).toEqual([]);
    expect(decisionOf(result, 'l1').reason).toBe('renew-due');
  });

  it('only warns about a dead bot without a lease', () => {
    const result = planListed(config, [], { [PUBLIC_HOST]: [makeBot('gone', 'dead')] });

    expect(vacateLines(result)).toEqual([]);
    expect(result.decisions).toEqual([]);
    const warning = result.warnings.find((entry) => entry.code === 'bot-without-lease');
    expect(warning?.swarmingHost).toBe(PUBLIC_HOST);
    expect(warning?.message).toContain('1 dead bot');
  });
});

describe('vacate image-obsolete', () => {
  it('vacates a lease of an image its host does not configure', () => {
    const lease = makeLease({ leaseId: 'l1', image: IMAGE_B, expiresIn: 10 * HOUR });

    const result = planListed(config, [lease], { [PUBLIC_HOST]: [makeBot('l1')] });

    expect(vacateLines(result)).toEqual(['vacate l1 image-obsolete']);
    expect(decisionOf(result, 'l1').detail).toContain(IMAGE_B);
  });

  it('judges the image per host', () => {
    // IMAGE_B is configured, but only for the internal host.
    const twoHosts = makeConfig([
      { host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 1 }] },
      { host: INTERNAL_HOST, images: [{ image: IMAGE_B, count: 1 }] },
    ]);
    const lease = makeLease({ leaseId: 'l1', host: PUBLIC_HOST, image: IMAGE_B, expiresIn: 10 * HOUR });

    const result = planListed(twoHosts, [lease], { [PUBLIC_HOST]: [makeBot('l1')] });

    expect(vacateLines(result)).toEqual(['vacate l1 image-obsolete']);
  });

  it('vacates a lease that reports no image', () => {
    const lease = makeLease({ leaseId: 'l1', image: '', expiresIn: 10 * HOUR });

    const result = planListed(config, [lease], { [PUBLIC_HOST]: [makeBot('l1')] });

    expect(vacateLines(result)).toEqual(['vacate l1 image-obsolete']);
  });

  it('vacates a booting lease of an obsolete image', () => {
    // Waiting for its VM to connect would only postpone the same vacate by a cycle.
    const lease = makeLease({ leaseId: 'l1', image: IMAGE_B, expiresIn: 23 * HOUR + 30 * MINUTE });

    const result = planListed(config, [lease]);

    expect(vacateLines(result)).toEqual(['vacate l1 image-obsolete']);
  });

  it('drains a busy lease of an obsolete image', () => {
    const countOne = makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 1, hostname: 'darwin-amd64-14' }] }]);
    const lease = makeLease({ leaseId: 'l1', image: IMAGE_B, expiresIn: 10 * HOUR });

    const result = planListed(countOne, [lease], { [PUBLIC_HOST]: [makeBot('l1', 'busy')] });

    // A drained lease does not count as kept, so its replacement is created in the same plan.
    expect(describeActions(result)).toEqual(['drain l1 image-obsolete', `create ${PUBLIC_HOST} darwin-amd64-14`]);
    expect(decisionOf(result, 'l1')).toMatchObject({ decision: 'drain', reason: 'image-obsolete' });
  });

  it('prefers bot-dead over image-obsolete', () => {
    const lease = makeLease({ leaseId: 'l1', image: IMAGE_B, expiresIn: 10 * HOUR });

    const result = planListed(config, [lease], { [PUBLIC_HOST]: [makeBot('l1', 'dead')] });

    expect(vacateLines(result)).toEqual(['vacate l1 bot-dead']);
  });

  it('prefers never-connected over image-obsolete', () => {
    const lease = makeLease({ leaseId: 'l1', image: IMAGE_B, expiresIn: HOUR });

    const result = planListed(config, [lease]);

    expect(vacateLines(result)).toEqual(['vacate l1 never-connected']);
  });
});
