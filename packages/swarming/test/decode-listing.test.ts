/**
 * Tests of decodeListBotsResponse, which decodes a captured ListBots page
 * without a server.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { decodeListBotsResponse } from '../src/mapping.js';
import { botIdOf, botJson, leaseIdOf } from './helpers.js';

describe('decodeListBotsResponse', () => {
  it('maps a page to bots and excluded bots', () => {
    const result = decodeListBotsResponse({
      cursor: 'next',
      deathTimeout: 600,
      items: [botJson(1, { isDead: true }), { botId: 'lab-mac' }, { botId: botIdOf(2) }, botJson(1)],
    });

    expect(result).toEqual(
      E.right({
        bots: [
          {
            botId: botIdOf(1),
            leaseId: leaseIdOf(1),
            isDead: false,
            quarantined: false,
            firstSeen: Date.UTC(2024, 2, 8, 15, 40, 0, 123),
            lastSeen: Date.UTC(2024, 2, 8, 17, 2, 11),
            os: ['Mac', 'Mac-14', 'Mac-14.3'],
          },
          { botId: botIdOf(2), leaseId: leaseIdOf(2), isDead: false, quarantined: false },
        ],
        excluded: [{ botId: 'lab-mac', reason: expect.stringContaining('does not match the bot id pattern') }],
        cursor: 'next',
        deathTimeoutSeconds: 600,
      }),
    );
  });

  it('treats an empty object as an empty last page', () => {
    expect(decodeListBotsResponse({})).toEqual(
      E.right({ bots: [], excluded: [], cursor: undefined, deathTimeoutSeconds: undefined }),
    );
  });

  it('reports the path and source of an invalid field', () => {
    const result = decodeListBotsResponse({ items: [botJson(1), { botId: botIdOf(2), firstSeenTs: 'yesterday' }] }, { url: 'bots.json' });

    expect(result).toEqual(
      E.left({ _tag: 'DecodeError', url: 'bots.json', path: 'items.1.firstSeenTs', expected: 'RFC3339Timestamp', valueExcerpt: '"yesterday"' }),
    );
  });

  it('uses a custom bot id pattern', () => {
    const result = decodeListBotsResponse({ items: [{ botId: 'vm-42' }] }, { botIdPattern: /^vm-(\d+)$/ });

    expect(result).toMatchObject({ _tag: 'Right', right: { bots: [{ botId: 'vm-42', leaseId: '42' }], excluded: [] } });
  });

  it('rejects a pattern without a capture group', () => {
    expect(() => decodeListBotsResponse({}, { botIdPattern: /^vm-\d+$/ })).toThrow('invalid botIdPattern /^vm-\\d+$/: it has no capture group');
  });
});
