/**
 * io-ts codecs for the proto3 JSON form of the `swarming.v2` messages that
 * the adapter reads, and the request shapes it sends.
 *
 * proto3 JSON leaves out fields that hold their default value (`false`, `0`,
 * `""`, empty lists). So every field except `botId` is optional, and a
 * missing field means the default. A healthy bot has no `isDead` key, the
 * last page has no `cursor` and an empty page has no `items`. Unknown fields
 * pass through, because newer servers add fields (for example `sessionId`).
 */
import * as t from 'io-ts';

import { Rfc3339Timestamp } from './timestamp.js';

/** A `StringPair`: one dimension filter, where `value` may list alternatives separated by `|`. */
export interface StringPair {
  readonly key: string;
  readonly value: string;
}

/** `swarming.v2.BotsRequest` as JSON. The state filters stay unset, so dead bots are listed too. */
export interface BotsRequestJson {
  readonly limit: number;
  /** Left out on the first page. */
  readonly cursor?: string;
  readonly dimensions: readonly StringPair[];
}

/** `swarming.v2.TerminateRequest` as JSON. */
export interface TerminateRequestJson {
  readonly botId: string;
  readonly reason: string;
}

/** Codec for a `StringListPair`: one bot dimension with its sorted values (JSON name `value`). */
export const StringListPair = t.intersection(
  [t.type({ key: t.string }), t.partial({ value: t.readonlyArray(t.string) })],
  'StringListPair',
);

/** A decoded `StringListPair`. */
export type StringListPair = t.TypeOf<typeof StringListPair>;

/**
 * Codec for `swarming.v2.BotInfo`, decoding the fields the adapter reads.
 * Timestamps decode to milliseconds since the Unix epoch.
 */
export const BotInfo = t.intersection(
  [
    t.type({ botId: t.string }),
    t.partial({
      taskId: t.string,
      isDead: t.boolean,
      quarantined: t.boolean,
      maintenanceMsg: t.string,
      firstSeenTs: Rfc3339Timestamp,
      lastSeenTs: Rfc3339Timestamp,
      dimensions: t.readonlyArray(StringListPair),
    }),
  ],
  'BotInfo',
);

/** A decoded `BotInfo`. */
export type BotInfo = t.TypeOf<typeof BotInfo>;

/** The JSON form of a `BotInfo`, as the server sends it. */
export type BotInfoJson = t.OutputOf<typeof BotInfo>;

/** Codec for `swarming.v2.BotInfoListResponse`, one page of ListBots. */
export const BotInfoListResponse = t.partial(
  {
    cursor: t.string,
    items: t.readonlyArray(BotInfo),
    /** Seconds without contact after which the server marks a bot dead (`bot_death_timeout_secs`). */
    deathTimeout: t.number,
  },
  'BotInfoListResponse',
);

/** A decoded `BotInfoListResponse`. */
export type BotInfoListResponse = t.TypeOf<typeof BotInfoListResponse>;

/** Codec for `swarming.v2.TerminateResponse`. */
export const TerminateResponse = t.partial({ taskId: t.string }, 'TerminateResponse');

/** A decoded `TerminateResponse`: the id of the termination task, when the server returns one. */
export type TerminateResponse = t.TypeOf<typeof TerminateResponse>;
