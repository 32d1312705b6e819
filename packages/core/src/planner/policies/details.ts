/**
 * The words of the policies: `detail` sentences of the decisions they
 * change and the numbers their warnings give. Sentences that do not depend
 * on the lease are built once per host or rollout and shared.
 */
import type { CountOrPercent } from '../../config-types.js';
import type { Bot } from '../../domain.js';
import { VACATE_REASONS } from '../types.js';
import type { HostPolicyState, RolloutState } from './state.js';

/** `20% of 15 managed leases` or `set to 3`. */
const describeLimit = (value: CountOrPercent, total: number, totalName: string): string =>
  value._tag === 'Count' ? 'set to ' + String(value.count) : String(value.percent) + '% of ' + String(total) + ' ' + totalName;

/** Why a host's sanity gate is closed, with the numbers. */
export const describeGateCause = (state: HostPolicyState): string => {
  if (state.involuntary > state.gateLimit) {
    return (
      String(state.involuntary) + ' of its ' + String(state.managed) +
      ' managed leases would be vacated as never-connected or bot-dead, more than the limit of ' + String(state.gateLimit) +
      ' (sanityGateThreshold ' + describeLimit(state.policy.sanityGateThreshold, state.managed, 'managed leases') +
      ', sanityGateAllowance ' + String(state.policy.sanityGateAllowance) + ')'
    );
  }
  return (
    'its listing returned no bots while ' + String(state.neverConnected) + ' of its ' + String(state.managed) +
    ' managed leases are past booting and would be vacated as never-connected'
  );
};

/** The disruption budget of a host and where it comes from. */
export const describeBudget = (state: HostPolicyState): string =>
  'the disruption budget of ' + state.host.config.host + ' allows ' + String(state.budget) +
  ' voluntary vacates or drains this cycle (disruptionBudget ' +
  describeLimit(state.policy.disruptionBudget, state.managed, 'managed leases') + ', at least 1)';

/** The numbers of a rollout: what the hostname has and must keep. */
export const describeRollout = (rollout: RolloutState): string => {
  const group = rollout.group;
  return (
    'hostname ' + group.image.hostname + ' on ' + group.host.config.host + ' is moving to image ' + group.image.image +
    '; ' + String(rollout.newLive) + ' new-image and ' + String(rollout.oldLive) + ' old leases have live bots and at least ' +
    String(rollout.floor) + ' must stay live (count ' + String(group.want) + ', maxUnavailable ' + String(rollout.unavailable) + ')'
  );
};

/** Writes the detail sentences of the decisions the policies change. */
export class PolicyDetailWriter {
  private readonly budgetCache = new Map<HostPolicyState, string>();
  private readonly gateCache = new Map<HostPolicyState, string>();
  private readonly rolloutCache = new Map<RolloutState, string>();

  /** A lease deferred by the budget; `vacate` is the code it would have left with. */
  budget(state: HostPolicyState, vacate: number): string {
    let sentence = this.budgetCache.get(state);
    if (sentence === undefined) {
      sentence = describeBudget(state) + ' and ' + String(state.voluntary) + ' are due, so ' + String(state.deferred) + ' wait for a later cycle';
      this.budgetCache.set(state, sentence);
    }
    return sentence + '; this lease would leave as ' + reasonOf(vacate);
  }

  /** A lease held by a closed sanity gate. */
  sanityGate(state: HostPolicyState, vacate: number): string {
    let sentence = this.gateCache.get(state);
    if (sentence === undefined) {
      sentence = 'the sanity gate of ' + state.host.config.host + ' is closed because ' + describeGateCause(state);
      this.gateCache.set(state, sentence);
    }
    return sentence + '; this lease would leave as ' + reasonOf(vacate);
  }

  /** An old lease that waits for new-image bots. */
  rolloutWaiting(rollout: RolloutState): string {
    return this.rolloutSentence(rollout) + ', so ' + String(rollout.allowed) + ' old leases with live bots may leave this cycle and this one waits';
  }

  /** An old lease kept because new-image leases fail to connect. */
  rolloutPaused(rollout: RolloutState): string {
    return (
      'hostname ' + rollout.group.image.hostname + ' on ' + rollout.group.host.config.host + ' is moving to image ' +
      rollout.group.image.image + ', but ' + String(rollout.newFailed) +
      ' of its new-image leases are vacated as never-connected or bot-dead (rolloutPauseThreshold ' +
      String(rollout.pauseThreshold) +
      '), so the rollout is paused and this old lease stays'
    );
  }

  /** An old lease the rollout lets go. */
  rolloutLeaving(rollout: RolloutState, live: boolean): string {
    const why = live
      ? ', so ' + String(rollout.allowed) + ' old leases with live bots may leave this cycle and this is one of them'
      : '; this old lease has no live bot, so it leaves without lowering the live count';
    return this.rolloutSentence(rollout) + why;
  }

  /** A busy bot asked to stop after its task. */
  drain(bot: Bot | undefined, vacate: number): string {
    const botText = bot === undefined ? 'the bot' : 'bot ' + bot.botId;
    const task = bot?.taskId === undefined ? 'a task' : 'task ' + bot.taskId;
    return (
      botText + ' is running ' + task + ', so instead of a vacate Swarming is asked to stop the bot after the task; the lease leaves as ' +
      reasonOf(vacate) + ', and a later plan vacates it as bot-dead'
    );
  }

  private rolloutSentence(rollout: RolloutState): string {
    let sentence = this.rolloutCache.get(rollout);
    if (sentence === undefined) {
      sentence = describeRollout(rollout);
      this.rolloutCache.set(rollout, sentence);
    }
    return sentence;
  }
}

const reasonOf = (vacate: number): string => VACATE_REASONS[vacate] ?? 'a vacate';
