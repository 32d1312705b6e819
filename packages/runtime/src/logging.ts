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
export const actionName = (action: Action): 'vacate' | 'drain' | 'renew' | 'create' => {
  switch (action._tag) {
    case 'Vacate':
      return 'vacate';
    case 'Drain':
      return 'drain';
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
    case 'Drain':
      return {
        action: 'drain',
        leaseId: action.leaseId,
        botId: action.botId,
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
    case 'Drain':
      return 'bot drain requested';
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
    case 'Drain':
      return 'bot drain failed';
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
      // A bot still finishing its task after a drain is expected, not a problem.
      if (outcome.skipReason === 'already-draining') {
        logger.info(fields, 'action skipped');
      } else {
        logger.warn(fields, 'action skipped');
      }
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
 * An event an adapter reports through its `onEvent` callback. The MacService
 * adapter names the event in an `event` field (`{ event: 'retry', ... }`), the
 * Swarming adapter in a `_tag` field (`{ _tag: 'Retry', ... }`); either
 * becomes the log message, and every other field becomes a log field.
 */
export interface PortEvent {
  readonly event?: string | undefined;
  readonly _tag?: string | undefined;
  readonly [field: string]: unknown;
}

/** Pino level of a port event's line. */
export type PortEventLevel = 'debug' | 'info' | 'warn';

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

const eventName = (event: PortEvent): string => {
  if (typeof event.event === 'string') {
    return event.event;
  }
  if (typeof event._tag === 'string') {
    return event._tag;
  }
  return 'port event';
};

/**
 * Returns an `onEvent` callback for the adapters that writes each event as one
 * log line. A `PortError` field is written as its `describePortError` text, and
 * fields named like credentials (`apiKey`, `token`, `authorization`, `key`,
 * `cert`, ...) are replaced by `[redacted]`.
 *
 * @param level - pino level of the lines, or a function that picks it per
 *   event (for example `warn` for retries and `debug` for pages); `info` by default.
 */
export const logPortEvent =
  (logger: Logger, level: PortEventLevel | ((event: PortEvent) => PortEventLevel) = 'info') =>
  (event: PortEvent): void => {
    const name = eventName(event);
    const fields: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(event)) {
      if ((field === 'event' || field === '_tag') && value === name) {
        continue;
      }
      if (SECRET_FIELD.test(field)) {
        fields[field] = REDACTED;
      } else if (isPortError(value)) {
        fields[field] = describePortError(value);
      } else {
        fields[field] = value;
      }
    }

    const chosen = typeof level === 'function' ? level(event) : level;
    logger[chosen](fields, name);
  };
