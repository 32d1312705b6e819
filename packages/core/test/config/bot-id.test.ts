/**
 * Tests of parseLeaseIdFromBotId: which Swarming bot ids name a MacService
 * lease, and which lease.
 */
import { DEFAULT_BOT_ID_PATTERN, parseLeaseIdFromBotId } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

const SAMPLE = 'darwin-amd64-11--39b47cf6-2aaa-4c80-b9cb-b800844fb104.golang.c3.macservice.goog';

describe('parseLeaseIdFromBotId', () => {
  it('reads the lease id of a makemac bot', () => {
    expect(parseLeaseIdFromBotId(SAMPLE)).toEqual(E.right('39b47cf6-2aaa-4c80-b9cb-b800844fb104'));
  });

  it.each([
    ['another site', 'darwin-arm64-15-security--0a1b.golang.x9.macservice.goog', '0a1b'],
    ['a hostname with double dashes', 'darwin--amd64--c0ffee.golang.c3.macservice.goog', 'c0ffee'],
    ['an empty hostname', '--abc.golang.c3.macservice.goog', 'abc'],
    ['a dotted site', 'mac--abc.golang.us.east.macservice.goog', 'abc'],
  ])('reads the lease id with %s', (_, botId, leaseId) => {
    expect(parseLeaseIdFromBotId(botId)).toEqual(E.right(leaseId));
  });

  it.each([
    ['a plain bot id', 'swarm-bot-7'],
    ['an upper-case lease id', 'darwin-amd64-14--39B47CF6.golang.c3.macservice.goog'],
    ['a single dash', 'darwin-amd64-14-39b47cf6.golang.c3.macservice.goog'],
    ['no lease id', 'darwin-amd64-14--.golang.c3.macservice.goog'],
    ['any character before goog', 'darwin-amd64-14--39b47cf6.golang.c3.macservicexgoog'],
    ['any character before golang', 'darwin-amd64-14--39b47cf6xgolang.c3.macservice.goog'],
    ['a suffix after goog', `${SAMPLE}.example.com`],
    ['another domain', 'darwin-amd64-14--39b47cf6.golang.c3.macservice.google'],
    ['no site', 'darwin-amd64-14--39b47cf6.golang.macservice.goog'],
    ['an empty id', ''],
  ])('rejects %s', (_, botId) => {
    const result = parseLeaseIdFromBotId(botId);

    expect(E.isLeft(result)).toBe(true);
    expect(E.isLeft(result) ? result.left : '').toContain(JSON.stringify(botId));
  });

  it('matches a literal dot before goog', () => {
    expect(DEFAULT_BOT_ID_PATTERN.test('a--b.golang.c.macservice.goog')).toBe(true);
    expect(DEFAULT_BOT_ID_PATTERN.test('a--b.golang.c.macservice-goog')).toBe(false);
  });

  it('takes a custom pattern', () => {
    const pattern = /^mac-([0-9]+)$/;

    expect(parseLeaseIdFromBotId('mac-42', pattern)).toEqual(E.right('42'));
    expect(E.isLeft(parseLeaseIdFromBotId(SAMPLE, pattern))).toBe(true);
  });

  it('gives the same answer for a global pattern twice', () => {
    // A global RegExp remembers where its last match ended.
    const pattern = new RegExp(DEFAULT_BOT_ID_PATTERN.source, 'g');

    expect(parseLeaseIdFromBotId(SAMPLE, pattern)).toEqual(E.right('39b47cf6-2aaa-4c80-b9cb-b800844fb104'));
    expect(parseLeaseIdFromBotId(SAMPLE, pattern)).toEqual(E.right('39b47cf6-2aaa-4c80-b9cb-b800844fb104'));
  });

  it('rejects a match with an empty lease id', () => {
    const result = parseLeaseIdFromBotId('mac-', /^mac-([0-9]*)$/);

    expect(E.isLeft(result)).toBe(true);
    expect(E.isLeft(result) ? result.left : '').toContain('empty');
  });
});
