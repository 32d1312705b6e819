/**
 * The safety policies of the planner, applied between choosing vacates and
 * choosing renewals, and again after counting creates. In order:
 *
 * 1. the sanity gate holds every vacate of a host whose listing looks wrong;
 * 2. surge rollouts hold old leases of a hostname until new-image bots are
 *    live, or while new-image leases fail to connect;
 * 3. busy bots are drained instead of vacated for a voluntary reason;
 * 4. the disruption budget limits voluntary vacates and drains per host;
 * 5. after creates are counted, rollouts cap them at the surge and pacing
 *    limits them per host.
 *
 * Hosts whose listing failed or is missing are not touched: the rules
 * already vacate and create nothing there and only renew. Each step is
 * linear in the leases, plus a sort of the leases a limit cuts through.
 * docs/policies.md describes the policies and their configuration.
 */
import { HOST_POLICY_DEFAULTS } from '../../config.js';
import { METADATA_HOSTNAME, type Lease, type Snapshot } from '../../domain.js';
import type { GroupCreates } from '../creates.js';
import {
  BOT_ALIVE,
  OWNERSHIP_MANAGED,
  VACATE_BOT_DEAD,
  VACATE_NEVER_CONNECTED,
  VACATE_NONE,
  type BotIndex,
  type GroupState,
  type HostIndex,
  type LeaseTable,
  type WarningSink,
} from '../types.js';
import { applyDisruptionBudgets } from './budget.js';
import { closeSanityGates } from './gate.js';
import { paceCreates } from './pacing.js';
import { capRolloutCreates, holdRollouts } from './rollout.js';
import type { HostPolicyState, PolicyOutcome, RolloutState } from './state.js';

export type { PolicyOutcome } from './state.js';
export { decidePolicyLease, type PolicyDecisionContext } from './decide.js';
export { PolicyDetailWriter } from './details.js';

/** The inputs of the policies. */
export interface PolicyInput {
  readonly snapshot: Snapshot;
  readonly table: LeaseTable;
  readonly hostIndex: HostIndex;
  readonly botIndex: BotIndex;
  readonly warnings: WarningSink;
}

/**
 * Applies the gate, the rollouts, the drains and the budget to the vacates
 * the rules chose. Held leases get `VACATE_NONE` in the table, so the
 * renewal stage renews them when due; drained leases keep their vacate code.
 */
export const applyVacatePolicies = (input: PolicyInput): PolicyOutcome => {
  const { table, hostIndex, warnings } = input;
  const count = table.leases.length;
  const outcome: PolicyOutcome = {
    hold: new Uint8Array(count),
    heldVacate: new Uint8Array(count),
    drain: new Uint8Array(count),
    rolloutOf: new Int32Array(count).fill(-1),
    marked: new Uint8Array(count),
    hosts: hostIndex.hosts.map((host) => newHostState(host, input.snapshot)),
    rollouts: [],
  };

  scanLeases(table, hostIndex, outcome);
  closeSanityGates(table, outcome, warnings);
  holdRollouts(table, outcome, warnings);
  applyDisruptionBudgets(table, input.botIndex, outcome, warnings);
  return outcome;
};

/** Caps the creates of rollouts at their surge, then paces each host's creates. */
export const applyCreatePolicies = (
  table: LeaseTable,
  creates: readonly GroupCreates[],
  outcome: PolicyOutcome,
  warnings: WarningSink,
): GroupCreates[] => {
  const capped = creates.map((entry) => capRolloutCreates(table, outcome, entry));
  return paceCreates(capped, outcome, warnings);
};

const newHostState = (host: HostIndex['hosts'][number], snapshot: Snapshot): HostPolicyState => {
  let listedBots = 0;
  for (const listing of snapshot.swarming) {
    if (listing._tag === 'Listed' && listing.swarmingHost === host.config.host) listedBots += listing.bots.length;
  }

  return {
    host,
    policy: host.config.policy ?? HOST_POLICY_DEFAULTS,
    managed: 0,
    involuntary: 0,
    neverConnected: 0,
    listedBots,
    gateLimit: 0,
    gateClosed: false,
    budget: 1,
    voluntary: 0,
    deferred: 0,
  };
};

