/**
 * The plan: what one reconcile cycle should do and why. `plan()` returns it
 * as data; the runtime executes its actions and the CLI prints it.
 */
import type { Duration, Timestamp } from './domain.js';
import type { Namespace } from './ports.js';

/** The reason a lease is vacated. */
export type VacateReason = 'never-connected' | 'bot-dead' | 'image-obsolete' | 'over-count';

/** A metadata value in a planned create: plain text, or a reference the runtime resolves. */
export type PlannedMetadataValue =
  | { readonly _tag: 'Plain'; readonly value: string }
  | { readonly _tag: 'SecretReference'; readonly reference: string };

/** A `leases:create` request whose secrets are still references. */
export interface PlannedLeaseRequest {
  readonly namespace: Namespace;
  readonly image: string;
  readonly profile: string;
  readonly accessLevel: string;
  readonly duration: Duration;
  readonly metadata: readonly { readonly key: string; readonly value: PlannedMetadataValue }[];
}

/** One change to make. */
export type Action =
  | {
      readonly _tag: 'Vacate';
      readonly leaseId: string;
      readonly swarmingHost: string;
      readonly image: string;
      readonly reason: VacateReason;
    }
  | {
      readonly _tag: 'Renew';
      readonly leaseId: string;
      readonly swarmingHost: string;
      readonly image: string;
      /** The lease's expiry before the renewal. */
      readonly expires: Timestamp;
      /** The new remaining time, counted from when the call is made. */
      readonly duration: Duration;
    }
  | {
      /**
       * Asks Swarming to terminate a busy bot after its current task, instead
       * of vacating its lease mid-build. Once the bot is dead, a later plan
       * vacates the lease as `bot-dead`.
       */
      readonly _tag: 'Drain';
      readonly leaseId: string;
      readonly botId: string;
      readonly swarmingHost: string;
      readonly image: string;
      /** The voluntary reason the lease is leaving the pool. */
      readonly reason: VacateReason;
    }
  | {
      readonly _tag: 'Create';
      readonly swarmingHost: string;
      readonly image: string;
      readonly hostname: string;
      readonly request: PlannedLeaseRequest;
    };

/** The outcome for one lease. */
export type DecisionKind = 'vacate' | 'drain' | 'renew' | 'keep' | 'skip';

/** Why. Each code is documented in docs/plan-format.md. */
export type ReasonCode =
  | VacateReason
  | 'booting'
  | 'renew-not-due'
  | 'renew-due'
  | 'unmanaged'
  | 'foreign-host'
  | 'listing-failed'
  /**
   * The lease should leave for a voluntary reason, but the host's disruption
   * budget for this cycle is spent; it is renewed when due and kept.
   */
  | 'budget'
  /**
   * The host's sanity gate is closed: its listing suggests too many
   * involuntary vacates to be true, so no lease of the host is vacated or
   * drained this cycle; the lease is renewed when due and kept.
   */
  | 'sanity-gate'
  /**
   * The lease runs an image its hostname no longer uses and waits for
   * new-image bots to be live before it leaves; it is renewed when due.
   */
  | 'rollout-waiting'
  /**
   * The lease runs an image its hostname no longer uses, but new-image leases
   * of the hostname fail to connect, so the rollout is paused and the lease
   * stays; it is renewed when due.
   */
  | 'rollout-paused';

/** The decision for one lease of the snapshot. */
export interface Decision {
  readonly leaseId: string;
  readonly decision: DecisionKind;
  readonly reason: ReasonCode;
  /** The lease's swarming host, when its project names one. */
  readonly swarmingHost?: string | undefined;
  readonly image: string;
  /** The reason in words, with the numbers behind it. */
  readonly detail: string;
}

/** Counts for one configured (swarming host, image). */
export interface GroupSummary {
  readonly swarmingHost: string;
  readonly image: string;
  readonly hostname: string;
  /** Managed leases of this group in the snapshot. */
  readonly have: number;
  /** The configured count. */
  readonly want: number;
  /** Leases the plan creates. */
  readonly create: number;
  /** Creates the group needs but the host's `maxCreatesPerCycle` leaves for a later cycle. */
  readonly deferred: number;
}

/** Something the operator should know that is not a lease decision. */
export type WarningCode =
  | 'bot-id-unparsed'
  | 'bot-without-lease'
  | 'bot-on-other-host'
  | 'listing-failed'
  | 'listing-missing'
  | 'duplicate-lease'
  /** The host's disruption budget deferred some voluntary vacates or drains. */
  | 'disruption-budget'
  /** The host's sanity gate is closed, so nothing on the host is vacated or drained. */
  | 'sanity-gate'
  /** New-image leases of a hostname fail to connect, so its old leases stay. */
  | 'rollout-paused'
  /** The host's `maxCreatesPerCycle` deferred some creates. */
  | 'create-pacing';

export interface Warning {
  readonly code: WarningCode;
  readonly message: string;
  readonly swarmingHost?: string | undefined;
  readonly leaseId?: string | undefined;
  readonly botId?: string | undefined;
}

/** The result of `plan()`. */
export interface Plan {
  readonly now: Timestamp;
  /** Vacates first, then drains, renews and creates, each sorted deterministically. */
  readonly actions: readonly Action[];
  /** Exactly one per lease of the snapshot, sorted by lease id. */
  readonly decisions: readonly Decision[];
  /** One per configured (swarming host, image), in configuration order. */
  readonly groups: readonly GroupSummary[];
  readonly warnings: readonly Warning[];
}
