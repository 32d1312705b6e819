/**
 * Execution of a plan's actions against MacService and Swarming, with
 * bounded concurrency.
 *
 * Ordering: vacates and drains form the vacate phase and start first, renews
 * run alongside them, and no create starts before the vacate phase has
 * finished, so quota freed by a vacate is available to the creates. The
 * creates of each swarming host then run in growing batches that stop at the
 * first failure (see `creates.ts`).
 *
 * Every action gets exactly one outcome, and one failure never stops the
 * other actions, except later creates of the same swarming host. The abort
 * signal is checked just before each port call: calls in flight finish and
 * are recorded, and nothing new starts.
 */
import type { Action, MacServicePort, SwarmingPort } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';
import type { Logger } from 'pino';

import { isAborted } from './abort.js';
import { executeHostCreates, type IndexedCreate } from './creates.js';
import { createLimiter } from './limiter.js';
import { logOutcome } from './logging.js';
import { failedOutcome, plannedOutcome, shuttingDown } from './outcomes.js';
import type { ActionOutcome } from './report.js';
import type { SecretCache } from './secrets.js';
import { runPortTask } from './snapshot.js';

/** Port calls in flight at once when no concurrency is given. */
export const DEFAULT_CONCURRENCY = 8;

/** Dependencies of the executor. */
export interface ExecuteDeps {
  readonly macService: MacServicePort;
  /** Receives the `TerminateBot` calls of drains. */
  readonly swarming: SwarmingPort;
  /** The secret cache of this cycle. */
  readonly secrets: SecretCache;
  readonly logger: Logger;
}

/** How to execute. */
export interface ExecuteOptions {
  /**
   * Maximum port calls in flight at once, a whole number of at least 1, and
   * the largest create batch of a swarming host; {@link DEFAULT_CONCURRENCY} by default.
   */
  readonly concurrency?: number | undefined;
  /** When true, no call is made and every action's outcome is `planned`. */
  readonly dryRun?: boolean | undefined;
  /** When it fires, actions that have not started are skipped as `shutting-down`. */
  readonly signal?: AbortSignal | undefined;
}

