/**
 * Properties of the codecs: the arbitraries and codecs agree, encoding then
 * decoding round-trips, wire JSON decodes to the expected value, and
 * decoding any input returns a typed result instead of throwing.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { BotInfo, BotInfoListResponse, StringListPair, TerminateResponse } from '../src/codecs.js';
import { decodeJsonBody } from '../src/prpc.js';
import { botInfo, botInfoListResponse, stringListPair, wireBotInfo } from './arbitraries.js';

const URL = 'http://127.0.0.1:1/prpc/swarming.v2.Bots/ListBots';

const BOT_INFO_FIELDS: ReadonlySet<string> = new Set([
  'botId',
  'taskId',
  'isDead',
  'quarantined',
  'maintenanceMsg',
  'firstSeenTs',
  'lastSeenTs',
  'dimensions',
]);

const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('codec arbitraries', () => {
  it('generate values the codecs accept', () => {
    fc.assert(
      fc.property(stringListPair(), botInfo(), botInfoListResponse(), (pair, info, response) => {
        expect(StringListPair.is(pair)).toBe(true);
        expect(BotInfo.is(info)).toBe(true);
        expect(BotInfoListResponse.is(response)).toBe(true);
      }),
    );
  });
});

describe('codec round trips', () => {
  it('BotInfo encodes then decodes to itself', () => {
    fc.assert(
      fc.property(botInfo(), (info) => {
        expect(BotInfo.decode(viaJson(BotInfo.encode(info)))).toEqual(E.right(info));
      }),
    );
  });

  it('BotInfoListResponse encodes then decodes to itself', () => {
    fc.assert(
      fc.property(botInfoListResponse(), (response) => {
        expect(BotInfoListResponse.decode(viaJson(BotInfoListResponse.encode(response)))).toEqual(E.right(response));
      }),
    );
  });

  it('wire BotInfo decodes to the expected value', () => {
    fc.assert(
      fc.property(wireBotInfo(), ({ json, decoded }) => {
        const result = BotInfo.decode(viaJson(json));

        expect(E.isRight(result)).toBe(true);
        if (E.isRight(result)) {
          // Unknown fields pass through io-ts, so compare only the fields the codec reads.
          const read = Object.fromEntries(Object.entries(result.right).filter(([key]) => BOT_INFO_FIELDS.has(key)));
          expect(read).toEqual(decoded);
        }
      }),
    );
  });

  it('wire pages decode through the pRPC body reader', () => {
    fc.assert(
      fc.property(fc.array(wireBotInfo(), { maxLength: 4 }), fc.boolean(), (bots, xssi) => {
        const body = `${xssi ? ")]}'\n" : ''}${JSON.stringify({ items: bots.map((bot) => bot.json), cursor: 'next' })}\n`;

        const result = decodeJsonBody(URL, body, BotInfoListResponse);

        expect(E.isRight(result)).toBe(true);
        if (E.isRight(result)) {
          expect(result.right.cursor).toBe('next');
          expect(result.right.items?.map((item) => item.botId)).toEqual(bots.map((bot) => bot.decoded.botId));
          expect(result.right.items?.map((item) => item.lastSeenTs)).toEqual(bots.map((bot) => bot.decoded.lastSeenTs));
        }
      }),
    );
  });
});

describe('decoding arbitrary input', () => {
  const isDecodeError = (value: unknown): boolean => {
    const error = value as Record<string, unknown>;
    return (
      error._tag === 'DecodeError' &&
      error.url === URL &&
      typeof error.path === 'string' &&
      typeof error.expected === 'string' &&
      typeof error.valueExcerpt === 'string' &&
      error.valueExcerpt.length <= 121
    );
  };

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json().map((json) => `)]}'\n${json}`)), (body) => {
        const page = decodeJsonBody(URL, body, BotInfoListResponse);
        const termination = decodeJsonBody(URL, body, TerminateResponse);

        expect(E.isRight(page) || isDecodeError(page.left)).toBe(true);
        expect(E.isRight(termination) || isDecodeError(termination.left)).toBe(true);
      }),
    );
  });

  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = decodeJsonBody(URL, JSON.stringify(value), BotInfoListResponse);
        expect(E.isRight(result) || isDecodeError(result.left)).toBe(true);
      }),
    );
  });

  it('reports the path of a corrupted field', () => {
    const corruptible = ['botId', 'isDead', 'quarantined', 'taskId', 'maintenanceMsg', 'firstSeenTs', 'lastSeenTs'] as const;
    fc.assert(
      fc.property(
        fc.array(botInfo(), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.constantFrom(...corruptible),
        fc.oneof(fc.constant(null), fc.integer(), fc.constant({ nested: true }), fc.constant([1])),
        (items, indexSeed, field, badValue) => {
          const index = indexSeed % items.length;
          const json = viaJson(BotInfoListResponse.encode({ items })) as { items: Array<Record<string, unknown>> };
          const target = json.items[index];
          if (target !== undefined) {
            target[field] = badValue;
          }

          const result = decodeJsonBody(URL, JSON.stringify(json), BotInfoListResponse);

          expect(result).toMatchObject({ _tag: 'Left', left: { _tag: 'DecodeError', path: `items.${index}.${field}` } });
        },
      ),
    );
  });
});
