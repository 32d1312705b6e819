/**
 * One reconcile cycle: read both services, add the pending creates, plan,
 * hold back what a failed listing makes unsafe and the drains already sent,
 * execute the rest, and report.
 *
 * `reconcileOnce` never rejects because a service failed: a failed `find`,
 * a failed listing, a failing planner or a failing pending store all end up
 * in the report's `reason`, with nothing unsafe executed. A failing drained
 * bot store is only logged (see `drains.ts`).
 */
import {
  plan as corePlan,
  type Config,
  type Duration,
  type MacServicePort,
  type Plan,
  type Snapshot,
  type SwarmingPort,
  type Timestamp,
} from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';
import type { Logger } from 'pino';

import { isAborted } from './abort.js';
import {
  createMemoryDrainStore,
  DEFAULT_DRAIN_MAX_AGE,
  pruneDrained,
  skipAlreadyDraining,
  type DrainedBot,
  type DrainedBotKey,
  type DrainedBotStore,
} from './drains.js';
import { DEFAULT_CONCURRENCY, executeActions, validateConcurrency } from './execute.js';
import { defaultLogger, logCycleSummary, logOutcome } from './logging.js';
import { createMemoryPendingStore, pendingLease, prunePending, type PendingCreate, type PendingCreateStore } from './pending.js';
import { summarizeOutcomes, type ActionOutcome, type CycleReport, type ListingError } from './report.js';
import { holdBackUnsafeActions } from './safety.js';
import { createSecretCache, createSecretResolver, type SecretResolver } from './secrets.js';
import { readServices } from './snapshot.js';

/** Computes a plan from a configuration and a snapshot; `plan` from `@makemac/core` by default. */
export type Planner = (config: Config, snapshot: Snapshot) => Plan;

/** Dependencies of a cycle. Everything but the two ports has a default. */
export interface RuntimeDeps {
  readonly macService: MacServicePort;
  readonly swarming: SwarmingPort;
  /**
   * Resolver of the secret references of planned creates. The default,
   * `createSecretResolver()`, supports only `env:` and `file:`. Pass a
   * resolver with a `secret` scheme to use `secret:` references.
   */
  readonly resolveSecret?: SecretResolver | undefined;
  /** The clock, in milliseconds since the Unix epoch; `Date.now` by default. */
  readonly now?: (() => Timestamp) | undefined;
  /** `pino()` by default. */
  readonly logger?: Logger | undefined;
  /**
   * Pending creates kept between cycles. Pass the same store to every cycle,
   * because without one each call of `reconcileOnce` starts with an empty
   * memory store. `runLoop` creates one store for all its cycles.
   */
  readonly pending?: PendingCreateStore | undefined;
  /**
   * Bots already asked to terminate, kept between cycles so a busy bot gets
   * one `TerminateBot`, not one per cycle. Pass the same store to every
   * cycle, like `pending`; `runLoop` creates one store for all its cycles.
   */
  readonly drains?: DrainedBotStore | undefined;
  /** The planner; core's `plan` by default. */
  readonly planner?: Planner | undefined;
}

/** How to run a cycle. */
export interface CycleOptions {
  readonly config: Config;
  /** Plan and report, but send no vacate, drain, renew or create; outcomes are `planned`. */
  readonly dryRun?: boolean | undefined;
  /** Maximum port calls in flight at once while executing; 8 by default. */
  readonly concurrency?: number | undefined;
  /** When it fires, calls in flight finish and no further action starts. */
  readonly signal?: AbortSignal | undefined;
  /**
   * When some swarming listing failed, still vacate leases of hosts whose
   * listing succeeded. False by default: any failed listing stops every vacate.
   */
  readonly vacateOnListedHosts?: boolean | undefined;
  /**
   * How long a created lease that `find` does not list yet still counts as
   * existing; the configuration's `createDuration` by default.
   */
  readonly pendingMaxAge?: Duration | undefined;
  /**
   * How long a drained bot is remembered, so its drain is not sent again,
   * when neither its death nor the end of its lease forgets it first;
   * {@link DEFAULT_DRAIN_MAX_AGE} (6 h) by default.
   */
  readonly drainMaxAge?: Duration | undefined;
}