/**
 * Counts, in one pass over the leases, each host's managed leases and
 * involuntary vacates and each group's live and failed leases, and matches leases of unconfigured images on listed
 * hosts to a rollout by their `golang.hostname` metadata. A hostname
 * configured twice on a host matches its first entry.
 */
const scanLeases = (table: LeaseTable, hostIndex: HostIndex, outcome: PolicyOutcome): void => {
  const hostnames = hostIndex.hosts.map(() => new Map<string, GroupState>());
  for (const group of hostIndex.groups) {
    const byHostname = hostnames[group.host.index];
    if (group.effective && byHostname !== undefined && !byHostname.has(group.image.hostname)) byHostname.set(group.image.hostname, group);
  }
  const rolloutIndex = new Map<GroupState, number>();
  const rollouts = outcome.rollouts as RolloutState[];

  // Per-host counters in typed arrays keep the loop to sequential reads of the lease table.
  const hostCount = outcome.hosts.length;
  const listed = new Uint8Array(hostCount);
  const managed = new Int32Array(hostCount);
  const involuntary = new Int32Array(hostCount);
  const neverConnected = new Int32Array(hostCount);
  const groupLive = new Int32Array(hostIndex.groups.length);
  const groupFailed = new Int32Array(hostIndex.groups.length);
  outcome.hosts.forEach((state, index) => {
    listed[index] = state.host.listing._tag === 'Listed' ? 1 : 0;
  });

  for (let position = 0; position < table.leases.length; position += 1) {
    if (table.ownership[position] !== OWNERSHIP_MANAGED) continue;
    const hostPosition = table.hostOf[position] as number;
    managed[hostPosition] = (managed[hostPosition] as number) + 1;
    if (listed[hostPosition] === 0) continue;

    const vacate = table.vacate[position];
    if (vacate === VACATE_NEVER_CONNECTED) neverConnected[hostPosition] = (neverConnected[hostPosition] as number) + 1;
    const failed = vacate === VACATE_NEVER_CONNECTED || vacate === VACATE_BOT_DEAD;
    if (failed) involuntary[hostPosition] = (involuntary[hostPosition] as number) + 1;

    // Members of a group count toward a rollout of that group: live ones that stay, and failed ones.
    const groupPosition = table.groupOf[position] as number;
    if (groupPosition !== -1) {
      if (failed) groupFailed[groupPosition] = (groupFailed[groupPosition] as number) + 1;
      else if (vacate === VACATE_NONE && table.botState[position] === BOT_ALIVE) groupLive[groupPosition] = (groupLive[groupPosition] as number) + 1;
      continue;
    }

    const hostname = (table.leases[position] as Lease).metadata[METADATA_HOSTNAME];
    const group = hostname === undefined ? undefined : hostnames[hostPosition]?.get(hostname);
    if (group === undefined) continue;

    let index = rolloutIndex.get(group);
    if (index === undefined) {
      index = rollouts.length;
      rolloutIndex.set(group, index);
      rollouts.push(newRollout(group, outcome.hosts[hostPosition] as HostPolicyState));
    }
    rollouts[index]?.old.push(position);
    outcome.rolloutOf[position] = index;
  }

  outcome.hosts.forEach((state, index) => {
    state.managed = managed[index] as number;
    state.involuntary = involuntary[index] as number;
    state.neverConnected = neverConnected[index] as number;
  });
  for (const rollout of rollouts) {
    rollout.newLive = groupLive[rollout.group.index] as number;
    rollout.newFailed = groupFailed[rollout.group.index] as number;
  }
};

const newRollout = (group: GroupState, state: HostPolicyState): RolloutState => ({
  group,
  old: [],
  surge: 0,
  unavailable: 0,
  floor: 0,
  newLive: 0,
  oldLive: 0,
  newFailed: 0,
  pauseThreshold: state.policy.rolloutPauseThreshold,
  paused: false,
  allowed: 0,
  leaving: 0,
});
