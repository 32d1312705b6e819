/**
 * Structured log lines of the runtime. Every line has a constant message and
 * key/value fields (`action`, `leaseId`, `swarmingHost`, `image`, `reason`,
 * `error`), so log queries match on fields, not on text. Only decisions that
 * change something get a line, plus one summary per cycle.
 *
 * Errors are logged as `describePortError` text. Nothing here ever receives a
 * resolved secret value: outcomes carry the planned request with references.
 */
import { describePortError, REDACTED, type Action, type PortError } from '@makemac/core';
import { pino, type Logger } from 'pino';

import type { ActionOutcome, CycleReport } from './report.js';

/** Returns the logger the runtime uses when none is injected: `pino()` on standard output. */
export const defaultLogger = (): Logger => pino();

/** Returns the `action` log field of an action. */
export const actionName = (action: Action): 'vacate' | 'renew' | 'create' => {
  switch (action._tag) {
    case 'Vacate':
      return 'vacate';
    case 'Renew':
      return 'renew';
    case 'Create':
      return 'create';
  }
};

/** Returns the log fields that identify an action. */
export const actionFields = (action: Action): Record<string, unknown> => {
  switch (action._tag) {
    case 'Vacate':
      return {
        action: 'vacate',
        leaseId: action.leaseId,
        swarmingHost: action.swarmingHost,
        image: action.image,
        reason: action.reason,
      };
    case 'Renew':
      return {
        action: 'renew',
        leaseId: action.leaseId,
        swarmingHost: action.swarmingHost,
        image: action.image,
        expires: new Date(action.expires).toISOString(),
        durationMs: action.duration,
      };
    case 'Create':
      return {
        action: 'create',
        swarmingHost: action.swarmingHost,
        image: action.image,
        hostname: action.hostname,
      };
  }
};

const doneMessage = (action: Action): string => {
  switch (action._tag) {
    case 'Vacate':
      return 'lease vacated';
    case 'Renew':
      return 'lease renewed';
    case 'Create':
      return 'lease created';
  }
};

const failedMessage = (action: Action): string => {
  switch (action._tag) {
    case 'Vacate':
      return 'lease vacate failed';
    case 'Renew':
      return 'lease renew failed';
    case 'Create':
      return 'lease create failed';
  }
};

/** Writes the one log line of an action's outcome. */
export const logOutcome = (logger: Logger, outcome: ActionOutcome): void => {
  const fields: Record<string, unknown> = { ...actionFields(outcome.action), detail: outcome.detail };
  if (outcome.error !== undefined) {
    fields['error'] = describePortError(outcome.error);
  }

  switch (outcome.status) {
    case 'done':
      if (outcome.leaseId !== undefined) {
        fields['leaseId'] = outcome.leaseId;
      }
      if (outcome.expires !== undefined) {
        fields['newExpires'] = new Date(outcome.expires).toISOString();
      }
      logger.info(fields, doneMessage(outcome.action));
      break;
    case 'failed':
      logger.error(fields, failedMessage(outcome.action));
      break;
    case 'skipped':
      fields['skipReason'] = outcome.skipReason;
      logger.warn(fields, 'action skipped');
      break;
    case 'planned':
      logger.info(fields, 'action planned (dry run)');
      break;
  }
};

/** Writes the summary line of a cycle. */
export const logCycleSummary = (logger: Logger, report: CycleReport): void => {
  const fields: Record<string, unknown> = {
    ...report.summary,
    durationMs: report.finishedAt - report.startedAt,
    dryRun: report.dryRun,
    aborted: report.aborted,
    listingErrors: report.listingErrors.length,
    pendingLeases: report.pendingLeaseIds.length,
  };
  if (report.reason !== undefined) {
    fields['reason'] = report.reason;
  }

  if (report.plan === undefined) {
    logger.error(fields, 'reconcile cycle abandoned');
  } else {
    logger.info(fields, 'reconcile cycle finished');
  }
};

/**
 * An event an adapter reports through its `onEvent` callback, for example
 * `{ event: 'retry', url, attempt, delayMs, error }`. `event` becomes the log
 * message; every other field becomes a log field.
 */
export interface PortEvent {
  readonly event: string;
  readonly [field: string]: unknown;
}

/** Field names whose values are dropped from port events, whatever an adapter sends. */
const SECRET_FIELD = /^(api[-_]?key|key|cert|token|access[-_]?token|authorization|password|secret)$/i;

const isPortError = (value: unknown): value is PortError => {
  if (typeof value !== 'object' || value === null || !('_tag' in value)) {
    return false;
  }
  const tag = (value as { _tag: unknown })._tag;
  return (
    tag === 'TransportError' ||
    tag === 'HttpError' ||
    tag === 'RpcError' ||
    tag === 'DecodeError' ||
    tag === 'PagingError' ||
    tag === 'TokenError'
  );
};

/**
 * Returns an `onEvent` callback for the adapters that writes each event as one
 * log line. A `PortError` field is written as its `describePortError` text, and
 * fields named like credentials (`apiKey`, `token`, `authorization`, `key`,
 * `cert`, ...) are replaced by `[redacted]`.
 *
 * @param level - pino level of the lines; `info` by default.
 */
export const logPortEvent =
  (logger: Logger, level: 'debug' | 'info' | 'warn' = 'info') =>
  (event: PortEvent): void => {
    const fields: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(event)) {
      if (name === 'event') {
        continue;
      }
      if (SECRET_FIELD.test(name)) {
        fields[name] = REDACTED;
      } else if (isPortError(value)) {
        fields[name] = describePortError(value);
      } else {
        fields[name] = value;
      }
    }
    logger[level](fields, event.event);
  };
