/**
 * Execution of a plan's actions against MacService, with bounded concurrency.
 *
 * Ordering: vacates and renews start first; no create starts before every
 * vacate has finished, so quota freed by a vacate is available to the
 * creates. Within one (swarming host, image) group the first create runs
 * alone; the rest of the group start only after it returned. When a create
 * hits a quota or rate limit, the group's remaining creates are skipped for
 * the cycle instead of sending requests that would fail the same way.
 *
 * Every action gets exactly one outcome, and one failure never stops the
 * other actions. The abort signal is checked just before each port call:
 * calls in flight finish and are recorded, and nothing new starts.
 */
import {
  describePortError,
  REDACTED,
  type Action,
  type MacServicePort,
  type PortError,
} from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';
import type { Logger } from 'pino';

import { isAborted } from './abort.js';
import { logOutcome } from './logging.js';
import type { ActionOutcome } from './report.js';
import { buildLeaseRequest, type SecretCache } from './secrets.js';
import { runPortTask } from './snapshot.js';

/** Port calls in flight at once when no concurrency is given. */
export const DEFAULT_CONCURRENCY = 8;

/** Dependencies of the executor. */
export interface ExecuteDeps {
  readonly macService: MacServicePort;
  /** The secret cache of this cycle. */
  readonly secrets: SecretCache;
  readonly logger: Logger;
}

/** How to execute. */
export interface ExecuteOptions {
  /** Maximum port calls in flight at once, a whole number of at least 1; {@link DEFAULT_CONCURRENCY} by default. */
  readonly concurrency?: number | undefined;
  /** When true, no call is made and every action's outcome is `planned`. */
  readonly dryRun?: boolean | undefined;
  /** When it fires, actions that have not started are skipped as `shutting-down`. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Returns whether a port error means the service refuses more creates for
 * now: HTTP 429, gRPC RESOURCE_EXHAUSTED (code 8), or an HTTP error whose
 * body mentions a quota, RESOURCE_EXHAUSTED or a rate limit (Google APIs
 * report exhausted quotas as 403 with such a body).
 */
export const isQuotaError = (error: PortError): boolean => {
  switch (error._tag) {
    case 'HttpError':
      return error.status === 429 || /quota|resource_exhausted|rate.?limit/i.test(error.bodyExcerpt);
    case 'RpcError':
      return error.code === 8 || error.codeName === 'RESOURCE_EXHAUSTED';
    case 'TransportError':
    case 'DecodeError':
    case 'PagingError':
    case 'TokenError':
      return false;
  }
};

/**
 * Replaces every resolved secret value in the string fields of an error by
 * `[redacted]`. Adapters already keep request metadata out of their errors;
 * this also covers a server that echoes the request body in an error reply.
 */
export const redactValues = <T extends object>(error: T, values: readonly string[]): T => {
  const secrets = values.filter((value) => value !== '');
  if (secrets.length === 0) {
    return error;
  }

  const redacted: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(error)) {
    redacted[name] = typeof value === 'string' ? redactText(value, secrets) : value;
  }
  return redacted as T;
};

const redactText = (text: string, secrets: readonly string[]): string => {
  let result = text;
  for (const secret of secrets) {
    result = result.split(secret).join(REDACTED);
  }
  return result;
};

