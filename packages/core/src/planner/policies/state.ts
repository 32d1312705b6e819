/**
 * The safety policies' working state: which leases a policy holds back or
 * drains, and the numbers behind each choice, per swarming host and per
 * hostname whose image changes. Like the {@link LeaseTable}, per-lease state
 * lives in typed arrays indexed by position in `snapshot.leases`.
 */
import type { HostPolicy } from '../../config-types.js';
import type { ReasonCode } from '../../plan-types.js';
import type { GroupState, HostState } from '../types.js';

/** Why a policy keeps a lease that a rule would vacate; 0 means no policy holds it. */
export const HOLD_NONE = 0;
export const HOLD_BUDGET = 1;
export const HOLD_SANITY_GATE = 2;
export const HOLD_ROLLOUT_WAITING = 3;
export const HOLD_ROLLOUT_PAUSED = 4;

/** `HOLD_REASONS[code]` is the reason code of the plan. */
export const HOLD_REASONS: readonly (ReasonCode | undefined)[] = [undefined, 'budget', 'sanity-gate', 'rollout-waiting', 'rollout-paused'];

/** The policy numbers of one configured swarming host. */
export interface HostPolicyState {
  readonly host: HostState;
  readonly policy: HostPolicy;
  /** Managed leases of the host in the snapshot, counting each lease id once. */
  managed: number;
  /** Leases a rule vacates as `never-connected` or `bot-dead`, before the sanity gate. */
  involuntary: number;
  /** Of those, the `never-connected` ones. */
  neverConnected: number;
  /** Bots the host's own listing returned (bots whose id names a lease). */
  listedBots: number;
  /** Involuntary vacates above this close the gate; resolved from the threshold and the allowance. */
  gateLimit: number;
  gateClosed: boolean;
  /** Voluntary vacates and drains allowed this cycle; at least 1. */
  budget: number;
  /** Voluntary vacates and drains the rules asked for after the gate and the rollouts. */
  voluntary: number;
  /** Of those, how many the budget deferred. */
  deferred: number;
}

/** A hostname whose configured image changed while leases of its old image remain. */
export interface RolloutState {
  /** The configured (host, image) entry the old leases are matched to by hostname. */
  readonly group: GroupState;
  /** Positions of the hostname's leases on images the host no longer configures. */
  readonly old: number[];
  /** New-image leases allowed above the count, resolved from `maxSurge`. */
  surge: number;
  /** Live bots allowed below the count, resolved from `maxUnavailable`. */
  unavailable: number;
  /** Live bots the hostname keeps at least: the count minus `unavailable`, never below 0. */
  floor: number;
  /** New-image leases with a live bot that stay this cycle. */
  newLive: number;
  /** Old leases with a live bot. */
  oldLive: number;
  /** New-image leases vacated as `never-connected` or `bot-dead`. */
  newFailed: number;
  /** `rolloutPauseThreshold` of the host. */
  readonly pauseThreshold: number;
  paused: boolean;
  /** Old leases with a live bot that may leave this cycle without going below the floor. */
  allowed: number;
  /** Old leases that leave this cycle, by vacate or drain, before the disruption budget. */
  leaving: number;
}

/** Everything the policies decided, read by the create and assembly stages. */
export interface PolicyOutcome {
  /** `HOLD_*` per position. */
  readonly hold: Uint8Array;
  /** Per position: the `VACATE_*` code a held lease would have had. */
  readonly heldVacate: Uint8Array;
  /** 1 when the lease's bot is drained instead of the lease being vacated. */
  readonly drain: Uint8Array;
  /** Per position: index in `rollouts` of an old lease matched to a rollout, or -1. */
  readonly rolloutOf: Int32Array;
  /** 1 when a policy touched the lease, so its decision comes from the policies. */
  readonly marked: Uint8Array;
  /** Per host, in `HostIndex.hosts` order. */
  readonly hosts: readonly HostPolicyState[];
  readonly rollouts: readonly RolloutState[];
}
