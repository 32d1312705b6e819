/**
 * Building the outcome of one action: `planned` in a dry run, `skipped` with
 * a reason, `failed` with the port error, or `done`. Errors pass through
 * {@link redactValues} first, so a resolved secret that a server echoes back
 * never reaches a report or a log.
 */
import { describePortError, REDACTED, type Action, type PortError } from '@makemac/core';

import type { ActionOutcome } from './report.js';

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

/** Describes an action as the object of a verb, for outcome details. */
export const describeAction = (action: Action): string => {
  switch (action._tag) {
    case 'Vacate':
      return `vacate lease ${action.leaseId} (${action.reason})`;
    case 'Drain':
      return `drain bot ${action.botId} of lease ${action.leaseId} (${action.reason})`;
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

/** Returns the outcome of an action that did not start because the abort signal fired. */
export const shuttingDown = (action: Action): ActionOutcome =>
  skippedOutcome(action, 'shutting-down', `not started: shutting down before it could ${describeAction(action)}`);

/** Returns the `failed` outcome of a port error or of an exception the port threw, with secrets redacted. */
export const failedOutcome = (action: Action, error: PortError | Error, secrets: readonly string[]): ActionOutcome => {
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
