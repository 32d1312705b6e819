/**
 * Determinism: the plan depends on the snapshot's contents, not on the order
 * in which MacService returned leases or Swarming returned bots and
 * listings.
 */
import { plan } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { oddScenarioArbitrary, scenarioArbitrary, shuffledSnapshotArbitrary } from '../support/arbitraries.js';

describe('plan determinism', () => {
  it('ignores the order of leases, bots and listings', () => {
    const scenarioWithShuffle = scenarioArbitrary().chain((scenario) =>
      shuffledSnapshotArbitrary(scenario.snapshot).map((shuffled) => ({ ...scenario, shuffled })),
    );

    fc.assert(
      fc.property(scenarioWithShuffle, ({ config, snapshot, shuffled }) => {
        expect(plan(config, shuffled)).toStrictEqual(plan(config, snapshot));
      }),
    );
  });

  it('ignores input order on odd input', () => {
    const oddWithShuffle = oddScenarioArbitrary.chain((scenario) =>
      shuffledSnapshotArbitrary(scenario.snapshot).map((shuffled) => ({ ...scenario, shuffled })),
    );

    fc.assert(
      fc.property(oddWithShuffle, ({ config, snapshot, shuffled }) => {
        expect(plan(config, shuffled)).toStrictEqual(plan(config, snapshot));
      }),
    );
  });

  it('returns equal plans for equal input', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const copy = structuredClone(snapshot);
        expect(plan(config, copy)).toStrictEqual(plan(config, snapshot));
      }),
    );
  });

  it('leaves its input unchanged', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const before = structuredClone({ config, snapshot });
        plan(config, snapshot);
        expect({ config, snapshot }).toEqual(before);
      }),
    );
  });
});