const errorMessage = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

const emptyReport = (
  startedAt: Timestamp,
  finishedAt: Timestamp,
  dryRun: boolean,
  aborted: boolean,
  listingErrors: readonly ListingError[],
  reason: string,
): CycleReport => ({
  startedAt,
  finishedAt,
  dryRun,
  plan: undefined,
  listingErrors,
  pendingLeaseIds: [],
  outcomes: [],
  summary: summarizeOutcomes([]),
  aborted,
  reason,
});

/** Describes what a failed listing held back, for the report's reason. */
const describeHeldBack = (listingErrors: readonly ListingError[], heldBack: readonly ActionOutcome[]): string => {
  const hosts = listingErrors.map((error) => error.swarmingHost).join(', ');
  const count = (tag: ActionOutcome['action']['_tag']): number =>
    heldBack.filter((outcome) => outcome.skipReason === 'listing-failed' && outcome.action._tag === tag).length;
  return (
    `swarming listing failed for ${hosts}, so ${count('Vacate')} vacates, ${count('Drain')} drains ` +
    `and ${count('Create')} creates were not attempted`
  );
};

/** Adds the leases created this cycle to the store and removes the pending leases that were vacated. */
const updatePending = async (
  store: PendingCreateStore,
  outcomes: readonly ActionOutcome[],
  now: Timestamp,
  logger: Logger,
): Promise<void> => {
  const created: PendingCreate[] = [];
  const vacated: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.status !== 'done') {
      continue;
    }
    const action = outcome.action;
    if (action._tag === 'Create' && outcome.leaseId !== undefined && outcome.expires !== undefined) {
      created.push({
        leaseId: outcome.leaseId,
        swarmingHost: action.swarmingHost,
        projectName: action.request.namespace.projectName,
        image: action.image,
        hostname: action.hostname,
        expires: outcome.expires,
        createdAt: now,
      });
    } else if (action._tag === 'Vacate') {
      vacated.push(action.leaseId);
    }
  }

  try {
    if (created.length > 0) {
      await store.add(created);
    }
    if (vacated.length > 0) {
      await store.remove(vacated);
    }
  } catch (cause) {
    // The leases exist either way. The risk is a second create next cycle if find lags.
    logger.error({ error: errorMessage(cause), leases: created.length }, 'pending create store update failed');
  }
};

/** Remembers the bots drained this cycle and forgets those whose lease was vacated. */
const updateDrains = async (
  store: DrainedBotStore,
  outcomes: readonly ActionOutcome[],
  now: Timestamp,
  logger: Logger,
): Promise<void> => {
  const drained: DrainedBot[] = [];
  const vacatedLeases = new Set<string>();
  for (const outcome of outcomes) {
    if (outcome.status !== 'done') {
      continue;
    }
    const action = outcome.action;
    if (action._tag === 'Drain') {
      drained.push({
        swarmingHost: action.swarmingHost,
        botId: action.botId,
        leaseId: action.leaseId,
        image: action.image,
        requestedAt: now,
      });
    } else if (action._tag === 'Vacate') {
      vacatedLeases.add(action.leaseId);
    }
  }

  try {
    if (drained.length > 0) {
      await store.add(drained);
    }
    if (vacatedLeases.size > 0) {
      const stored = await store.list();
      const gone: DrainedBotKey[] = stored.filter((entry) => vacatedLeases.has(entry.leaseId));
      if (gone.length > 0) {
        await store.remove(gone);
      }
    }
  } catch (cause) {
    // The worst case is one more TerminateBot for the same bot next cycle.
    logger.error({ error: errorMessage(cause), bots: drained.length }, 'drained bot store update failed');
  }
};

