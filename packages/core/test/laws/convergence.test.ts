/**
 * Convergence: once a plan has been carried out and every new VM has
 * connected, the next plan, made less than createDuration - renewDuration
 * later, vacates and creates nothing. A plan that left work for the next
 * cycle would make the pool flap.
 */
import { plan } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { scenarioArbitrary } from '../support/arbitraries.js';
import { listingOf } from '../support/oracle.js';
import { advanceWorld, applyPlan, snapshotOfWorld, worldFromSnapshot } from '../support/model.js';
import { describeActions } from '../support/builders.js';

/** A scenario and how long to wait before planning again: less than createDuration - renewDuration. */
const scenarioWithPause = fc.oneof(scenarioArbitrary(), scenarioArbitrary({ crowded: true })).chain((scenario) =>
  fc
    .integer({ min: 0, max: scenario.config.createDuration - scenario.config.renewDuration - 1 })
    .map((pause) => ({ ...scenario, pause })),
);

describe('plan convergence', () => {
  it('second plan vacates and creates nothing', () => {
    fc.assert(
      fc.property(scenarioWithPause, ({ config, snapshot, pause }) => {
        const first = plan(config, snapshot);
        const world = advanceWorld(applyPlan(worldFromSnapshot(config, snapshot), first, { finishBooting: true }), pause);
        const second = plan(config, snapshotOfWorld(world));

        const changes = describeActions(second).filter((line) => !line.startsWith('renew '));
        expect(changes, `first plan: ${describeActions(first).join(', ')}`).toEqual([]);
      }),
    );
  });

  it('second plan has every listed group at its count', () => {
    fc.assert(
      fc.property(scenarioWithPause, ({ config, snapshot, pause }) => {
        const first = plan(config, snapshot);
        const world = advanceWorld(applyPlan(worldFromSnapshot(config, snapshot), first, { finishBooting: true }), pause);
        const secondSnapshot = snapshotOfWorld(world);
        const second = plan(config, secondSnapshot);

        for (const group of second.groups) {
          if (listingOf(secondSnapshot, group.swarmingHost) !== 'listed') continue;
          expect(group.have, `${group.swarmingHost} ${group.hostname}`).toBe(group.want);
        }
      }),
    );
  });
});
