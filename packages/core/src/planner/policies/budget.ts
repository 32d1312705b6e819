/**
 * Drains and the disruption budget. A lease that leaves for a voluntary
 * reason (`image-obsolete`, `over-count`) while its bot runs a task is not
 * vacated: its bot is drained, so the build finishes. Voluntary vacates and
 * drains together are then limited per host and cycle by the disruption
 * budget; the rest wait as `budget`, renewed when due.
 *
 * The budget lets leases go in this order: `image-obsolete` before
 * `over-count`, then the over-count victim order (quarantined or in
 * maintenance, booting, idle, busy), then earliest expiry, then lease id.
 */
import type { Bot } from '../../domain.js';
import type { BotIndex, LeaseTable, WarningSink } from '../types.js';
import { OWNERSHIP_MANAGED, RANK_BUSY, RANK_QUARANTINED, VACATE_IMAGE_OBSOLETE, VACATE_OVER_COUNT } from '../types.js';
import { describeBudget } from './details.js';
import { drainLease, holdLease } from './hold.js';
import { resolveCountOrPercent } from './resolve.js';
import { HOLD_BUDGET, type HostPolicyState, type PolicyOutcome } from './state.js';
import { chooseInVictimOrder } from './victims.js';

/** Ranks per vacate code in the budget's buckets. */
const RANKS = 4;

/** Whether the bot runs a task and so would lose a build if its lease were vacated. */
export const isBusy = (bot: Bot | undefined): boolean => bot !== undefined && !bot.isDead && bot.taskId !== undefined && bot.taskId !== '';

/**
 * Drains the busy bots among voluntary vacates, then holds the voluntary
 * vacates and drains of each host beyond its budget, with one warning per
 * host that had to defer some.
 */
export const applyDisruptionBudgets = (table: LeaseTable, botIndex: BotIndex, outcome: PolicyOutcome, warnings: WarningSink): void => {
  for (const state of outcome.hosts) state.budget = Math.max(1, resolveCountOrPercent(state.policy.disruptionBudget, state.managed, 'down'));

  for (let position = 0; position < table.leases.length; position += 1) {
    if (!isVoluntary(table, position)) continue;
    const state = outcome.hosts[table.hostOf[position] as number] as HostPolicyState;
    state.voluntary += 1;

    // NOTE: A snapshot does not show which bots earlier plans drained. A bot drained before and not
    // chosen again still leaves, and docs/policies.md describes what that does to the rollout floor.

    // Only busy, quarantined and in-maintenance bots can run a task, so the rank spares reading the others.
    const rank = table.victimRank[position];
    const botPosition = table.botOf[position] as number;
    const mayRunTask = rank === RANK_BUSY || rank === RANK_QUARANTINED;
    if (mayRunTask && botPosition >= 0 && isBusy(botIndex.bots[botPosition])) drainLease(outcome, position);
  }

  const overBudget = outcome.hosts.filter((state) => state.voluntary > state.budget);
  if (overBudget.length === 0) return;

  const buckets = collectBuckets(table, outcome, overBudget);
  overBudget.forEach((state, index) => {
    const choice = chooseInVictimOrder(table, buckets[index] as number[][], state.budget);
    for (const position of choice.rest) holdLease(table, outcome, position, HOLD_BUDGET);
    state.deferred = choice.rest.length;
    warnings.push({
      code: 'disruption-budget',
      swarmingHost: state.host.config.host,
      message: describeBudget(state) + '; ' + String(state.voluntary) + ' are due, so ' + String(state.deferred) + ' wait for a later cycle',
    });
  });
};

const isVoluntary = (table: LeaseTable, position: number): boolean => {
  const vacate = table.vacate[position];
  return (vacate === VACATE_IMAGE_OBSOLETE || vacate === VACATE_OVER_COUNT) && table.ownership[position] === OWNERSHIP_MANAGED;
};

/** Per host over budget: its voluntary vacates in buckets, image-obsolete ranks first, then over-count ranks. */
const collectBuckets = (table: LeaseTable, outcome: PolicyOutcome, overBudget: readonly HostPolicyState[]): number[][][] => {
  const slotOfHost = new Int32Array(outcome.hosts.length).fill(-1);
  const buckets = overBudget.map((state, index) => {
    slotOfHost[state.host.index] = index;
    return Array.from({ length: 2 * RANKS }, (): number[] => []);
  });

  for (let position = 0; position < table.leases.length; position += 1) {
    if (!isVoluntary(table, position)) continue;
    const slot = slotOfHost[table.hostOf[position] as number] as number;
    if (slot < 0) continue;
    const kind = table.vacate[position] === VACATE_IMAGE_OBSOLETE ? 0 : RANKS;
    buckets[slot]?.[kind + (table.victimRank[position] as number)]?.push(position);
  }

  return buckets;
};