/** Reads the drained bots; a store that fails counts as empty, because that only risks a repeated drain. */
const listDrained = async (store: DrainedBotStore, logger: Logger): Promise<readonly DrainedBot[]> => {
  try {
    return await store.list();
  } catch (cause) {
    logger.error({ error: errorMessage(cause) }, 'drained bot store read failed');
    return [];
  }
};

/**
 * Runs one reconcile cycle and returns its report.
 *
 * The cycle lists the bots of every configured swarming host and finds the
 * leases, all concurrently. It adds the pending creates that `find` missed,
 * plans, and holds back the actions that a failed listing makes unsafe (see
 * the runtime README) and the drains of bots already draining. It executes
 * the rest with bounded concurrency, remembers the new leases as pending and
 * the drained bots as draining.
 *
 * If `find` fails, nothing is executed. Rejects only when `options` is
 * invalid (a concurrency that is not a whole number of at least 1).
 */
export const reconcileOnce = async (deps: RuntimeDeps, options: CycleOptions): Promise<CycleReport> => {
  const { config, signal } = options;
  const dryRun = options.dryRun === true;
  const concurrency = validateConcurrency(options.concurrency ?? DEFAULT_CONCURRENCY);
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? defaultLogger();
  const pending = deps.pending ?? createMemoryPendingStore();
  const drains = deps.drains ?? createMemoryDrainStore();
  const planner = deps.planner ?? corePlan;
  const startedAt = now();

  const finish = (report: CycleReport): CycleReport => {
    logCycleSummary(logger, report);
    return report;
  };

  if (isAborted(signal)) {
    return finish(emptyReport(startedAt, now(), dryRun, true, [], 'shutting down before the cycle started'));
  }

  // Step 1: read both services, the pending creates and the drained bots at the same time.
  const [reading, storedPending, storedDrains] = await Promise.all([
    readServices(config, deps.macService, deps.swarming),
    pending.list().then(
      (entries) => E.right(entries),
      (cause: unknown) => E.left(errorMessage(cause)),
    ),
    listDrained(drains, logger),
  ]);

  for (const listingError of reading.listingErrors) {
    logger.error({ swarmingHost: listingError.swarmingHost, error: listingError.reason }, 'swarming listing failed');
  }
  if (E.isLeft(reading.leases)) {
    const failure = reading.leases.left;
    logger.error({ error: failure.reason }, 'lease find failed');
    return finish(
      emptyReport(
        startedAt,
        now(),
        dryRun,
        isAborted(signal),
        reading.listingErrors,
        `leases:find failed, so nothing was executed: ${failure.reason}`,
      ),
    );
  }
  if (E.isLeft(storedPending)) {
    logger.error({ error: storedPending.left }, 'pending create store read failed');
    return finish(
      emptyReport(
        startedAt,
        now(),
        dryRun,
        isAborted(signal),
        reading.listingErrors,
        `the pending create store could not be read, so nothing was executed: ${storedPending.left}`,
      ),
    );
  }

  // Step 2: count creates that find does not list yet as existing leases.
  const snapshotNow = now();
  const found = reading.leases.right;
  const pruned = prunePending(storedPending.right, found, snapshotNow, options.pendingMaxAge ?? config.createDuration);
  for (const { entry, reason } of pruned.forget) {
    logger.info({ leaseId: entry.leaseId, swarmingHost: entry.swarmingHost, image: entry.image, reason }, 'pending create forgotten');
  }
  if (!dryRun && pruned.forget.length > 0) {
    try {
      await pending.remove(pruned.forget.map(({ entry }) => entry.leaseId));
    } catch (cause) {
      logger.error({ error: errorMessage(cause) }, 'pending create store update failed');
    }
  }
  const snapshot: Snapshot = {
    now: snapshotNow,
    leases: [...found, ...pruned.keep.map(pendingLease)],
    swarming: reading.swarming,
  };
  const pendingLeaseIds = pruned.keep.map((entry) => entry.leaseId);

  const drainPrune = pruneDrained(
    storedDrains,
    snapshot.swarming,
    snapshot.leases,
    snapshotNow,
    options.drainMaxAge ?? DEFAULT_DRAIN_MAX_AGE,
  );
  for (const { entry, reason } of drainPrune.forget) {
    logger.info(
      { leaseId: entry.leaseId, botId: entry.botId, swarmingHost: entry.swarmingHost, image: entry.image, reason },
      'drained bot forgotten',
    );
  }
  if (!dryRun && drainPrune.forget.length > 0) {
    try {
      await drains.remove(drainPrune.forget.map(({ entry }) => entry));
    } catch (cause) {
      logger.error({ error: errorMessage(cause) }, 'drained bot store update failed');
    }
  }

  // Step 3: plan.
  let plan: Plan;
  try {
    plan = planner(config, snapshot);
  } catch (cause) {
    logger.error({ error: errorMessage(cause) }, 'planner failed');
    return finish(
      emptyReport(
        startedAt,
        now(),
        dryRun,
        isAborted(signal),
        reading.listingErrors,
        `the planner failed, so nothing was executed: ${errorMessage(cause)}`,
      ),
    );
  }
  for (const warning of plan.warnings) {
    logger.warn(
      { code: warning.code, swarmingHost: warning.swarmingHost, leaseId: warning.leaseId, botId: warning.botId, detail: warning.message },
      'plan warning',
    );
  }

  // Step 4: hold back what a failed listing makes unsafe and the drains already sent, execute the rest.
  const safety = holdBackUnsafeActions(plan.actions, reading.swarming, {
    vacateOnListedHosts: options.vacateOnListedHosts,
  });
  const skipped = new Map(safety.heldBack);
  for (const [index, outcome] of skipAlreadyDraining(plan.actions, drainPrune.keep)) {
    if (!skipped.has(index)) {
      skipped.set(index, outcome);
    }
  }
  const heldBack = [...skipped.values()];
  heldBack.forEach((outcome) => logOutcome(logger, outcome));

  const allowed = plan.actions.filter((_action, index) => !skipped.has(index));
  const executed = await executeActions(
    allowed,
    {
      macService: deps.macService,
      swarming: deps.swarming,
      secrets: createSecretCache(deps.resolveSecret ?? createSecretResolver()),
      logger,
    },
    { concurrency, dryRun, signal },
  );

  // The executor returns outcomes in the order of the allowed actions.
  const outcomes: ActionOutcome[] = [];
  let executedIndex = 0;
  plan.actions.forEach((_action, index) => {
    outcomes.push(skipped.get(index) ?? (executed[executedIndex++] as ActionOutcome));
  });

  // Step 5: remember the new leases until find lists them, and the bots asked to terminate.
  if (!dryRun) {
    const finishedAt = now();
    await updatePending(pending, outcomes, finishedAt, logger);
    await updateDrains(drains, outcomes, finishedAt, logger);
  }

  const aborted = isAborted(signal);
  const reasons: string[] = [];
  if (reading.listingErrors.length > 0) {
    reasons.push(describeHeldBack(reading.listingErrors, heldBack));
  }
  const notStarted = outcomes.filter((outcome) => outcome.skipReason === 'shutting-down').length;
  if (notStarted > 0) {
    reasons.push(`shutting down, so ${notStarted} actions were not started`);
  }

  return finish({
    startedAt,
    finishedAt: now(),
    dryRun,
    plan,
    listingErrors: reading.listingErrors,
    pendingLeaseIds,
    outcomes,
    summary: summarizeOutcomes(outcomes),
    aborted,
    reason: reasons.length > 0 ? reasons.join('; ') : undefined,
  });
};
