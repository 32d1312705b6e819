/**
 * The report of one reconcile cycle: what was planned, what each action did,
 * and why anything was held back. It is plain data that `JSON.stringify`
 * serializes, and it contains secret references but never secret values.
 */
import type { Action, Plan, PortError, Timestamp } from '@makemac/core';

/**
 * Status of one action's outcome.
 * - `done`: the port call succeeded.
 * - `failed`: the port call returned an error (or threw).
 * - `skipped`: no call was made, see `skipReason`.
 * - `planned`: a dry run, so no call was made by design.
 */
export type OutcomeStatus = 'done' | 'failed' | 'skipped' | 'planned';

/**
 * Reason an action was skipped.
 * - `shutting-down`: the abort signal fired before the action started.
 * - `listing-failed`: a swarming listing failed, so the action is not safe (see the runtime README).
 * - `quota-exhausted`: an earlier create of the same (swarming host, image) hit a quota or rate limit.
 * - `create-batch-failed`: an earlier create of the same swarming host failed this cycle.
 * - `already-draining`: an earlier cycle already asked Swarming to terminate the bot.
 * - `secret-unresolved`: a secret reference of the create could not be resolved.
 * - `invalid-action`: the action could not be turned into a request; a planner bug.
 */
export type SkipReason =
  | 'shutting-down'
  | 'listing-failed'
  | 'quota-exhausted'
  | 'create-batch-failed'
  | 'already-draining'
  | 'secret-unresolved'
  | 'invalid-action';

/** The outcome of one planned action. */
export interface ActionOutcome {
  readonly action: Action;
  readonly status: OutcomeStatus;
  /** The outcome in words, for logs and operators. */
  readonly detail: string;
  /** The port error of a `failed` action; absent when the port threw instead. */
  readonly error?: PortError | undefined;
  /** Set exactly when `status` is `skipped`. */
  readonly skipReason?: SkipReason | undefined;
  /** The id of the lease a `done` create made. */
  readonly leaseId?: string | undefined;
  /** The new expiry after a `done` create or renew. */
  readonly expires?: Timestamp | undefined;
}

/** A swarming host whose bots could not be listed this cycle. */
export interface ListingError {
  readonly swarmingHost: string;
  /** `describePortError` of the failure. */
  readonly reason: string;
}

/** Counts of one cycle's outcomes. */
export interface CycleSummary {
  /** Actions in the plan. */
  readonly actions: number;
  readonly vacated: number;
  /** Bots Swarming was asked to terminate after their current task. */
  readonly drained: number;
  readonly renewed: number;
  readonly created: number;
  readonly failed: number;
  readonly skipped: number;
  /** Actions a dry run would have executed. */
  readonly planned: number;
}

/** Everything one call of `reconcileOnce` did. */
export interface CycleReport {
  readonly startedAt: Timestamp;
  readonly finishedAt: Timestamp;
  readonly dryRun: boolean;
  /** The plan, or undefined when the cycle stopped before planning (for example `find` failed). */
  readonly plan: Plan | undefined;
  readonly listingErrors: readonly ListingError[];
  /** Leases created by earlier cycles that `find` did not list yet; they counted as existing leases. */
  readonly pendingLeaseIds: readonly string[];
  /** One per action of the plan, in plan order. */
  readonly outcomes: readonly ActionOutcome[];
  readonly summary: CycleSummary;
  /** True when the abort signal fired before every action had started. */
  readonly aborted: boolean;
  /** Reason, in words, that the cycle executed nothing or only part of the plan. */
  readonly reason?: string | undefined;
}

/** Counts the outcomes of a cycle. */
export const summarizeOutcomes = (outcomes: readonly ActionOutcome[]): CycleSummary => {
  let vacated = 0;
  let drained = 0;
  let renewed = 0;
  let created = 0;
  let failed = 0;
  let skipped = 0;
  let planned = 0;

  for (const outcome of outcomes) {
    switch (outcome.status) {
      case 'done':
        switch (outcome.action._tag) {
          case 'Vacate':
            vacated += 1;
            break;
          case 'Drain':
            drained += 1;
            break;
          case 'Renew':
            renewed += 1;
            break;
          case 'Create':
            created += 1;
            break;
        }
        break;
      case 'failed':
        failed += 1;
        break;
      case 'skipped':
        skipped += 1;
        break;
      case 'planned':
        planned += 1;
        break;
    }
  }

  return { actions: outcomes.length, vacated, drained, renewed, created, failed, skipped, planned };
};
