/**
 * What the runtime refuses to execute after a swarming listing failed, on top
 * of what the planner already holds back for hosts it marks `listing-failed`.
 *
 * Without a host's bots, a vacate can hit a healthy VM that only looks
 * missing, so the runtime is deliberately stricter than the planner:
 * - renews always run, because extending a lease `find` listed is safe
 *   whatever Swarming reports, and skipping them could let a healthy lease expire;
 * - creates and drains run only for swarming hosts whose listing succeeded,
 *   because a drain only asks a listed, live bot to stop after its task, and
 *   a failed listing elsewhere says nothing about that bot;
 * - vacates run only when every listing succeeded. With
 *   `vacateOnListedHosts`, vacates of leases on hosts whose listing
 *   succeeded run too, which trusts the planner to treat a failed host in
 *   isolation; vacates on a failed host never run.
 */
import type { Action, SwarmingListing } from '@makemac/core';

import type { ActionOutcome } from './report.js';
import { skippedOutcome } from './outcomes.js';

/** Options of {@link holdBackUnsafeActions}. */
export interface ListingSafetyOptions {
  /**
   * When some listing failed, still vacate leases of swarming hosts whose
   * listing succeeded. False by default: any failed listing stops every vacate.
   */
  readonly vacateOnListedHosts?: boolean | undefined;
}

/** The actions split into those to execute and those held back with a `skipped` outcome. */
export interface SafetyDecision {
  /** Indices into the plan's actions of the actions to execute. */
  readonly allowed: readonly number[];
  /** Outcomes of the held-back actions by index into the plan's actions. */
  readonly heldBack: ReadonlyMap<number, ActionOutcome>;
}

/**
 * Splits a plan's actions into those safe to execute given the swarming
 * listings and those held back. A configured host without a listing counts as
 * failed.
 */
export const holdBackUnsafeActions = (
  actions: readonly Action[],
  listings: readonly SwarmingListing[],
  options: ListingSafetyOptions = {},
): SafetyDecision => {
  const listedHosts = new Set<string>();
  const failedHosts = new Set<string>();
  for (const listing of listings) {
    switch (listing._tag) {
      case 'Listed':
        listedHosts.add(listing.swarmingHost);
        break;
      case 'ListingFailed':
        failedHosts.add(listing.swarmingHost);
        break;
    }
  }
  // A host listed twice with one failure counts as failed.
  for (const host of failedHosts) {
    listedHosts.delete(host);
  }
  const failedList = [...failedHosts].sort().join(', ');

  const allowed: number[] = [];
  const heldBack = new Map<number, ActionOutcome>();
  actions.forEach((action, index) => {
    const reason = holdBackReason(action, listedHosts, failedHosts.size > 0, failedList, options);
    if (reason === undefined) {
      allowed.push(index);
    } else {
      heldBack.set(index, skippedOutcome(action, 'listing-failed', reason));
    }
  });

  return { allowed, heldBack };
};

const holdBackReason = (
  action: Action,
  listedHosts: ReadonlySet<string>,
  anyFailed: boolean,
  failedList: string,
  options: ListingSafetyOptions,
): string | undefined => {
  switch (action._tag) {
    case 'Renew':
      return undefined;
    case 'Create':
    case 'Drain':
      return listedHosts.has(action.swarmingHost)
        ? undefined
        : `not attempted: the bots of swarming host ${action.swarmingHost} could not be listed this cycle`;
    case 'Vacate':
      if (!anyFailed) {
        return undefined;
      }
      if (options.vacateOnListedHosts === true && listedHosts.has(action.swarmingHost)) {
        return undefined;
      }
      return `not attempted: no vacate runs while a swarming listing failed (${failedList})`;
  }
};
