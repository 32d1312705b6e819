/**
 * Totality and decision laws: plan() returns a plan for any well-typed
 * input, with exactly one decision per distinct lease id, sorted by lease id
 * in code-unit order, and a decision kind that matches the lease's action.
 */
import type { Lease, Plan } from '@makemac/core';
import { listed, plan } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { oddScenarioArbitrary, scenarioArbitrary } from '../support/arbitraries.js';
import { HOUR, IMAGE_A, NOW, PUBLIC_HOST, makeConfig } from '../support/builders.js';
import { leaseIdOfAction } from '../support/plan-queries.js';

/** Distinct ids in the order `<` gives on strings, which is what the plan promises. */
const sortedDistinct = (ids: readonly string[]): string[] => [...new Set(ids)].sort();

const expectDecisionsMatchActions = (result: Plan): void => {
  const actionTags = new Map<string, string>();
  for (const action of result.actions) {
    const leaseId = leaseIdOfAction(action);
    if (leaseId !== undefined) actionTags.set(leaseId, action._tag);
  }

  for (const decision of result.decisions) {
    const expectedTag = { vacate: 'Vacate', drain: 'Drain', renew: 'Renew', keep: undefined, skip: undefined }[decision.decision];
    expect(actionTags.get(decision.leaseId), `decision ${decision.decision} of lease ${JSON.stringify(decision.leaseId)}`).toBe(expectedTag);
  }
};

describe('plan decisions', () => {
  it('one per distinct lease id, sorted', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        expect(result.decisions.map((decision) => decision.leaseId)).toEqual(sortedDistinct(snapshot.leases.map((lease) => lease.leaseId)));
      }),
    );
  });

  it('match the actions of their lease', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        expectDecisionsMatchActions(plan(config, snapshot));
      }),
    );
  });

  it('sorted for ids sharing long prefixes', () => {
    // Many ids with a common stem and equal leading characters take the
    // planner's string sort past its UUID fast path, into its tie breaking.
    const idArbitrary = fc
      .tuple(
        fc.constantFrom('', '39b47cf6-2aaa-', 'lease-000000'),
        fc.constantFrom('', 'aaaaaaa', 'aaaaab'),
        fc.string({ unit: fc.constantFrom('a', 'b', 'A', '-', '\u00e9', '\ud83d', '\ude00', '\uffff'), maxLength: 9 }),
      )
      .map(([stem, middle, tail]) => stem + middle + tail);
    const config = makeConfig([{ host: PUBLIC_HOST, images: [{ image: IMAGE_A, count: 3 }] }]);

    fc.assert(
      fc.property(fc.array(idArbitrary, { maxLength: 80 }), (ids) => {
        const leases: Lease[] = ids.map((leaseId, index) => ({
          leaseId,
          projectName: index % 3 === 0 ? 'other' : `makemac/${PUBLIC_HOST}`,
          image: IMAGE_A,
          expires: NOW + (index % 5) * HOUR,
          metadata: {},
        }));
        const result = plan(config, { now: NOW, leases, swarming: [listed(PUBLIC_HOST, [])] });

        expect(result.decisions.map((decision) => decision.leaseId)).toEqual(sortedDistinct(ids));
        const vacateIds = result.actions.filter((action) => action._tag === 'Vacate').map((action) => leaseIdOfAction(action));
        expect(vacateIds).toEqual([...vacateIds].sort());
      }),
    );
  });

  it('total on odd but well-typed input', () => {
    fc.assert(
      fc.property(oddScenarioArbitrary, ({ config, snapshot }) => {
        const result = plan(config, snapshot);

        expect(result.decisions.map((decision) => decision.leaseId)).toEqual(sortedDistinct(snapshot.leases.map((lease) => lease.leaseId)));
        expectDecisionsMatchActions(result);
        expect(result.groups).toHaveLength(config.swarmingHosts.reduce((total, host) => total + host.images.length, 0));
      }),
    );
  });

  it('total on empty configuration and snapshot', () => {
    const empty = makeConfig([]);
    expect(plan(empty, { now: NOW, leases: [], swarming: [] })).toEqual({ now: NOW, actions: [], decisions: [], groups: [], warnings: [] });

    const lease: Lease = { leaseId: 'l1', projectName: `makemac/${PUBLIC_HOST}`, image: IMAGE_A, expires: NOW, metadata: {} };
    const result = plan(empty, { now: NOW, leases: [lease], swarming: [] });
    expect(result.actions).toEqual([]);
    expect(result.decisions.map((decision) => [decision.leaseId, decision.decision, decision.reason])).toEqual([['l1', 'skip', 'foreign-host']]);
  });
});
