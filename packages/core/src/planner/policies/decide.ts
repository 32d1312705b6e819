/**
 * The decisions of leases that a policy holds, drains or lets go as part of
 * a rollout. The assembly stage calls this only for leases the policies
 * marked. Every other lease is decided by the rules alone.
 */
import type { Lease } from '../../domain.js';
import type { Decision, DecisionKind, ReasonCode } from '../../plan-types.js';
import type { DetailWriter } from '../details.js';
import { BOT_ALIVE, VACATE_IMAGE_OBSOLETE, VACATE_REASONS, type BotIndex, type LeaseTable } from '../types.js';
import type { PolicyDetailWriter } from './details.js';
import { HOLD_BUDGET, HOLD_NONE, HOLD_REASONS, HOLD_ROLLOUT_PAUSED, HOLD_ROLLOUT_WAITING, HOLD_SANITY_GATE, type PolicyOutcome } from './state.js';

/** The inputs of deciding a marked lease. */
export interface PolicyDecisionContext {
  readonly table: LeaseTable;
  readonly botIndex: BotIndex;
  readonly outcome: PolicyOutcome;
  readonly details: DetailWriter;
  readonly policyDetails: PolicyDetailWriter;
}

/**
 * Decides a lease the policies marked, or returns undefined when the rules'
 * own decision applies. A held lease is renewed when due and kept otherwise.
 */
export const decidePolicyLease = (context: PolicyDecisionContext, position: number, lease: Lease, swarmingHost: string): Decision | undefined => {
  const { table, outcome } = context;
  const hold = outcome.hold[position] as number;

  if (hold !== HOLD_NONE) {
    const renewed = table.renew[position] === 1;
    const detail = holdDetail(context, position, hold) + '; ' + context.details.renewal(table.remaining[position] as number);
    return decision(lease, renewed ? 'renew' : 'keep', HOLD_REASONS[hold] ?? 'budget', swarmingHost, detail);
  }

  const vacate = table.vacate[position] as number;
  const reason = VACATE_REASONS[vacate];
  if (reason === undefined) return undefined;

  if (outcome.drain[position] === 1) {
    const botPosition = table.botOf[position] as number;
    const bot = botPosition >= 0 ? context.botIndex.bots[botPosition] : undefined;
    return decision(lease, 'drain', reason, swarmingHost, context.policyDetails.drain(bot, vacate));
  }

  const rollout = outcome.rollouts[outcome.rolloutOf[position] as number];
  if (rollout === undefined || vacate !== VACATE_IMAGE_OBSOLETE) return undefined;
  const live = table.botState[position] === BOT_ALIVE;
  return decision(lease, 'vacate', reason, swarmingHost, context.policyDetails.rolloutLeaving(rollout, live));
};

const holdDetail = (context: PolicyDecisionContext, position: number, hold: number): string => {
  const { table, outcome, policyDetails } = context;
  const heldVacate = outcome.heldVacate[position] as number;
  const hostState = outcome.hosts[table.hostOf[position] as number];
  const rollout = outcome.rollouts[outcome.rolloutOf[position] as number];

  switch (hold) {
    case HOLD_BUDGET:
      return hostState === undefined ? 'the disruption budget is spent' : policyDetails.budget(hostState, heldVacate);
    case HOLD_SANITY_GATE:
      return hostState === undefined ? 'the sanity gate is closed' : policyDetails.sanityGate(hostState, heldVacate);
    case HOLD_ROLLOUT_WAITING:
      return rollout === undefined ? 'the rollout waits for new-image bots' : policyDetails.rolloutWaiting(rollout);
    case HOLD_ROLLOUT_PAUSED:
      return rollout === undefined ? 'the rollout is paused' : policyDetails.rolloutPaused(rollout);
    default:
      return 'a policy keeps this lease';
  }
};

/** Every decision has the same fields in the same order as the assembly stage writes them. */
const decision = (lease: Lease, kind: DecisionKind, reason: ReasonCode, swarmingHost: string, detail: string): Decision => ({
  leaseId: lease.leaseId,
  decision: kind,
  reason,
  swarmingHost,
  image: lease.image,
  detail,
});
