/**
 * Laws of the safety policies over generated configurations, policies and
 * snapshots: the budget, busy bots, the sanity gate, the listing-failed
 * lane, renewals of held leases, create pacing and the rollout floor, plus
 * the planner's own invariants with policies in place.
 */
import type { Config, HostPolicy, Snapshot } from '@makemac/core';
import { UNLIMITED_HOST_POLICY, plan } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { shuffledSnapshotArbitrary } from '../support/arbitraries.js';
import { hasLiveBot, isRenewDue, listingOf, ownershipOf, visibleBotsOf } from '../support/oracle.js';
import { policyScenarioArbitrary } from './arbitraries.js';
import {
  budgetOf,
  floorOf,
  leavingIds,
  managedLeasesOf,
  oldLeasesOf,
  plannedCopies,
  policyOf,
  resolve,
  rolloutGroupsOf,
  voluntaryActionsOf,
} from './oracle.js';

const HELD_REASONS = new Set(['budget', 'sanity-gate', 'rollout-waiting', 'rollout-paused']);

/** `config` with `override` on top of each host's policy. */
const overridePolicy = (config: Config, override: Partial<HostPolicy>): Config => ({
  ...config,
  swarmingHosts: config.swarmingHosts.map((host) => ({ ...host, policy: { ...policyOf(config, host.host), ...override } })),
});

const listedHosts = (config: Config, snapshot: Snapshot): string[] =>
  config.swarmingHosts.map((host) => host.host).filter((host) => listingOf(snapshot, host) === 'listed');

const isBusy = (bot: { readonly isDead: boolean; readonly taskId?: string | undefined }): boolean =>
  !bot.isDead && bot.taskId !== undefined && bot.taskId !== '';