/** Rejects a concurrency that is not a whole number of at least 1. */
export const validateConcurrency = (concurrency: number): number => {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a whole number of at least 1, got ${String(concurrency)}`);
  }
  return concurrency;
};

type VacateAction = Extract<Action, { _tag: 'Vacate' }>;
type DrainAction = Extract<Action, { _tag: 'Drain' }>;
type RenewAction = Extract<Action, { _tag: 'Renew' }>;

/**
 * Returns the reason text a drain sends with `TerminateBot`. Swarming shows
 * it on the bot's termination task, so operators see who asked and why.
 */
export const drainReasonText = (action: DrainAction): string =>
  `makemac: lease ${action.leaseId} leaves the pool (${action.reason}); terminate after the current task`;

const vacate = async (macService: MacServicePort, action: VacateAction, signal: AbortSignal | undefined): Promise<ActionOutcome> => {
  if (isAborted(signal)) {
    return shuttingDown(action);
  }
  const result = await runPortTask(macService.vacate(action.leaseId));
  if (E.isLeft(result)) {
    return failedOutcome(action, result.left, []);
  }
  return { action, status: 'done', detail: `vacated lease ${action.leaseId} (${action.reason})` };
};

const drain = async (swarming: SwarmingPort, action: DrainAction, signal: AbortSignal | undefined): Promise<ActionOutcome> => {
  if (isAborted(signal)) {
    return shuttingDown(action);
  }
  const result = await runPortTask(swarming.terminateBot(action.swarmingHost, action.botId, drainReasonText(action)));
  if (E.isLeft(result)) {
    return failedOutcome(action, result.left, []);
  }
  return {
    action,
    status: 'done',
    detail:
      `asked swarming host ${action.swarmingHost} to terminate bot ${action.botId} after its current task; ` +
      `lease ${action.leaseId} is vacated once the bot is dead (${action.reason})`,
  };
};

const renew = async (macService: MacServicePort, action: RenewAction, signal: AbortSignal | undefined): Promise<ActionOutcome> => {
  if (isAborted(signal)) {
    return shuttingDown(action);
  }
  const result = await runPortTask(macService.renew(action.leaseId, action.duration));
  if (E.isLeft(result)) {
    return failedOutcome(action, result.left, []);
  }
  return {
    action,
    status: 'done',
    expires: result.right.expires,
    detail: `renewed lease ${action.leaseId} until ${new Date(result.right.expires).toISOString()}`,
  };
};

/** The plan's actions by phase, each with its index in the plan. */
interface Phases {
  /** Vacates, then drains, in plan order. */
  readonly vacatePhase: { readonly index: number; readonly action: VacateAction | DrainAction }[];
  readonly renews: { readonly index: number; readonly action: RenewAction }[];
  /** Creates per swarming host, hosts in order of their first create. */
  readonly createsByHost: Map<string, IndexedCreate[]>;
}

const splitPhases = (actions: readonly Action[]): Phases => {
  const vacates: Phases['vacatePhase'] = [];
  const drains: Phases['vacatePhase'] = [];
  const renews: Phases['renews'] = [];
  const createsByHost = new Map<string, IndexedCreate[]>();

  actions.forEach((action, index) => {
    switch (action._tag) {
      case 'Vacate':
        vacates.push({ index, action });
        break;
      case 'Drain':
        drains.push({ index, action });
        break;
      case 'Renew':
        renews.push({ index, action });
        break;
      case 'Create': {
        const creates = createsByHost.get(action.swarmingHost) ?? [];
        creates.push({ index, action });
        createsByHost.set(action.swarmingHost, creates);
        break;
      }
    }
  });

  return { vacatePhase: [...vacates, ...drains], renews, createsByHost };
};

/**
 * Executes actions and returns one outcome per action, in the order of
 * `actions`, logging one line per outcome. Never rejects on a port failure.
 *
 * @throws RangeError when `options.concurrency` is not a whole number of at least 1.
 */
export const executeActions = async (
  actions: readonly Action[],
  deps: ExecuteDeps,
  options: ExecuteOptions = {},
): Promise<readonly ActionOutcome[]> => {
  const concurrency = validateConcurrency(options.concurrency ?? DEFAULT_CONCURRENCY);
  const { macService, swarming, secrets, logger } = deps;
  const signal = options.signal;

  if (options.dryRun === true) {
    const planned = actions.map(plannedOutcome);
    planned.forEach((outcome) => logOutcome(logger, outcome));
    return planned;
  }

  const outcomes: ActionOutcome[] = new Array<ActionOutcome>(actions.length);
  const record = (index: number, outcome: ActionOutcome): void => {
    outcomes[index] = outcome;
    logOutcome(logger, outcome);
  };
  const limiter = createLimiter(concurrency);
  const phases = splitPhases(actions);

  // The limiter starts waiting calls in submission order: vacates, drains, renews, then creates.
  const vacatePhase = Promise.all(
    phases.vacatePhase.map(async ({ index, action }) => {
      const outcome = await limiter.run(() =>
        action._tag === 'Vacate' ? vacate(macService, action, signal) : drain(swarming, action, signal),
      );
      record(index, outcome);
    }),
  );
  const renewPhase = Promise.all(
    phases.renews.map(async ({ index, action }) => {
      record(index, await limiter.run(() => renew(macService, action, signal)));
    }),
  );
  const createPhase = (async () => {
    await vacatePhase;
    const context = { macService, secrets, limiter, concurrency, signal, record };
    await Promise.all([...phases.createsByHost.values()].map((creates) => executeHostCreates(creates, context)));
  })();

  await Promise.all([vacatePhase, renewPhase, createPhase]);
  return outcomes;
};
