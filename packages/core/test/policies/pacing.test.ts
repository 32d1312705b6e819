/**
 * Create pacing: at most `maxCreatesPerCycle` creates per host and cycle,
 * shared fairly between the host's groups.
 */
import { describe, expect, it } from 'vitest';

import { IMAGE_A, IMAGE_B, IMAGE_C, INTERNAL_HOST, makeConfig, planListed } from '../support/builders.js';
import { PUBLIC_HOST, createCount, warningsWith, withPolicy } from './support.js';

describe('create pacing', () => {
  it('creates at most 20 per host by default', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 56 }] }]));

    const result = planListed(config, []);

    expect(createCount(result)).toBe(20);
    expect(result.groups.map((group) => [group.create, group.deferred])).toEqual([[20, 36]]);
    const [warning] = warningsWith(result, 'create-pacing');
    expect(warning?.swarmingHost).toBe(PUBLIC_HOST);
    expect(warning?.message).toContain('need 56 creates and maxCreatesPerCycle is 20, so 36 wait');
  });

  it('gives a small group all it needs before a large one', () => {
    const config = withPolicy(
      makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 30 }, { image: IMAGE_B, count: 3 }] }]),
    );

    const result = planListed(config, []);

    expect(result.groups.map((group) => [group.create, group.deferred])).toEqual([
      [17, 13],
      [3, 0],
    ]);
  });

  it('shares evenly and gives the rest in configuration order', () => {
    const config = withPolicy(
      makeConfig([
        {
          host: PUBLIC_HOST,
          images: [
            { image: IMAGE_A, count: 3 },
            { image: IMAGE_B, count: 3 },
            { image: IMAGE_C, count: 3 },
          ],
        },
      ]),
      { maxCreatesPerCycle: 5 },
    );

    const result = planListed(config, []);

    expect(result.groups.map((group) => group.create)).toEqual([2, 2, 1]);
    expect(result.groups.map((group) => group.deferred)).toEqual([1, 1, 2]);
  });

  it('paces each host on its own', () => {
    const config = withPolicy(
      makeConfig([
        { host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 4 }] },
        { host: INTERNAL_HOST, images: [{ image: IMAGE_A, count: 4 }] },
      ]),
      { maxCreatesPerCycle: 3 },
    );

    const result = planListed(config, []);

    expect(createCount(result)).toBe(6);
    expect(warningsWith(result, 'create-pacing').map((warning) => warning.swarmingHost)).toEqual([INTERNAL_HOST, PUBLIC_HOST]);
  });

  it('reports no deferral when the limit suffices', () => {
    const config = withPolicy(makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 20 }] }]));

    const result = planListed(config, []);

    expect(result.groups.map((group) => group.deferred)).toEqual([0]);
    expect(warningsWith(result, 'create-pacing')).toEqual([]);
  });
});
