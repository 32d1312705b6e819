/**
 * fast-check arbitraries beside the codecs: decoded values of each codec,
 * and wire JSON in the forms a proto3 JSON writer may produce. Wire
 * timestamps have 0, 3, 6 or 9 fractional digits or an offset, default
 * fields are left out, and unknown fields are added.
 */
import fc from 'fast-check';

import type { BotInfo, BotInfoListResponse, StringListPair } from '../src/codecs.js';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from '../src/timestamp.js';

/** Milliseconds since the Unix epoch within the protobuf Timestamp range. */
export const timestampMs = (): fc.Arbitrary<number> => fc.integer({ min: MIN_TIMESTAMP_MS, max: MAX_TIMESTAMP_MS });

/** An RFC 3339 timestamp as text together with the milliseconds it denotes after truncation. */
export interface WireTimestamp {
  readonly text: string;
  readonly epochMs: number;
}

/**
 * RFC 3339 text for an instant, written with 0, 3, 6 or 9 fractional digits
 * (or 1 to 9 when `anyDigits`) and with `Z` or a numeric offset. The
 * expected value comes from `Date.prototype.toISOString`, not from the parser.
 */
export const wireTimestamp = (options: { anyDigits?: boolean } = {}): fc.Arbitrary<WireTimestamp> =>
  fc
    .record({
      // Keep a day of margin so that the offset never leaves the valid range.
      epochMs: fc.integer({ min: MIN_TIMESTAMP_MS + 86_400_000, max: MAX_TIMESTAMP_MS - 86_400_000 }),
      digits: options.anyDigits === true ? fc.integer({ min: 0, max: 9 }) : fc.constantFrom(0, 3, 6, 9),
      subMillisecond: fc.integer({ min: 0, max: 999_999 }),
      offsetMinutes: fc.oneof(fc.constant(0), fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 })),
      lowerCase: fc.boolean(),
    })
    .map(({ epochMs, digits, subMillisecond, offsetMinutes, lowerCase }) => {
      // Digits past the first three are sub-millisecond and are truncated.
      const fullFraction = `${String(((epochMs % 1000) + 1000) % 1000).padStart(3, '0')}${String(subMillisecond).padStart(6, '0')}`;
      const fraction = fullFraction.slice(0, digits);
      const keptMs = Number(fraction.padEnd(3, '0').slice(0, 3));
      const wholeSecond = epochMs - (((epochMs % 1000) + 1000) % 1000);

      const local = new Date(wholeSecond + offsetMinutes * 60_000).toISOString().slice(0, 19);
      const sign = offsetMinutes < 0 ? '-' : '+';
      const absolute = Math.abs(offsetMinutes);
      const zone =
        offsetMinutes === 0
          ? 'Z'
          : `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
      const text = `${local}${digits === 0 ? '' : `.${fraction}`}${zone}`;
      return {
        text: lowerCase ? text.replace('T', 't').replace('Z', 'z') : text,
        epochMs: wholeSecond + keptMs,
      };
    });

/** A dimension key such as `os` or a random short key. */
const dimensionKey = (): fc.Arbitrary<string> => fc.oneof(fc.constantFrom('os', 'pool', 'id', 'cpu'), fc.string({ maxLength: 8 }));

/** Decoded `StringListPair` values. */
export const stringListPair = (): fc.Arbitrary<StringListPair> =>
  fc.record(
    { key: dimensionKey(), value: fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }) },
    { requiredKeys: ['key'] },
  );

/** Decoded `BotInfo` values, with any subset of the optional fields. */
export const botInfo = (): fc.Arbitrary<BotInfo> =>
  fc.record(
    {
      botId: fc.string({ maxLength: 40 }),
      taskId: fc.string({ maxLength: 16 }),
      isDead: fc.boolean(),
      quarantined: fc.boolean(),
      maintenanceMsg: fc.string({ maxLength: 20 }),
      firstSeenTs: timestampMs(),
      lastSeenTs: timestampMs(),
      dimensions: fc.array(stringListPair(), { maxLength: 4 }),
    },
    { requiredKeys: ['botId'] },
  );

/** Decoded `BotInfoListResponse` values. */
export const botInfoListResponse = (): fc.Arbitrary<BotInfoListResponse> =>
  fc.record({
    cursor: fc.string({ maxLength: 12 }),
    items: fc.array(botInfo(), { maxLength: 5 }),
    deathTimeout: fc.integer({ min: 0, max: 2_147_483_647 }),
  }, { requiredKeys: [] });

/** Fields that real servers send but the codecs do not read. */
const unknownBotFields = (): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(
    {
      externalIp: fc.constant('203.0.113.7'),
      authenticatedAs: fc.constant('bot:darwin-arm64-14'),
      version: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 6, maxLength: 12 }),
      state: fc.constant('{"ram":65}'),
      taskName: fc.string({ maxLength: 10 }),
      sessionId: fc.string({ maxLength: 10 }),
      futureField: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: [] },
  );

/** A `BotInfo` as wire JSON, paired with the value it must decode to. */
export interface WireBotInfo {
  readonly json: Record<string, unknown>;
  readonly decoded: BotInfo;
}

/**
 * `BotInfo` wire JSON as a proto3 JSON writer may produce it: timestamps in
 * any accepted form, default fields left out or written out, unknown fields
 * mixed in.
 */
export const wireBotInfo = (): fc.Arbitrary<WireBotInfo> =>
  fc
    .tuple(
      botInfo(),
      fc.option(wireTimestamp(), { nil: undefined }),
      fc.option(wireTimestamp(), { nil: undefined }),
      unknownBotFields(),
    )
    .map(([info, firstSeen, lastSeen, unknown]) => {
      const { firstSeenTs: _first, lastSeenTs: _last, ...rest } = info;
      const json: Record<string, unknown> = { ...unknown, ...rest };
      const decoded: Record<string, unknown> = { ...rest };
      if (firstSeen !== undefined) {
        json.firstSeenTs = firstSeen.text;
        decoded.firstSeenTs = firstSeen.epochMs;
      }
      if (lastSeen !== undefined) {
        json.lastSeenTs = lastSeen.text;
        decoded.lastSeenTs = lastSeen.epochMs;
      }
      return { json, decoded: decoded as BotInfo };
    });
