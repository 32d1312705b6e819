/**
 * Execution of the creates of one swarming host, paced in growing batches.
 *
 * The first batch is one create, and each later batch is twice the size of
 * the one before, up to the executor's concurrency (1, 2, 4, ...). A batch
 * starts only after the previous one has finished. The first failed create
 * stops the host for the cycle: creates that have not started are skipped,
 * so a broken image, a full quota or a failing service costs one request
 * instead of one per planned lease. The next cycle plans again from fresh
 * state.
 *
 * On top of that, when a create hits a quota or rate limit, the creates of the
 * same (swarming host, image) group that have not started are skipped as
 * `quota-exhausted`, and the host's other creates as `create-batch-failed`.
 */
import { describePortError, type Action, type MacServicePort, type PortError } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';

import { isAborted } from './abort.js';
import type { Limiter } from './limiter.js';
import { describeAction, failedOutcome, redactValues, shuttingDown, skippedOutcome } from './outcomes.js';
import type { ActionOutcome } from './report.js';
import { buildLeaseRequest, type SecretCache } from './secrets.js';
import { runPortTask } from './snapshot.js';

/** A create action of a plan. */
export type CreateAction = Extract<Action, { _tag: 'Create' }>;

/** A create and its index in the plan's actions. */
export interface IndexedCreate {
  readonly index: number;
  readonly action: CreateAction;
}

/** What the creates of one swarming host need from the executor. */
export interface HostCreateContext {
  readonly macService: MacServicePort;
  /** The secret cache of this cycle. */
  readonly secrets: SecretCache;
  /** The limiter every port call of the cycle goes through. */
  readonly limiter: Limiter;
  /** The largest batch size. */
  readonly concurrency: number;
  readonly signal: AbortSignal | undefined;
  /** Stores an outcome and logs it, as soon as it is known. */
  readonly record: (index: number, outcome: ActionOutcome) => void;
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
 * Returns the batch sizes for `total` creates: 1, 2, 4, ..., each at most
 * `concurrency`, summing to `total`.
 */
export const createBatchSizes = (total: number, concurrency: number): number[] => {
  const sizes: number[] = [];
  let size = 1;
  for (let left = total; left > 0; left -= sizes.at(-1) ?? 0) {
    sizes.push(Math.min(size, concurrency, left));
    size *= 2;
  }
  return sizes;
};

/** The state the creates of one swarming host share during a cycle. */
interface HostState {
  /** The first failed create of the host, once there is one. */
  failure?: ActionOutcome;
  /** The quota or rate limit error per (swarming host, image) group. */
  readonly quotaErrors: Map<string, PortError>;
}

const groupKey = (action: CreateAction): string => JSON.stringify([action.swarmingHost, action.image]);

const quotaSkip = (action: CreateAction, error: PortError): ActionOutcome =>
  skippedOutcome(
    action,
    'quota-exhausted',
    `not attempted: an earlier create for swarming host ${action.swarmingHost} and image ${action.image} ` +
      `hit a quota or rate limit this cycle: ${describePortError(error)}`,
  );

const batchFailedSkip = (action: CreateAction, failure: ActionOutcome): ActionOutcome =>
  skippedOutcome(
    action,
    'create-batch-failed',
    `not attempted: an earlier create for swarming host ${action.swarmingHost} failed this cycle, ` +
      `so its remaining creates wait for the next cycle: ${failure.detail}`,
  );

/** Returns why a create must not start now, or undefined when it may. */
const stopBeforeCall = (action: CreateAction, state: HostState, signal: AbortSignal | undefined): ActionOutcome | undefined => {
  if (isAborted(signal)) {
    return shuttingDown(action);
  }
  const quotaError = state.quotaErrors.get(groupKey(action));
  if (quotaError !== undefined) {
    return quotaSkip(action, quotaError);
  }
  if (state.failure !== undefined) {
    return batchFailedSkip(action, state.failure);
  }
  return undefined;
};

const createOnce = async (action: CreateAction, state: HostState, context: HostCreateContext): Promise<ActionOutcome> => {
  const { macService, secrets, signal } = context;
  const stopped = stopBeforeCall(action, state, signal);
  if (stopped !== undefined) {
    return stopped;
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

  // Resolution takes time, and another create may have failed meanwhile: check again right before the call.
  const stoppedLater = stopBeforeCall(action, state, signal);
  if (stoppedLater !== undefined) {
    return stoppedLater;
  }

  const result = await runPortTask(macService.create(request));
  if (E.isLeft(result)) {
    const error = result.left;
    if (!(error instanceof Error) && isQuotaError(error)) {
      state.quotaErrors.set(groupKey(action), redactValues(error, secrets.values()));
    }
    const failed = failedOutcome(action, error, secrets.values());
    state.failure ??= failed;
    return failed;
  }
  return {
    action,
    status: 'done',
    leaseId: result.right.leaseId,
    expires: result.right.expires,
    detail: `created lease ${result.right.leaseId} of image ${action.image} for swarming host ${action.swarmingHost}`,
  };
};

/**
 * Executes the creates of one swarming host in plan order, in growing
 * batches, and records one outcome per create. Never rejects on a port
 * failure.
 */
export const executeHostCreates = async (creates: readonly IndexedCreate[], context: HostCreateContext): Promise<void> => {
  const state: HostState = { quotaErrors: new Map() };

  let position = 0;
  for (const size of createBatchSizes(creates.length, context.concurrency)) {
    if (state.failure !== undefined || isAborted(context.signal)) {
      break;
    }
    const batch = creates.slice(position, position + size);
    position += size;

    await Promise.all(
      batch.map(async ({ index, action }) => {
        const outcome = await context.limiter.run(() => createOnce(action, state, context));
        context.record(index, outcome);
      }),
    );
  }

  // After a failure or an abort, the creates that never started get their skip without waiting for a slot.
  for (const { index, action } of creates.slice(position)) {
    context.record(index, stopBeforeCall(action, state, context.signal) ?? shuttingDown(action));
  }
};
