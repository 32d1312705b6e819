/**
 * Convergence: once a plan has been carried out and every new VM has
 * connected, the pool settles. The next plan, made less than
 * createDuration - renewDuration later, creates nothing and vacates only the
 * leases the first plan drained, because their bots are dead once their
 * task ends. The plan after that changes nothing. A plan that left other
 * work for later cycles would make the pool flap.
 */
import type { Plan } from '@makemac/core';
import { plan } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { scenarioArbitrary } from '../support/arbitraries.js';
import { describeActions } from '../support/builders.js';
import { advanceWorld, applyPlan, snapshotOfWorld, worldFromSnapshot } from '../support/model.js';
import { listingOf } from '../support/oracle.js';
import { drainsOf } from '../support/plan-queries.js';

/** A scenario and two pauses between plans, each less than createDuration - renewDuration. */
const scenarioWithPauses = fc.oneof(scenarioArbitrary(), scenarioArbitrary({ crowded: true })).chain((scenario) => {
  const pause = fc.integer({ min: 0, max: scenario.config.createDuration - scenario.config.renewDuration - 1 });
  return fc.tuple(pause, pause).map((pauses) => ({ ...scenario, pauses }));
});

/** The actions of a plan other than renewals, one line each. */
const changesOf = (result: Plan): string[] => describeActions(result).filter((line) => !line.startsWith('renew '));

describe('plan convergence', () => {
  it('settles within two plans', () => {
    fc.assert(
      fc.property(scenarioWithPauses, ({ config, snapshot, pauses }) => {
        const first = plan(config, snapshot);
        const afterFirst = advanceWorld(applyPlan(worldFromSnapshot(config, snapshot), first, { finishBooting: true }), pauses[0]);
        const second = plan(config, snapshotOfWorld(afterFirst));
        const afterSecond = advanceWorld(applyPlan(afterFirst, second, { finishBooting: true }), pauses[1]);
        const third = plan(config, snapshotOfWorld(afterSecond));

        const drainedBotsDead = drainsOf(first)
          .map((drain) => `vacate ${drain.leaseId} bot-dead`)
          .sort();
        expect([...changesOf(second)].sort(), `first plan: ${describeActions(first).join(', ')}`).toEqual(drainedBotsDead);
        expect(changesOf(third), `second plan: ${describeActions(second).join(', ')}`).toEqual([]);
      }),
    );
  });

  it('settles every listed group at its count', () => {
    fc.assert(
      fc.property(scenarioWithPauses, ({ config, snapshot, pauses }) => {
        const first = plan(config, snapshot);
        const afterFirst = advanceWorld(applyPlan(worldFromSnapshot(config, snapshot), first, { finishBooting: true }), pauses[0]);
        const second = plan(config, snapshotOfWorld(afterFirst));
        const settled = snapshotOfWorld(advanceWorld(applyPlan(afterFirst, second, { finishBooting: true }), pauses[1]));

        for (const group of plan(config, settled).groups) {
          if (listingOf(settled, group.swarmingHost) !== 'listed') continue;
          expect(group.have, `${group.swarmingHost} ${group.hostname}`).toBe(group.want);
        }
      }),
    );
  });
});
