/**
 * Stage 8 of the planner: turns the lease table into the {@link Plan}. Every
 * planned lease gets one decision, in lease id order; actions come out as
 * vacates, then drains, then renewals, each by lease id, then creates in
 * configuration order; warnings are sorted so the plan does not depend on
 * input order. Leases the safety policies marked get their decision from
 * `policies/decide.ts`.
 */
import type { Config } from '../config-types.js';
import type { Bot, Lease } from '../domain.js';
import type { Action, Decision, DecisionKind, GroupSummary, Plan, ReasonCode, Warning } from '../plan-types.js';
import { createActions, type GroupCreates } from './creates.js';
import { DetailWriter } from './details.js';
import { decidePolicyLease, PolicyDetailWriter, type PolicyDecisionContext, type PolicyOutcome } from './policies/index.js';
import {
  BOT_NONE,
  OWNERSHIP_FOREIGN_HOST,
  OWNERSHIP_NONE,
  OWNERSHIP_UNMANAGED,
  VACATE_BOT_DEAD,
  VACATE_IMAGE_OBSOLETE,
  VACATE_NEVER_CONNECTED,
  VACATE_NONE,
  VACATE_OVER_COUNT,
  VACATE_REASONS,
  type BotIndex,
  type HostIndex,
  type HostState,
  type LeaseTable,
} from './types.js';

/** The inputs of the assembly stage besides the lease table. */
export interface AssemblyInput {
  readonly config: Config;
  readonly now: number;
  readonly table: LeaseTable;
  readonly hostIndex: HostIndex;
  readonly botIndex: BotIndex;
  readonly creates: readonly GroupCreates[];
  readonly warnings: readonly Warning[];
  readonly policies: PolicyOutcome;
}

/**
 * Builds the plan from the stages' results. A first pass in lease id order
 * assigns each decision and action its slot using only the typed arrays; a
 * second pass builds the objects in input order, which reads the leases
 * sequentially instead of jumping through memory in lease id order.
 */
export const assemblePlan = (input: AssemblyInput): Plan => {
  const { config, table } = input;
  const slots = assignSlots(table, input.policies.drain);
  const decisions: Decision[] = new Array<Decision>(table.order.length);
  const changes: Action[] = new Array<Action>(slots.vacates + slots.drains + slots.renewals);
  const details = new DetailWriter(config);
  const policyContext: PolicyDecisionContext = {
    table,
    botIndex: input.botIndex,
    outcome: input.policies,
    details,
    policyDetails: new PolicyDetailWriter(),
  };

  for (let position = 0; position < table.leases.length; position += 1) {
    const ownership = table.ownership[position];
    if (ownership === OWNERSHIP_NONE) continue;
    const lease = table.leases[position] as Lease;
    const slot = table.slotOf[position] as number;

    switch (ownership) {
      case OWNERSHIP_UNMANAGED:
        decisions[slot] = decision(lease, 'skip', 'unmanaged', undefined, details.unmanaged(lease.projectName));
        break;
      case OWNERSHIP_FOREIGN_HOST: {
        const swarmingHost = table.foreignHosts.get(position) ?? '';
        decisions[slot] = decision(lease, 'skip', 'foreign-host', swarmingHost, details.foreignHost(lease.projectName, swarmingHost));
        break;
      }
      default: {
        const host = input.hostIndex.hosts[table.hostOf[position] as number] as HostState;
        const marked = input.policies.marked[position] === 1;
        decisions[slot] =
          (marked ? decidePolicyLease(policyContext, position, lease, host.config.host) : undefined) ??
          decideManaged(input, details, position, lease, host);
        const action = actionFor(input, position, lease, host.config.host);
        if (action !== undefined) changes[slots.actionSlot[position] as number] = action;
      }
    }
  }

  const actions = changes.concat(createActions(config, input.creates));
  const groups = input.creates.map(summarizeGroup);
  const warnings = [...input.warnings].sort(compareWarnings);
  return { now: input.now, actions, decisions, groups, warnings };
};

/** The positions of each planned lease's decision and action in the plan. */
interface Slots {
  /** Per position: index of the lease's vacate or renewal among the actions, or -1. */
  readonly actionSlot: Int32Array;
  readonly vacates: number;
  readonly drains: number;
  readonly renewals: number;
}