describe('policy properties', () => {
  it('keeps voluntary vacates and drains within the budget', () => {
    fc.assert(
      fc.property(policyScenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);

        for (const host of listedHosts(config, snapshot)) {
          const budget = budgetOf(config, snapshot, host);
          const used = voluntaryActionsOf(result, host);
          expect(used).toBeLessThanOrEqual(budget);

          const deferred = result.decisions.some((decision) => decision.swarmingHost === host && decision.reason === 'budget');
          if (deferred) expect(used).toBe(budget);
        }
      }),
    );
  });

  it('never vacates a busy bot for a voluntary reason', () => {
    fc.assert(
      fc.property(policyScenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);

        for (const action of result.actions) {
          if (action._tag === 'Vacate' && (action.reason === 'image-obsolete' || action.reason === 'over-count')) {
            const live = visibleBotsOf(snapshot, action.leaseId).filter((bot) => !bot.isDead);
            const onlyBusy = live.length > 0 && live.every(isBusy);
            expect(onlyBusy, `lease ${action.leaseId} has only busy live bots`).toBe(false);
          }
          if (action._tag === 'Drain') {
            const bot = visibleBotsOf(snapshot, action.leaseId).find((candidate) => candidate.botId === action.botId);
            if (bot === undefined) throw new Error(`drained bot ${action.botId} is not listed for lease ${action.leaseId}`);
            expect(isBusy(bot), `drained bot ${action.botId} is live and busy`).toBe(true);
          }
        }
      }),
    );
  });

  it('vacates and drains nothing on a host whose gate is closed', () => {
    fc.assert(
      fc.property(policyScenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);

        const gated = new Set(result.warnings.filter((warning) => warning.code === 'sanity-gate').map((warning) => warning.swarmingHost));
        for (const action of result.actions) {
          if (action._tag === 'Vacate' || action._tag === 'Drain') expect(gated.has(action.swarmingHost)).toBe(false);
        }
      }),
    );
  });

  it('closes the gate exactly when the involuntary vacates are implausible', () => {
    fc.assert(
      fc.property(policyScenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const ungated = plan(overridePolicy(config, { sanityGateAllowance: Number.MAX_SAFE_INTEGER }), snapshot);

        for (const host of listedHosts(config, snapshot)) {
          const policy = policyOf(config, host);
          const managed = managedLeasesOf(config, snapshot, host).length;
          const involuntary = ungated.actions.filter(
            (action) => action._tag === 'Vacate' && action.swarmingHost === host && (action.reason === 'never-connected' || action.reason === 'bot-dead'),
          );
          const neverConnected = involuntary.filter((action) => action._tag === 'Vacate' && action.reason === 'never-connected').length;
          const listedBots = snapshot.swarming.reduce(
            (sum, listing) => sum + (listing._tag === 'Listed' && listing.swarmingHost === host ? listing.bots.length : 0),
            0,
          );
          const limit = Math.max(policy.sanityGateAllowance, resolve(policy.sanityGateThreshold, managed, 'down'));
          const expected =
            involuntary.length > policy.sanityGateAllowance && (involuntary.length > limit || (listedBots === 0 && neverConnected > 0));

          const closed = result.warnings.some((warning) => warning.code === 'sanity-gate' && warning.swarmingHost === host);
          expect(closed, `gate of ${host} with ${involuntary.length} involuntary of ${managed}`).toBe(expected);
        }
      }),
    );
  });

  it('only renews on a host whose listing failed', () => {
    fc.assert(
      fc.property(policyScenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);

        for (const { host } of config.swarmingHosts) {
          if (listingOf(snapshot, host) === 'listed') continue;
          const changes = result.actions.filter((action) => action._tag !== 'Renew' && action.swarmingHost === host);
          expect(changes).toEqual([]);

          const renewed = new Set(result.actions.flatMap((action) => (action._tag === 'Renew' ? [action.leaseId] : [])));
          for (const lease of managedLeasesOf(config, snapshot, host)) {
            expect(renewed.has(lease.leaseId)).toBe(isRenewDue(lease, snapshot.now, config.renewDuration));
          }
        }
      }),
    );
  });

  it('renews every held lease that is due', () => {
    fc.assert(
      fc.property(policyScenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const leases = plannedCopies(snapshot.leases);
        const renewed = new Set(result.actions.flatMap((action) => (action._tag === 'Renew' ? [action.leaseId] : [])));

        for (const decision of result.decisions) {
          if (!HELD_REASONS.has(decision.reason)) continue;
          const lease = leases.get(decision.leaseId);
          if (lease === undefined) throw new Error(`no lease ${decision.leaseId}`);
          const due = isRenewDue(lease, snapshot.now, config.renewDuration);
          expect(decision.decision).toBe(due ? 'renew' : 'keep');
          expect(renewed.has(decision.leaseId)).toBe(due);
        }
      }),
    );
  });

  it('matches every action to its decision', () => {
    fc.assert(
      fc.property(policyScenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const kinds = new Map(result.decisions.map((decision) => [decision.leaseId, decision.decision]));
        const expectedKind = { Vacate: 'vacate', Drain: 'drain', Renew: 'renew' } as const;

        for (const action of result.actions) {
          if (action._tag === 'Create') continue;
          const kind = kinds.get(action.leaseId);
          // A drained lease is not renewed, so each lease has at most one action.
          expect(kind).toBe(expectedKind[action._tag]);
        }
        const withAction = new Set(result.actions.flatMap((action) => (action._tag === 'Create' ? [] : [action.leaseId])));
        for (const decision of result.decisions) {
          const needsAction = decision.decision === 'vacate' || decision.decision === 'drain' || decision.decision === 'renew';
          expect(withAction.has(decision.leaseId)).toBe(needsAction);
        }
      }),
    );
  });

  it('keeps the planner invariants with policies in place', () => {
    fc.assert(
      fc.property(policyScenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);

        const ids = [...plannedCopies(snapshot.leases).keys()].sort();
        expect(result.decisions.map((decision) => decision.leaseId)).toEqual(ids);

        const leases = plannedCopies(snapshot.leases);
        for (const action of result.actions) {
          if (action._tag === 'Create') continue;
          const lease = leases.get(action.leaseId);
          expect(lease === undefined ? 'missing' : ownershipOf(config, lease.projectName)._tag).toBe('managed');
        }
      }),
    );
  });

  it('returns the same plan for shuffled input', () => {
    const scenario = policyScenarioArbitrary().chain(({ config, snapshot }) =>
      shuffledSnapshotArbitrary(snapshot).map((shuffled) => ({ config, snapshot, shuffled })),
    );

    fc.assert(
      fc.property(scenario, ({ config, snapshot, shuffled }) => {
        expect(plan(config, shuffled)).toEqual(plan(config, snapshot));
      }),
    );
  });

  it('paces creates fairly within the host limit', () => {
    fc.assert(
      fc.property(policyScenarioArbitrary({ allListed: true }), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const unpaced = plan(overridePolicy(config, { maxCreatesPerCycle: Number.MAX_SAFE_INTEGER }), snapshot);

        result.groups.forEach((group, index) => {
          const before = unpaced.groups[index];
          expect(group.create + group.deferred).toBe(before?.create);
          expect(before?.deferred).toBe(0);
        });
        for (const { host } of config.swarmingHosts) {
          const limit = policyOf(config, host).maxCreatesPerCycle;
          const needed = unpaced.groups.filter((group) => group.swarmingHost === host).reduce((sum, group) => sum + group.create, 0);
          const created = result.actions.filter((action) => action._tag === 'Create' && action.swarmingHost === host).length;
          expect(created).toBe(Math.min(limit, needed));
        }
      }),
    );
  });

  it('keeps the rollout floor of live bots', () => {
    fc.assert(
      fc.property(policyScenarioArbitrary({ allListed: true }), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const leaving = leavingIds(result);
        const leases = [...plannedCopies(snapshot.leases).values()];

        for (const group of rolloutGroupsOf(config)) {
          const floor = floorOf(policyOf(config, group.host), group.count);
          const members = leases.filter((lease) => {
            const ownership = ownershipOf(config, lease.projectName);
            return ownership._tag === 'managed' && ownership.host === group.host && lease.image === group.image;
          });
          const liveNewStaying = members.filter((lease) => hasLiveBot(snapshot, lease.leaseId) && !leaving.has(lease.leaseId)).length;
          const liveOld = oldLeasesOf(config, snapshot, group).filter((lease) => hasLiveBot(snapshot, lease.leaseId));
          const liveOldLeaving = liveOld.filter((lease) => leaving.has(lease.leaseId)).length;

          expect(liveOldLeaving, `old leases of ${group.hostname} leaving`).toBeLessThanOrEqual(
            Math.max(0, liveNewStaying + liveOld.length - floor),
          );
        }
      }),
    );
  });

  it('lets no old lease go while its rollout is paused', () => {
    fc.assert(
      fc.property(policyScenarioArbitrary({ allListed: true }), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const leaving = leavingIds(result);

        for (const group of rolloutGroupsOf(config)) {
          const paused = result.warnings.some(
            (warning) => warning.code === 'rollout-paused' && warning.swarmingHost === group.host && warning.message.includes(` ${group.hostname} `),
          );
          if (!paused) continue;
          for (const lease of oldLeasesOf(config, snapshot, group)) {
            const decision = result.decisions.find((entry) => entry.leaseId === lease.leaseId);
            if (decision?.reason === 'image-obsolete') expect(leaving.has(lease.leaseId)).toBe(false);
          }
        }
      }),
    );
  });

  it('plans like the rules alone when no limit binds', () => {
    fc.assert(
      fc.property(policyScenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(overridePolicy(config, UNLIMITED_HOST_POLICY), snapshot);

        const held = result.decisions.filter((decision) => HELD_REASONS.has(decision.reason));
        expect(held).toEqual([]);
        expect(result.warnings.filter((warning) => ['disruption-budget', 'sanity-gate', 'rollout-paused', 'create-pacing'].includes(warning.code))).toEqual([]);
      }),
    );
  });
});
