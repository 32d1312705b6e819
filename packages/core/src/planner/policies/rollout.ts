/**
 * Surge rollouts. When the configured image of a hostname changes, the
 * leases of its old image are matched to the new entry by the
 * `golang.hostname` metadata they were created with. Old leases with a live
 * bot leave only while the hostname keeps at least `count - maxUnavailable`
 * live bots, so new-image leases must be live before old ones go; creates
 * may exceed the count by `maxSurge` meanwhile. When new-image leases fail
 * to connect, the rollout pauses and the old leases stay.
 *
 * The planner is stateless: a pause lasts while the failures are visible in
 * the snapshot. Once the failed leases are vacated, the next plan tries the
 * new image again, and the availability floor protects the old leases
 * whether or not the rollout is paused.
 */
import type { HostPolicy } from '../../config-types.js';
import type { WarningSink } from '../types.js';
import { BOT_ALIVE, VACATE_IMAGE_OBSOLETE, VACATE_NONE, type LeaseTable } from '../types.js';
import type { GroupCreates } from '../creates.js';
import { holdLease } from './hold.js';
import { resolveCountOrPercent } from './resolve.js';
import { HOLD_ROLLOUT_PAUSED, HOLD_ROLLOUT_WAITING, type PolicyOutcome, type RolloutState } from './state.js';
import { chooseInVictimOrder } from './victims.js';

/**
 * Decides which old leases of each rollout leave this cycle and holds the
 * others as `rollout-waiting` or `rollout-paused`. Old leases with no live
 * bot (still booting) do not count toward the floor and may leave; dead
 * and never-connected old leases are vacated by their own rules. Hosts with
 * a closed sanity gate are skipped, because the gate already holds them.
 */
export const holdRollouts = (table: LeaseTable, outcome: PolicyOutcome, warnings: WarningSink): void => {
  for (const rollout of outcome.rollouts) {
    const hostState = outcome.hosts[rollout.group.host.index];
    if (hostState === undefined) continue;
    measureRollout(table, rollout, hostState.policy);
    if (hostState.gateClosed) continue;

    const live: number[][] = [[], [], [], []];
    const free: number[] = [];
    for (const position of rollout.old) {
      if (table.vacate[position] !== VACATE_IMAGE_OBSOLETE) continue;
      if (table.botState[position] === BOT_ALIVE) live[table.victimRank[position] as number]?.push(position);
      else free.push(position);
    }
    const candidates = live.reduce((sum, bucket) => sum + bucket.length, free.length);
    if (candidates === 0) continue;

    rollout.paused = rollout.newFailed >= rollout.pauseThreshold;
    if (rollout.paused) {
      for (const position of rollout.old) if (table.vacate[position] === VACATE_IMAGE_OBSOLETE) holdLease(table, outcome, position, HOLD_ROLLOUT_PAUSED);
      warnings.push({ code: 'rollout-paused', swarmingHost: rollout.group.host.config.host, message: pauseWarning(rollout, candidates) });
      continue;
    }

    rollout.allowed = Math.max(0, rollout.newLive + rollout.oldLive - rollout.floor);
    const choice = chooseInVictimOrder(table, live, rollout.allowed);
    for (const position of choice.rest) holdLease(table, outcome, position, HOLD_ROLLOUT_WAITING);
    for (const position of choice.chosen) outcome.marked[position] = 1;
    for (const position of free) outcome.marked[position] = 1;
    rollout.leaving = choice.chosen.length + free.length;
  }
};

/**
 * Resolves the rollout's limits and counts its old leases with a live bot;
 * the scan of the leases already counted the new-image ones. When both
 * limits resolve to 0 (a percentage of a small count), one bot may be
 * unavailable, or the rollout could never start.
 */
const measureRollout = (table: LeaseTable, rollout: RolloutState, policy: HostPolicy): void => {
  const group = rollout.group;
  rollout.surge = resolveCountOrPercent(policy.maxSurge, group.want, 'up');
  rollout.unavailable = resolveCountOrPercent(policy.maxUnavailable, group.want, 'down');
  if (rollout.surge === 0 && rollout.unavailable === 0) rollout.unavailable = 1;
  rollout.floor = Math.max(0, group.want - rollout.unavailable);

  let oldLive = 0;
  for (const position of rollout.old) {
    if (table.vacate[position] === VACATE_IMAGE_OBSOLETE && table.botState[position] === BOT_ALIVE) oldLive += 1;
  }

  rollout.oldLive = oldLive;
};

const pauseWarning = (rollout: RolloutState, oldLeases: number): string => {
  const group = rollout.group;
  return (
    'the rollout of hostname ' + group.image.hostname + ' on ' + group.host.config.host + ' to image ' + group.image.image +
    ' is paused: ' + String(rollout.newFailed) + ' of its new-image leases are vacated as never-connected or bot-dead (rolloutPauseThreshold ' +
    String(rollout.pauseThreshold) + '), so its ' + String(oldLeases) +
    ' old leases stay and no surge leases are created; the rollout resumes when no failures are visible'
  );
};

/**
 * Caps a group's creates while old leases of its hostname remain: the
 * group's kept leases, its kept old leases and its creates together stay
 * within the count plus the surge. A paused rollout, or a host whose sanity
 * gate is closed, gets no surge: its creates only replace missing leases.
 */
export const capRolloutCreates = (table: LeaseTable, outcome: PolicyOutcome, creates: GroupCreates): GroupCreates => {
  const rollout = outcome.rollouts.find((candidate) => candidate.group === creates.group);
  if (rollout === undefined || creates.create === 0) return creates;

  let keptOld = 0;
  for (const position of rollout.old) if (table.vacate[position] === VACATE_NONE) keptOld += 1;

  const gateClosed = outcome.hosts[rollout.group.host.index]?.gateClosed === true;
  const surge = rollout.paused || gateClosed ? 0 : rollout.surge;
  const room = Math.max(0, rollout.group.want + surge - creates.kept - keptOld);
  return room >= creates.create ? creates : { ...creates, create: room };
};
