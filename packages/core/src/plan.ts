/**
 * `plan()`: the pure heart of makemac. Given the configuration and a
 * snapshot of MacService leases and Swarming bots, it decides which leases
 * to vacate, renew and create, and explains every decision.
 *
 * The work runs in visible stages, one file each under `planner/`:
 * 1. index the configured hosts and their listing status;
 * 2. index the bots of every successful listing;
 * 3. join leases and bots by lease id (one sort, one pass);
 * 4. classify each lease: managed, unmanaged or foreign-host;
 * 5. choose vacates: never connected, dead bot, obsolete image, over count;
 * 6. choose renewals; 7. count creates; 8. assemble the plan.
 * Safety policies (`planner/policies/`) run between stages 5 and 6, where
 * they hold back or drain vacates, and after stage 7, where they limit
 * creates.
 */
import type { Config } from './config-types.js';
import type { Snapshot } from './domain.js';
import type { Plan } from './plan-types.js';
import { assemblePlan } from './planner/assemble.js';
import { indexBots } from './planner/bots.js';
import { classifyLeases } from './planner/classify.js';
import { chooseCreates } from './planner/creates.js';
import { indexHosts } from './planner/hosts.js';
import { joinLeasesAndBots } from './planner/join.js';
import { applyCreatePolicies, applyVacatePolicies } from './planner/policies/index.js';
import { chooseRenewals } from './planner/renewals.js';
import type { WarningSink } from './planner/types.js';
import { chooseVacates } from './planner/vacates.js';

/**
 * Computes the plan for one reconcile cycle. Pure and total: it reads no
 * clock (the time is `snapshot.now`), never throws on well-typed input, and
 * returns deep-equal plans for the same leases, bots and listings in any
 * order. The rules are described in docs/planner.md.
 */
export const plan = (config: Config, snapshot: Snapshot): Plan => {
  const warnings: WarningSink = [];

  const hostIndex = indexHosts(config, snapshot.swarming, warnings);
  const botIndex = indexBots(snapshot.swarming, warnings);
  const join = joinLeasesAndBots(snapshot.leases, botIndex, warnings);
  const table = classifyLeases(config, snapshot, join, hostIndex, botIndex, warnings);

  chooseVacates(table, hostIndex, config.renewDuration);
  const policies = applyVacatePolicies({ snapshot, table, hostIndex, botIndex, warnings });
  chooseRenewals(table, config.renewDuration);
  const creates = applyCreatePolicies(table, chooseCreates(table, hostIndex), policies, warnings);

  return assemblePlan({ config, now: snapshot.now, table, hostIndex, botIndex, creates, warnings, policies });
};