/** Rejects a concurrency that is not a whole number of at least 1. */
export const validateConcurrency = (concurrency: number): number => {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a whole number of at least 1, got ${String(concurrency)}`);
  }
  return concurrency;
};

const describeAction = (action: Action): string => {
  switch (action._tag) {
    case 'Vacate':
      return `vacate lease ${action.leaseId} (${action.reason})`;
    case 'Renew':
      return `renew lease ${action.leaseId} for ${action.duration} ms`;
    case 'Create':
      return `create a lease of image ${action.image} for swarming host ${action.swarmingHost}`;
  }
};

/** Returns the `planned` outcome a dry run records for an action. */
export const plannedOutcome = (action: Action): ActionOutcome => ({
  action,
  status: 'planned',
  detail: `dry run: would ${describeAction(action)}`,
});

/** Returns a `skipped` outcome. */
export const skippedOutcome = (
  action: Action,
  skipReason: NonNullable<ActionOutcome['skipReason']>,
  detail: string,
): ActionOutcome => ({ action, status: 'skipped', skipReason, detail });

const shuttingDown = (action: Action): ActionOutcome =>
  skippedOutcome(action, 'shutting-down', `not started: shutting down before it could ${describeAction(action)}`);

const failedOutcome = (action: Action, error: PortError | Error, secrets: readonly string[]): ActionOutcome => {
  if (error instanceof Error) {
    const message = redactText(error.message, secrets.filter((value) => value !== ''));
    return { action, status: 'failed', detail: `could not ${describeAction(action)}: the port threw: ${message}` };
  }

  const redacted = redactValues(error, secrets);
  return {
    action,
    status: 'failed',
    error: redacted,
    detail: `could not ${describeAction(action)}: ${describePortError(redacted)}`,
  };
};

/** The state shared by the creates of one (swarming host, image) group. */
interface CreateGroup {
  /** Settles when the group's first create has an outcome. */
  readonly firstDone: Promise<void>;
  readonly markFirstDone: () => void;
  /** Set once a create of the group hit a quota or rate limit. */
  quotaError?: PortError;
}

const groupKey = (swarmingHost: string, image: string): string => JSON.stringify([swarmingHost, image]);

const newCreateGroup = (): CreateGroup => {
  let markFirstDone = (): void => undefined;
  const firstDone = new Promise<void>((resolve) => {
    markFirstDone = resolve;
  });
  return { firstDone, markFirstDone };
};

/**
 * Orders the work queue: vacates, renews, the first create of each group,
 * then the remaining creates. Returns the queue of action indices and the
 * indices of each group's first create.
 */
const orderQueue = (actions: readonly Action[]): { queue: number[]; firstCreates: Set<number> } => {
  const vacates: number[] = [];
  const renews: number[] = [];
  const firstCreates: number[] = [];
  const laterCreates: number[] = [];
  const seenGroups = new Set<string>();

  actions.forEach((action, index) => {
    switch (action._tag) {
      case 'Vacate':
        vacates.push(index);
        break;
      case 'Renew':
        renews.push(index);
        break;
      case 'Create': {
        const key = groupKey(action.swarmingHost, action.image);
        if (seenGroups.has(key)) {
          laterCreates.push(index);
        } else {
          seenGroups.add(key);
          firstCreates.push(index);
        }
        break;
      }
    }
  });

  return { queue: [...vacates, ...renews, ...firstCreates, ...laterCreates], firstCreates: new Set(firstCreates) };
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
  const { macService, secrets, logger } = deps;
  const signal = options.signal;

  if (options.dryRun === true) {
    const planned = actions.map(plannedOutcome);
    planned.forEach((outcome) => logOutcome(logger, outcome));
    return planned;
  }

  const { queue, firstCreates } = orderQueue(actions);

  // Vacates count down to the barrier that the creates wait for.
  let vacatesLeft = actions.filter((action) => action._tag === 'Vacate').length;
  let openBarrier = (): void => undefined;
  const vacatesFinished = new Promise<void>((resolve) => {
    openBarrier = resolve;
  });
  if (vacatesLeft === 0) {
    openBarrier();
  }

  const groups = new Map<string, CreateGroup>();
  const groupOf = (swarmingHost: string, image: string): CreateGroup => {
    const key = groupKey(swarmingHost, image);
    let group = groups.get(key);
    if (group === undefined) {
      group = newCreateGroup();
      groups.set(key, group);
    }
    return group;
  };

  const vacate = async (action: Extract<Action, { _tag: 'Vacate' }>): Promise<ActionOutcome> => {
    try {
      if (isAborted(signal)) {
        return shuttingDown(action);
      }
      const result = await runPortTask(macService.vacate(action.leaseId));
      if (E.isLeft(result)) {
        return failedOutcome(action, result.left, []);
      }
      return { action, status: 'done', detail: `vacated lease ${action.leaseId} (${action.reason})` };
    } finally {
      vacatesLeft -= 1;
      if (vacatesLeft === 0) {
        openBarrier();
      }
    }
  };

  const renew = async (action: Extract<Action, { _tag: 'Renew' }>): Promise<ActionOutcome> => {
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

  const quotaSkip = (action: Extract<Action, { _tag: 'Create' }>, error: PortError): ActionOutcome =>
    skippedOutcome(
      action,
      'quota-exhausted',
      `not attempted: an earlier create for swarming host ${action.swarmingHost} and image ${action.image} ` +
        `hit a quota or rate limit this cycle: ${describePortError(error)}`,
    );

  const createOnce = async (action: Extract<Action, { _tag: 'Create' }>, group: CreateGroup): Promise<ActionOutcome> => {
    await vacatesFinished;
    if (isAborted(signal)) {
      return shuttingDown(action);
    }
    if (group.quotaError !== undefined) {
      return quotaSkip(action, group.quotaError);
    }

    const resolved = await secrets.resolve(action.swarmingHost, action.request);
    if (E.isLeft(resolved)) {
      return skippedOutcome(
        action,
        'secret-unresolved',
        `${resolved.left.message}; creates for swarming host ${action.swarmingHost} and image ${action.image} are skipped this cycle`,
      );
    }
    const request = buildLeaseRequest(action.request, resolved.right);
    if (request === undefined) {
      return skippedOutcome(action, 'invalid-action', `could not build the request to ${describeAction(action)}`);
    }

    // Resolution takes time: check again right before the call.
    if (isAborted(signal)) {
      return shuttingDown(action);
    }
    if (group.quotaError !== undefined) {
      return quotaSkip(action, group.quotaError);
    }

    const result = await runPortTask(macService.create(request));
    if (E.isLeft(result)) {
      const error = result.left;
      if (!(error instanceof Error) && isQuotaError(error)) {
        group.quotaError = redactValues(error, secrets.values());
      }
      return failedOutcome(action, error, secrets.values());
    }
    return {
      action,
      status: 'done',
      leaseId: result.right.leaseId,
      expires: result.right.expires,
      detail: `created lease ${result.right.leaseId} of image ${action.image} for swarming host ${action.swarmingHost}`,
    };
  };

  const create = async (action: Extract<Action, { _tag: 'Create' }>, index: number): Promise<ActionOutcome> => {
    const group = groupOf(action.swarmingHost, action.image);
    if (firstCreates.has(index)) {
      try {
        return await createOnce(action, group);
      } finally {
        group.markFirstDone();
      }
    }

    await group.firstDone;
    return createOnce(action, group);
  };

  const execute = (action: Action, index: number): Promise<ActionOutcome> => {
    switch (action._tag) {
      case 'Vacate':
        return vacate(action);
      case 'Renew':
        return renew(action);
      case 'Create':
        return create(action, index);
    }
  };

  const outcomes: ActionOutcome[] = new Array<ActionOutcome>(actions.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let position = next++; position < queue.length; position = next++) {
      const index = queue[position] as number;
      const action = actions[index] as Action;
      const outcome = await execute(action, index);
      outcomes[index] = outcome;
      logOutcome(logger, outcome);
    }
  };

  const workers = Math.min(concurrency, queue.length);
  await Promise.all(Array.from({ length: workers }, worker));
  return outcomes;
};