/** Numbers vacates, drains, then renewals, each in lease id order; decisions are numbered by `slotOf` already. */
const assignSlots = (table: LeaseTable, drain: Uint8Array): Slots => {
  const actionSlot = new Int32Array(table.leases.length).fill(-1);
  let vacates = 0;
  let drains = 0;
  let renewals = 0;

  table.order.forEach((position) => {
    if (table.vacate[position] === VACATE_NONE) return;
    if (drain[position] === 1) drains += 1;
    else {
      actionSlot[position] = vacates;
      vacates += 1;
    }
  });
  if (drains > 0) {
    let next = vacates;
    for (const position of table.order) {
      if (table.vacate[position] !== VACATE_NONE && drain[position] === 1) {
        actionSlot[position] = next;
        next += 1;
      }
    }
  }
  for (const position of table.order) {
    if (table.vacate[position] === VACATE_NONE && table.renew[position] === 1) {
      actionSlot[position] = vacates + drains + renewals;
      renewals += 1;
    }
  }

  return { actionSlot, vacates, drains, renewals };
};

const decideManaged = (input: AssemblyInput, details: DetailWriter, position: number, lease: Lease, host: HostState): Decision => {
  const { table, botIndex } = input;
  const swarmingHost = host.config.host;
  const remaining = table.remaining[position] as number;
  const botPosition = table.botOf[position] as number;

  switch (table.vacate[position]) {
    case VACATE_NEVER_CONNECTED:
      return decision(lease, 'vacate', 'never-connected', swarmingHost, details.neverConnected(remaining));
    case VACATE_BOT_DEAD: {
      const bot = botIndex.bots[botPosition] as Bot;
      return decision(lease, 'vacate', 'bot-dead', swarmingHost, details.botDead(bot, botIndex.hosts[botPosition] as string, swarmingHost));
    }
    case VACATE_IMAGE_OBSOLETE:
      return decision(lease, 'vacate', 'image-obsolete', swarmingHost, details.imageObsolete(lease.image, swarmingHost));
    case VACATE_OVER_COUNT: {
      const group = input.hostIndex.groups[table.groupOf[position] as number];
      const bot = botPosition >= 0 ? botIndex.bots[botPosition] : undefined;
      const detail = group === undefined ? 'the lease is surplus' : details.overCount(group, table.victimRank[position] as number, bot);
      return decision(lease, 'vacate', 'over-count', swarmingHost, detail);
    }
  }

  const renewed = table.renew[position] === 1;
  if (host.listing._tag !== 'Listed') {
    return decision(lease, renewed ? 'renew' : 'keep', 'listing-failed', swarmingHost, details.listingFailed(swarmingHost, remaining, renewed));
  }
  if (renewed) return decision(lease, 'renew', 'renew-due', swarmingHost, details.renewal(remaining));
  if (table.botState[position] === BOT_NONE) return decision(lease, 'keep', 'booting', swarmingHost, details.booting(remaining));
  return decision(lease, 'keep', 'renew-not-due', swarmingHost, details.renewal(remaining));
};

/** Builds the lease's vacate, drain or renewal, if it has one. */
const actionFor = (input: AssemblyInput, position: number, lease: Lease, swarmingHost: string): Action | undefined => {
  const { table } = input;
  const reason = VACATE_REASONS[table.vacate[position] as number];

  if (reason !== undefined && input.policies.drain[position] === 1) {
    const botId = input.botIndex.bots[table.botOf[position] as number]?.botId ?? '';
    return { _tag: 'Drain', leaseId: lease.leaseId, botId, swarmingHost, image: lease.image, reason };
  }
  if (reason !== undefined) return { _tag: 'Vacate', leaseId: lease.leaseId, swarmingHost, image: lease.image, reason };
  if (table.renew[position] !== 1) return undefined;
  return {
    _tag: 'Renew',
    leaseId: lease.leaseId,
    swarmingHost,
    image: lease.image,
    expires: lease.expires,
    duration: input.config.renewDuration,
  };
};

/** Every decision has the same fields in the same order. */
const decision = (lease: Lease, kind: DecisionKind, reason: ReasonCode, swarmingHost: string | undefined, detail: string): Decision => ({
  leaseId: lease.leaseId,
  decision: kind,
  reason,
  swarmingHost,
  image: lease.image,
  detail,
});

const summarizeGroup = ({ group, create, deferred }: GroupCreates): GroupSummary => ({
  swarmingHost: group.host.config.host,
  image: group.image.image,
  hostname: group.image.hostname,
  have: group.members.length,
  want: group.want,
  create,
  deferred,
});

const compareWarnings = (left: Warning, right: Warning): number =>
  compareText(left.code, right.code) ||
  compareText(left.swarmingHost ?? '', right.swarmingHost ?? '') ||
  compareText(left.leaseId ?? '', right.leaseId ?? '') ||
  compareText(left.botId ?? '', right.botId ?? '') ||
  compareText(left.message, right.message);

const compareText = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);
