/** Bot id to lease id mapping with Go makemac's pattern and with custom ones. */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { DEFAULT_BOT_ID_PATTERN, parseLeaseIdFromBotId } from '../src/index.js';

describe('parseLeaseIdFromBotId', () => {
  it('reads the lease id of a makemac bot', () => {
    const botId = 'darwin-amd64-14--39b47cf6-2aaa-4c80-b9cb-b800844fb104.golang.c3.macservice.goog';

    expect(parseLeaseIdFromBotId(botId)).toEqual(E.right('39b47cf6-2aaa-4c80-b9cb-b800844fb104'));
  });

  it('reads a hostname with dashes and a security suffix', () => {
    const botId = 'darwin-arm64-15-security--0a1b2c3d-0000-4000-8000-00000000abcd.golang.c3.macservice.goog';

    expect(parseLeaseIdFromBotId(botId)).toEqual(E.right('0a1b2c3d-0000-4000-8000-00000000abcd'));
  });

  it.each([
    ['a bot without a lease id', 'build-mac-1'],
    ['upper-case lease ids', 'darwin-amd64-14--39B47CF6.golang.c3.macservice.goog'],
    ['another domain', 'darwin-amd64-14--39b47cf6.golang.c3.macservice.example'],
    ['any character before goog', 'darwin-amd64-14--39b47cf6.golang.c3.macservicexgoog'],
    ['a missing site', 'darwin-amd64-14--39b47cf6.golang.macservice.goog'],
  ])('rejects %s', (_, botId) => {
    const result = parseLeaseIdFromBotId(botId);

    expect(E.isLeft(result)).toBe(true);
    if (E.isLeft(result)) expect(result.left).toContain(JSON.stringify(botId));
  });

  it('has one capture group in the default pattern', () => {
    // An alternative that matches the empty string makes exec return one slot per group.
    expect(new RegExp(`${DEFAULT_BOT_ID_PATTERN.source}|`).exec('')?.length).toBe(2);
  });

  it('uses a custom pattern', () => {
    expect(parseLeaseIdFromBotId('vm-1234.lab', /^vm-(\d+)\.lab$/)).toEqual(E.right('1234'));
  });

  it('gives the same answer twice with a global pattern', () => {
    const pattern = /vm-(\d+)/g;

    expect(parseLeaseIdFromBotId('vm-7', pattern)).toEqual(E.right('7'));
    expect(parseLeaseIdFromBotId('vm-7', pattern)).toEqual(E.right('7'));
  });

  it('rejects a pattern whose group matches nothing', () => {
    const result = parseLeaseIdFromBotId('vm-', /^vm-(\d*)$/);

    expect(E.isLeft(result)).toBe(true);
  });
});
