/**
 * Drained bots: bots this process asked Swarming to terminate after their
 * current task. A busy bot can take hours to finish, and the planner plans a
 * drain for it every cycle until it is dead. Without this memory the runtime
 * would send `TerminateBot` again each cycle, and Swarming would queue one
 * more termination task each time.
 *
 * Each cycle prunes the store against the fresh snapshot. An entry is
 * forgotten once its bot is listed dead, once `find` no longer lists its
 * lease, or once its lease is vacated. It is also forgotten at a maximum age,
 * after which a drain the planner still plans is sent again, in case Swarming
 * lost the first request. A bot missing from a successful listing is kept, so
 * an empty or partial listing never causes a second `TerminateBot`.
 *
 * The default store lives in memory, so a process restart forgets it and the
 * next cycle sends one more `TerminateBot` per bot still draining. The bot
 * still finishes its current task first.
 */
import type { Action, Duration, Lease, SwarmingListing, Timestamp } from '@makemac/core';

import { skippedOutcome } from './outcomes.js';
import type { ActionOutcome } from './report.js';

/**
 * How long a drained bot is remembered when nothing else forgets it first: 6 h.
 * NOTE: a chosen value, meant to outlast most build tasks; a task that runs
 * longer gets a second `TerminateBot`, which is harmless.
 */
export const DEFAULT_DRAIN_MAX_AGE: Duration = 6 * 60 * 60 * 1000;

/** One bot that Swarming was asked to terminate after its current task. */
export interface DrainedBot {
  readonly swarmingHost: string;
  readonly botId: string;
  /** The lease the bot runs on. */
  readonly leaseId: string;
  readonly image: string;
  /** When `TerminateBot` returned. */
  readonly requestedAt: Timestamp;
}

/** The identity of a drained bot: its swarming host and bot id. */
export type DrainedBotKey = Pick<DrainedBot, 'swarmingHost' | 'botId'>;

/**
 * Storage of drained bots between cycles. Methods may be asynchronous, so an
 * embedding tool can keep them in a file or a database.
 */
export interface DrainedBotStore {
  /** Returns every entry. */
  list(): Promise<readonly DrainedBot[]>;
  /** Adds entries, replacing any with the same swarming host and bot id. */
  add(entries: readonly DrainedBot[]): Promise<void>;
  /** Removes the entries with these keys; unknown keys are ignored. */
  remove(keys: readonly DrainedBotKey[]): Promise<void>;
}

const keyOf = (entry: DrainedBotKey): string => JSON.stringify([entry.swarmingHost, entry.botId]);

/** Creates a {@link DrainedBotStore} that keeps entries in memory for the life of the process. */
export const createMemoryDrainStore = (): DrainedBotStore => {
  const entries = new Map<string, DrainedBot>();
  return {
    list: async () => [...entries.values()],
    add: async (added) => {
      for (const entry of added) {
        entries.set(keyOf(entry), entry);
      }
    },
    remove: async (keys) => {
      for (const key of keys) {
        entries.delete(keyOf(key));
      }
    },
  };
};

/** Reason a drained bot is no longer remembered. */
export type DrainForgetReason = 'bot-dead' | 'lease-gone' | 'max-age';

/** The drained bots split into those still draining and those to forget. */
export interface DrainPrune {
  readonly keep: readonly DrainedBot[];
  readonly forget: readonly { readonly entry: DrainedBot; readonly reason: DrainForgetReason }[];
}

/**
 * Splits drained bots against a fresh snapshot. An entry is forgotten when a
 * successful listing of its swarming host shows the bot dead, when `leases`
 * lacks its lease, or when it was requested `maxAge` or longer ago.
 */
export const pruneDrained = (
  entries: readonly DrainedBot[],
  listings: readonly SwarmingListing[],
  leases: readonly Lease[],
  now: Timestamp,
  maxAge: Duration,
): DrainPrune => {
  const deadBots = new Set<string>();
  for (const listing of listings) {
    if (listing._tag === 'Listed') {
      for (const bot of listing.bots) {
        if (bot.isDead) {
          deadBots.add(keyOf({ swarmingHost: listing.swarmingHost, botId: bot.botId }));
        }
      }
    }
  }
  const leaseIds = new Set(leases.map((lease) => lease.leaseId));

  const keep: DrainedBot[] = [];
  const forget: { entry: DrainedBot; reason: DrainForgetReason }[] = [];
  for (const entry of entries) {
    if (deadBots.has(keyOf(entry))) {
      forget.push({ entry, reason: 'bot-dead' });
    } else if (!leaseIds.has(entry.leaseId)) {
      forget.push({ entry, reason: 'lease-gone' });
    } else if (now - entry.requestedAt >= maxAge) {
      forget.push({ entry, reason: 'max-age' });
    } else {
      keep.push(entry);
    }
  }

  return { keep, forget };
};

/**
 * Returns `skipped` outcomes, by index into `actions`, for the drains of bots
 * that are still draining after an earlier request.
 */
export const skipAlreadyDraining = (
  actions: readonly Action[],
  draining: readonly DrainedBot[],
): ReadonlyMap<number, ActionOutcome> => {
  const byKey = new Map(draining.map((entry) => [keyOf(entry), entry]));
  const skipped = new Map<number, ActionOutcome>();

  actions.forEach((action, index) => {
    if (action._tag !== 'Drain') {
      return;
    }
    const entry = byKey.get(keyOf(action));
    if (entry !== undefined) {
      skipped.set(
        index,
        skippedOutcome(
          action,
          'already-draining',
          `not sent again: swarming host ${action.swarmingHost} was asked at ` +
            `${new Date(entry.requestedAt).toISOString()} to terminate bot ${action.botId} after its current task`,
        ),
      );
    }
  });

  return skipped;
};
