/**
 * Pure mapping between the adapter's inputs and the wire messages: the
 * ListBots request for a query, a decoded `BotInfo` to a core {@link Bot},
 * the merging of pages into one listing, and the decoding of a captured page.
 */
import type { Bot, DecodeError, ExcludedBot, ListBotsQuery } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';

import { DEFAULT_BOT_ID_PATTERN, matchLeaseId, normalizeBotIdPattern } from './bot-id.js';
import { BotInfoListResponse, type BotInfo, type BotsRequestJson, type StringPair } from './codecs.js';
import { decodeErrorFromValidation } from './prpc.js';

/** The `os` dimension value that the default filter requires. */
export const DEFAULT_OS_DIMENSION = 'Mac';

/**
 * Returns the default dimension filter of a query: the query's pool and
 * `os=Mac`, as the Go makemac filters. A bot matches when its `os` values
 * include `Mac`.
 */
export const defaultDimensions = (query: ListBotsQuery): readonly StringPair[] => [
  { key: 'pool', value: query.pool },
  { key: 'os', value: DEFAULT_OS_DIMENSION },
];

/** Builds the JSON body of one ListBots page request. The first page has no cursor. */
export const listBotsRequest = (
  pageSize: number,
  dimensions: readonly StringPair[],
  cursor: string | undefined,
): BotsRequestJson =>
  cursor === undefined || cursor === ''
    ? { limit: pageSize, dimensions }
    : { limit: pageSize, cursor, dimensions };

/** A `BotInfo` mapped to a bot that names a lease or to a bot that was excluded. */
export type MappedBot =
  | { readonly _tag: 'Bot'; readonly bot: Bot }
  | { readonly _tag: 'Excluded'; readonly excluded: ExcludedBot };

const osValues = (info: BotInfo): readonly string[] | undefined => {
  const pairs = (info.dimensions ?? []).filter((pair) => pair.key === 'os');
  if (pairs.length === 0) {
    return undefined;
  }
  return pairs.flatMap((pair) => pair.value ?? []);
};

/**
 * Maps a decoded `BotInfo` to a core {@link Bot}. A bot whose id does not
 * name a lease under `botIdPattern` is excluded with the reason.
 */
export const toBot = (info: BotInfo, botIdPattern: RegExp): MappedBot => {
  const match = matchLeaseId(info.botId, botIdPattern);
  if (match._tag === 'NoLeaseId') {
    return { _tag: 'Excluded', excluded: { botId: info.botId, reason: match.reason } };
  }

  // proto3 JSON leaves out empty strings and false, so absent and empty mean the same.
  const taskId = info.taskId === '' ? undefined : info.taskId;
  const maintenanceMessage = info.maintenanceMsg === '' ? undefined : info.maintenanceMsg;
  const os = osValues(info);

  const bot: Bot = {
    botId: info.botId,
    leaseId: match.leaseId,
    isDead: info.isDead ?? false,
    quarantined: info.quarantined ?? false,
    ...(taskId === undefined ? {} : { taskId }),
    ...(maintenanceMessage === undefined ? {} : { maintenanceMessage }),
    ...(info.firstSeenTs === undefined ? {} : { firstSeen: info.firstSeenTs }),
    ...(info.lastSeenTs === undefined ? {} : { lastSeen: info.lastSeenTs }),
    ...(os === undefined ? {} : { os }),
  };
  return { _tag: 'Bot', bot };
};

/**
 * Bots of a listing, merged by bot id across pages. A bot listed twice keeps
 * the position of its first listing and the fields of its last one, so the
 * result depends only on the pages and their order.
 */
export class BotMerger {
  private readonly bots = new Map<string, Bot>();
  private readonly excluded = new Map<string, ExcludedBot>();

  /** Adds the bots of one page. */
  add(page: readonly MappedBot[]): void {
    for (const mapped of page) {
      switch (mapped._tag) {
        case 'Bot':
          this.bots.set(mapped.bot.botId, mapped.bot);
          break;
        case 'Excluded':
          this.excluded.set(mapped.excluded.botId, mapped.excluded);
          break;
      }
    }
  }

  /** Returns the merged bots and excluded bots, each id once. */
  result(): { readonly bots: readonly Bot[]; readonly excluded: readonly ExcludedBot[] } {
    return { bots: [...this.bots.values()], excluded: [...this.excluded.values()] };
  }
}

/** One ListBots page mapped to core types. */
export interface ListBotsPage {
  readonly bots: readonly Bot[];
  readonly excluded: readonly ExcludedBot[];
  /** The cursor of the next page; undefined on the last page. */
  readonly cursor?: string | undefined;
  /** The server's `deathTimeout` in seconds, when it sent one. */
  readonly deathTimeoutSeconds?: number | undefined;
}

/** Options of {@link decodeListBotsResponse}. */
export interface DecodeListBotsOptions {
  /**
   * The pattern of bot ids that name a lease; the first capture group is the lease id.
   *
   * @defaultValue `/^.*--([0-9a-f-]+)\.golang\..*\.macservice\.goog$/`
   */
  readonly botIdPattern?: RegExp;
  /**
   * The URL or file name that errors name as the source.
   *
   * @defaultValue `swarming.v2.Bots/ListBots`
   */
  readonly url?: string;
}

/**
 * Decodes one parsed ListBots response (a `BotInfoListResponse` as JSON, for
 * example a captured page) into bots and excluded bots. Bots within the page
 * are merged by id like the pages of a listing.
 *
 * @throws TypeError when `botIdPattern` has no capture group.
 */
export const decodeListBotsResponse = (
  value: unknown,
  options: DecodeListBotsOptions = {},
): E.Either<DecodeError, ListBotsPage> => {
  const pattern = normalizeBotIdPattern(options.botIdPattern ?? DEFAULT_BOT_ID_PATTERN);
  const url = options.url ?? 'swarming.v2.Bots/ListBots';

  const decoded = BotInfoListResponse.decode(value);
  if (E.isLeft(decoded)) {
    return E.left(decodeErrorFromValidation(url, decoded.left));
  }

  const merger = new BotMerger();
  merger.add((decoded.right.items ?? []).map((info) => toBot(info, pattern)));
  const cursor = decoded.right.cursor === '' ? undefined : decoded.right.cursor;
  return E.right({ ...merger.result(), cursor, deathTimeoutSeconds: decoded.right.deathTimeout });
};
