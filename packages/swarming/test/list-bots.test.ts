/**
 * Contract tests of listBots against scripted fake pRPC servers on
 * 127.0.0.1: request shape, paging, decoding, error mapping and retries.
 */
import { describePortError, type BotListing, type SwarmingError } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, describe, expect, it } from 'vitest';

import { staticToken, type TokenProvider } from '../src/token.js';
import {
  closedPortUrl,
  httpOnly,
  prpcError,
  prpcOk,
  prpcOkRaw,
  startFakePrpcServer,
  type FakePrpcServer,
  type Script,
} from './fake-prpc-server.js';
import { botIdOf, botJson, leaseIdOf, POOL, SWARMING_HOST, testClient, TOKEN, type TestClient } from './helpers.js';

const servers: FakePrpcServer[] = [];

const serve = async (script: Script): Promise<FakePrpcServer> => {
  const server = await startFakePrpcServer(script);
  servers.push(server);
  return server;
};

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const query = { swarmingHost: SWARMING_HOST, pool: POOL };

const listOk = async (test: TestClient): Promise<BotListing> => {
  const result = await test.client.listBots(query)();
  if (E.isLeft(result)) {
    throw new Error(`expected a listing, got ${describePortError(result.left)}`);
  }
  return result.right;
};

const listFails = async (test: TestClient): Promise<SwarmingError> => {
  const result = await test.client.listBots(query)();
  if (E.isRight(result)) {
    throw new Error(`expected an error, got ${result.right.bots.length} bots`);
  }
  return result.left;
};

describe('listBots request', () => {
  it('sends headers and body exactly', async () => {
    const server = await serve([prpcOk({ items: [botJson(1)], cursor: 'page-2' }), prpcOk({})]);

    await listOk(testClient(server, { timeoutMs: 5_000 }));

    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(first?.method).toBe('POST');
    expect(first?.path).toBe('/prpc/swarming.v2.Bots/ListBots');
    expect(first?.headers['content-type']).toBe('application/json');
    expect(first?.headers.accept).toBe('application/json');
    expect(first?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(first?.headers['x-prpc-grpc-timeout']).toBe('5000m');
    expect(JSON.parse(first?.body ?? '')).toEqual({
      limit: 1000,
      dimensions: [
        { key: 'pool', value: POOL },
        { key: 'os', value: 'Mac' },
      ],
    });
    expect(JSON.parse(second?.body ?? '')).toEqual({
      limit: 1000,
      cursor: 'page-2',
      dimensions: [
        { key: 'pool', value: POOL },
        { key: 'os', value: 'Mac' },
      ],
    });
  });

  it('uses configured page size and dimensions', async () => {
    const server = await serve([prpcOk({})]);

    await listOk(
      testClient(server, {
        pageSize: 250,
        dimensions: (q) => [
          { key: 'pool', value: q.pool },
          { key: 'os', value: 'Mac|Linux' },
          { key: 'cpu', value: 'arm64' },
        ],
      }),
    );

    expect(server.requestBodies()).toEqual([
      {
        limit: 250,
        dimensions: [
          { key: 'pool', value: POOL },
          { key: 'os', value: 'Mac|Linux' },
          { key: 'cpu', value: 'arm64' },
        ],
      },
    ]);
  });

  it('resolves the base URL with serviceUrl', async () => {
    const server = await serve([prpcOk({ items: [botJson(1)] })]);
    const seenHosts: string[] = [];

    const listing = await listOk(
      testClient(server, {
        serviceUrls: {},
        serviceUrl: (host) => {
          seenHosts.push(host);
          return `${server.baseUrl}/`;
        },
      }),
    );

    expect(seenHosts).toEqual([SWARMING_HOST]);
    expect(listing.bots).toHaveLength(1);
    expect(server.requests[0]?.path).toBe('/prpc/swarming.v2.Bots/ListBots');
  });

  it('works with the global fetch too', async () => {
    const server = await serve([prpcOk({ items: [botJson(1)] })]);

    const listing = await listOk(testClient(server, { fetch: globalThis.fetch }));

    expect(listing.bots.map((bot) => bot.leaseId)).toEqual([leaseIdOf(1)]);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });
});

describe('listBots decoding', () => {
  it('maps BotInfo fields to bots', async () => {
    const server = await serve([
      prpcOk({
        items: [
          botJson(1),
          botJson(2, { isDead: true, lastSeenTs: '2024-03-08T12:00:00Z' }),
          botJson(3, { taskId: '6a0b1c2d3e4f5a10', quarantined: true, maintenanceMsg: 'disk full' }),
          { botId: botIdOf(4) },
        ],
        now: '2024-03-08T17:03:00.5Z',
        deathTimeout: 600,
      }),
    ]);

    const listing = await listOk(testClient(server));

    expect(listing.swarmingHost).toBe(SWARMING_HOST);
    expect(listing.excluded).toEqual([]);
    expect(listing.bots).toEqual([
      {
        botId: botIdOf(1),
        leaseId: leaseIdOf(1),
        isDead: false,
        quarantined: false,
        firstSeen: Date.UTC(2024, 2, 8, 15, 40, 0, 123),
        lastSeen: Date.UTC(2024, 2, 8, 17, 2, 11),
        os: ['Mac', 'Mac-14', 'Mac-14.3'],
      },
      {
        botId: botIdOf(2),
        leaseId: leaseIdOf(2),
        isDead: true,
        quarantined: false,
        firstSeen: Date.UTC(2024, 2, 8, 15, 40, 0, 123),
        lastSeen: Date.UTC(2024, 2, 8, 12, 0, 0),
        os: ['Mac', 'Mac-14', 'Mac-14.3'],
      },
      {
        botId: botIdOf(3),
        leaseId: leaseIdOf(3),
        isDead: false,
        taskId: '6a0b1c2d3e4f5a10',
        quarantined: true,
        maintenanceMessage: 'disk full',
        firstSeen: Date.UTC(2024, 2, 8, 15, 40, 0, 123),
        lastSeen: Date.UTC(2024, 2, 8, 17, 2, 11),
        os: ['Mac', 'Mac-14', 'Mac-14.3'],
      },
      { botId: botIdOf(4), leaseId: leaseIdOf(4), isDead: false, quarantined: false },
    ]);
  });

  it('treats a healthy bot without isDead as alive', async () => {
    const server = await serve([prpcOk({ items: [{ botId: botIdOf(7), taskId: '' }] })]);

    const [bot] = (await listOk(testClient(server))).bots;

    expect(bot?.isDead).toBe(false);
    expect(bot?.quarantined).toBe(false);
    expect(bot?.taskId).toBeUndefined();
    expect(bot?.os).toBeUndefined();
  });

  it('accepts bodies with and without the XSSI guard', async () => {
    const server = await serve([
      prpcOk({ items: [botJson(1)] }, { xssi: true }),
      prpcOk({ items: [botJson(1)] }, { xssi: false }),
      prpcOkRaw(`)]}'\r\n{"items":[{"botId":"${botIdOf(1)}"}]}`),
    ]);
    const test = testClient(server);

    for (let round = 0; round < 3; round += 1) {
      const listing = await listOk(test);
      expect(listing.bots.map((bot) => bot.leaseId)).toEqual([leaseIdOf(1)]);
    }
    expect(server.requests).toHaveLength(3);
  });

  it('accepts unknown fields from newer servers', async () => {
    const server = await serve([
      prpcOk({ items: [botJson(1, { sessionId: 's-1', terminationTaskId: 't-1' })], someFutureField: { a: 1 } }),
    ]);

    const listing = await listOk(testClient(server));

    expect(listing.bots.map((bot) => bot.botId)).toEqual([botIdOf(1)]);
  });

  it('reports unparsable bot ids as excluded', async () => {
    const server = await serve([
      prpcOk({
        items: [
          botJson(1),
          botJson(2, { botId: 'mac-mini-lab-7' }),
          botJson(3, { botId: 'darwin-arm64-14--NOT-HEX.golang.c3.macservice.goog' }),
          botJson(4, { botId: `darwin-arm64-14--${leaseIdOf(4)}.golang.c3.macservicexgoog` }),
        ],
      }),
    ]);

    const listing = await listOk(testClient(server));

    expect(listing.bots.map((bot) => bot.botId)).toEqual([botIdOf(1)]);
    expect(listing.excluded.map((bot) => bot.botId)).toEqual([
      'mac-mini-lab-7',
      'darwin-arm64-14--NOT-HEX.golang.c3.macservice.goog',
      `darwin-arm64-14--${leaseIdOf(4)}.golang.c3.macservicexgoog`,
    ]);
    for (const excluded of listing.excluded) {
      expect(excluded.reason).toContain('does not match the bot id pattern');
    }
  });

  it('parses lease ids with a custom bot id pattern', async () => {
    const server = await serve([prpcOk({ items: [{ botId: 'mac-lease-abc123' }, { botId: 'linux-1' }] })]);

    const listing = await listOk(testClient(server, { botIdPattern: /^mac-lease-([0-9a-z]+)$/g }));

    expect(listing.bots.map((bot) => bot.leaseId)).toEqual(['abc123']);
    expect(listing.excluded.map((bot) => bot.botId)).toEqual(['linux-1']);
  });

  it('rejects truncated JSON without retry', async () => {
    const server = await serve([prpcOkRaw(`)]}'\n{"items":[{"botId":"${botIdOf(1)}","isDe`)]);
    const test = testClient(server);

    const error = await listFails(test);

    expect(error).toMatchObject({
      _tag: 'DecodeError',
      url: `${server.baseUrl}/prpc/swarming.v2.Bots/ListBots`,
      path: '',
      expected: 'a JSON BotInfoListResponse',
      valueExcerpt: expect.stringContaining('"isDe'),
    });
    expect(server.requests).toHaveLength(1);
    expect(test.sleeps).toEqual([]);
  });

  it('reports wrong types with their path', async () => {
    const cases: Array<{ item: Record<string, unknown>; path: string; expected: string; found: string }> = [
      { item: botJson(1, { isDead: 'yes' }), path: 'items.1.isDead', expected: 'boolean', found: '"yes"' },
      { item: botJson(1, { quarantined: 1 }), path: 'items.1.quarantined', expected: 'boolean', found: '1' },
      { item: botJson(1, { botId: 42 }), path: 'items.1.botId', expected: 'string', found: '42' },
      { item: botJson(1, { dimensions: [{ key: 'os', value: 'Mac' }] }), path: 'items.1.dimensions.0.value', expected: 'ReadonlyArray<string>', found: '"Mac"' },
      { item: botJson(1, { lastSeenTs: 1709913600 }), path: 'items.1.lastSeenTs', expected: 'RFC3339Timestamp', found: '1709913600' },
    ];

    for (const testCase of cases) {
      const server = await serve([prpcOk({ items: [botJson(0), testCase.item] })]);
      const error = await listFails(testClient(server));
      expect(error).toMatchObject({
        _tag: 'DecodeError',
        path: testCase.path,
        expected: testCase.expected,
        valueExcerpt: testCase.found,
      });
    }
  });

  it('reports a missing bot id', async () => {
    const server = await serve([prpcOk({ items: [{ isDead: true }] })]);

    const error = await listFails(testClient(server));

    expect(error).toMatchObject({ _tag: 'DecodeError', path: 'items.0.botId', expected: 'string' });
    expect(describePortError(error)).toContain('items.0.botId');
  });

  it('reports an invalid timestamp with its path', async () => {
    const items = [0, 1, 2, 3].map((index) => botJson(index));
    items.push(botJson(4, { lastSeenTs: '2024-02-30T10:00:00Z' }));
    const server = await serve([prpcOk({ items })]);

    const error = await listFails(testClient(server));

    expect(error).toMatchObject({
      _tag: 'DecodeError',
      path: 'items.4.lastSeenTs',
      expected: 'RFC3339Timestamp',
      valueExcerpt: '"2024-02-30T10:00:00Z"',
    });
  });

  it('rejects a deathTimeout that is not a number', async () => {
    const server = await serve([prpcOk({ items: [], deathTimeout: '600' })]);

    const error = await listFails(testClient(server));

    expect(error).toMatchObject({ _tag: 'DecodeError', path: 'deathTimeout', expected: 'number' });
  });

  it('rejects a body that is not an object', async () => {
    const server = await serve([prpcOk([botJson(1)])]);

    const error = await listFails(testClient(server));

    expect(error).toMatchObject({ _tag: 'DecodeError', path: '', expected: 'BotInfoListResponse' });
  });
});

describe('listBots paging', () => {
  it('follows cursors until a final empty page', async () => {
    const server = await serve([
      prpcOk({ items: [botJson(1), botJson(2)], cursor: 'c1' }),
      prpcOk({ items: [botJson(3)], cursor: 'c2' }),
      prpcOk({ now: '2024-03-08T17:03:00Z', deathTimeout: 600 }),
    ]);
    const test = testClient(server, { pageSize: 2 });

    const listing = await listOk(test);

    expect(listing.bots.map((bot) => bot.leaseId)).toEqual([leaseIdOf(1), leaseIdOf(2), leaseIdOf(3)]);
    expect(server.requestBodies().map((body) => (body as { cursor?: string }).cursor)).toEqual([undefined, 'c1', 'c2']);
    expect(test.events).toEqual([
      { _tag: 'Page', swarmingHost: SWARMING_HOST, url: expect.any(String), page: 1, bots: 2, hasCursor: true, deathTimeoutSeconds: undefined },
      { _tag: 'Page', swarmingHost: SWARMING_HOST, url: expect.any(String), page: 2, bots: 1, hasCursor: true, deathTimeoutSeconds: undefined },
      { _tag: 'Page', swarmingHost: SWARMING_HOST, url: expect.any(String), page: 3, bots: 0, hasCursor: false, deathTimeoutSeconds: 600 },
    ]);
  });

  it('lists a full page of 1000 bots then an empty page', async () => {
    const fullPage = Array.from({ length: 1000 }, (_, index) => ({ botId: botIdOf(index) }));
    const server = await serve([prpcOk({ items: fullPage, cursor: 'after-999' }), prpcOk({})]);

    const listing = await listOk(testClient(server));

    expect(listing.bots).toHaveLength(1000);
    expect(new Set(listing.bots.map((bot) => bot.leaseId)).size).toBe(1000);
    expect(listing.bots[999]?.leaseId).toBe(leaseIdOf(999));
    expect(server.requests).toHaveLength(2);
    expect(server.requestBodies()[1]).toMatchObject({ limit: 1000, cursor: 'after-999' });
  });

  it('merges bots listed twice, keeping the later one', async () => {
    const server = await serve([
      prpcOk({ items: [botJson(1), botJson(2), { botId: 'lab-mac' }], cursor: 'c1' }),
      prpcOk({ items: [botJson(2, { isDead: true }), botJson(3), { botId: 'lab-mac' }] }),
    ]);

    const listing = await listOk(testClient(server));

    expect(listing.bots.map((bot) => [bot.leaseId, bot.isDead])).toEqual([
      [leaseIdOf(1), false],
      [leaseIdOf(2), true],
      [leaseIdOf(3), false],
    ]);
    expect(listing.excluded.map((bot) => bot.botId)).toEqual(['lab-mac']);
  });

  it('fails on a repeated cursor', async () => {
    const server = await serve([
      prpcOk({ items: [botJson(1)], cursor: 'a' }),
      prpcOk({ items: [botJson(2)], cursor: 'b' }),
      prpcOk({ items: [botJson(3)], cursor: 'a' }),
    ]);

    const error = await listFails(testClient(server));

    expect(error).toEqual({
      _tag: 'PagingError',
      url: `${server.baseUrl}/prpc/swarming.v2.Bots/ListBots`,
      reason: 'repeated-cursor',
      pages: 3,
    });
    expect(server.requests).toHaveLength(3);
  });

  it('fails after maxPages pages', async () => {
    const server = await serve((_, index) => prpcOk({ items: [botJson(index)], cursor: `page-${index + 2}` }));

    const error = await listFails(testClient(server, { maxPages: 4 }));

    expect(error).toMatchObject({ _tag: 'PagingError', reason: 'too-many-pages', pages: 4 });
    expect(server.requests).toHaveLength(4);
  });

  it('accepts exactly maxPages pages', async () => {
    const server = await serve([prpcOk({ items: [botJson(1)], cursor: 'c1' }), prpcOk({ items: [botJson(2)] })]);

    const listing = await listOk(testClient(server, { maxPages: 2 }));

    expect(listing.bots).toHaveLength(2);
  });
});

describe('listBots errors', () => {
  it('does not retry PERMISSION_DENIED', async () => {
    const server = await serve([prpcError(7, 403, 'anonymous:anonymous does not have "swarming.pools.listBots"')]);
    const test = testClient(server);

    const error = await listFails(test);

    expect(error).toEqual({
      _tag: 'RpcError',
      url: `${server.baseUrl}/prpc/swarming.v2.Bots/ListBots`,
      code: 7,
      codeName: 'PERMISSION_DENIED',
      httpStatus: 403,
      message: 'anonymous:anonymous does not have "swarming.pools.listBots"',
      retryable: false,
    });
    expect(server.requests).toHaveLength(1);
    expect(test.sleeps).toEqual([]);
  });

  it('does not retry INVALID_ARGUMENT', async () => {
    const server = await serve([prpcError(3, 400, 'bad pagination cursor')]);

    const error = await listFails(testClient(server));

    expect(error).toMatchObject({ _tag: 'RpcError', code: 3, codeName: 'INVALID_ARGUMENT', httpStatus: 400, retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it('retries RESOURCE_EXHAUSTED then succeeds', async () => {
    const server = await serve([prpcError(8, 429, 'rate limited'), prpcOk({ items: [botJson(1)] })]);
    const test = testClient(server);

    const listing = await listOk(test);

    expect(listing.bots).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    expect(test.sleeps).toEqual([750]);
  });

  it('retries UNAVAILABLE then succeeds', async () => {
    const server = await serve([prpcError(14, 503, 'try later'), prpcError(14, 503, 'try later'), prpcOk({ items: [botJson(1)] })]);
    const test = testClient(server);

    const listing = await listOk(test);

    expect(listing.bots).toHaveLength(1);
    expect(server.requests).toHaveLength(3);
    expect(test.events.filter((event) => event._tag === 'Retry')).toMatchObject([
      { _tag: 'Retry', method: 'ListBots', attempt: 1, delayMs: 750, error: { code: 14 } },
      { _tag: 'Retry', method: 'ListBots', attempt: 2, delayMs: 1500, error: { code: 14 } },
    ]);
  });

  it('retries a 503 without the code header', async () => {
    const server = await serve([httpOnly(503, '<html>Service Unavailable</html>'), prpcOk({ items: [botJson(1)] })]);

    const listing = await listOk(testClient(server));

    expect(listing.bots).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after maxAttempts with backoff', async () => {
    const server = await serve(() => httpOnly(502, 'Bad Gateway'));
    const test = testClient(server, { retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 }, random: () => 1 });

    const error = await listFails(test);

    expect(error).toEqual({
      _tag: 'RpcError',
      url: `${server.baseUrl}/prpc/swarming.v2.Bots/ListBots`,
      code: 13,
      codeName: 'INTERNAL',
      httpStatus: 502,
      message: 'Bad Gateway',
      retryable: true,
    });
    expect(server.requests).toHaveLength(4);
    expect(test.sleeps).toEqual([100, 200, 300]);
  });

  it('maps a 503 without the code header to UNAVAILABLE', async () => {
    const server = await serve(() => httpOnly(503, 'overloaded'));

    const error = await listFails(testClient(server, { retry: { maxAttempts: 1 } }));

    expect(error).toMatchObject({ _tag: 'RpcError', code: 14, codeName: 'UNAVAILABLE', httpStatus: 503, message: 'overloaded', retryable: true });
  });

  it('does not retry a 4xx without the code header', async () => {
    const server = await serve([httpOnly(404, 'Not Found')]);

    const error = await listFails(testClient(server));

    expect(error).toMatchObject({
      _tag: 'RpcError',
      code: 13,
      codeName: 'INTERNAL',
      httpStatus: 404,
      message: 'no X-Prpc-Grpc-Code header in the HTTP 404 response: Not Found',
      retryable: false,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('reads the code header before the HTTP status', async () => {
    const server = await serve([
      { status: 200, headers: { 'X-Prpc-Grpc-Code': '5' }, body: 'no such pool\n' },
      { status: 500, headers: { 'X-Prpc-Grpc-Code': '0' }, body: JSON.stringify({ items: [botJson(1)] }) },
    ]);
    const test = testClient(server);

    const error = await listFails(test);
    const listing = await listOk(test);

    expect(error).toMatchObject({ _tag: 'RpcError', code: 5, codeName: 'NOT_FOUND', httpStatus: 200, message: 'no such pool', retryable: false });
    expect(listing.bots).toHaveLength(1);
  });

  it('cuts long messages to 256 bytes', async () => {
    const server = await serve([prpcError(9, 400, `  ${'é'.repeat(300)}  `)]);

    const error = await listFails(testClient(server));

    expect(error._tag).toBe('RpcError');
    const message = error._tag === 'RpcError' ? error.message : '';
    expect(Buffer.byteLength(message, 'utf8')).toBe(256);
    expect(message).toBe('é'.repeat(128));
  });

  it('times out a slow server and retries', async () => {
    const server = await serve(() => ({ ...prpcOk({}), delayMs: 5_000 }));
    const test = testClient(server, { timeoutMs: 150, retry: { maxAttempts: 2 } });

    const error = await listFails(test);

    expect(error).toEqual({
      _tag: 'TransportError',
      kind: 'timeout',
      url: `${server.baseUrl}/prpc/swarming.v2.Bots/ListBots`,
      message: 'timed out after 150 ms without a complete response',
      notSent: false,
    });
    expect(server.requests).toHaveLength(2);
  });

  it('reports a refused connection as not sent', async () => {
    const baseUrl = await closedPortUrl();
    const sleeps: number[] = [];
    const { client } = testClient({ baseUrl } as FakePrpcServer, {
      retry: { maxAttempts: 3 },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });

    const result = await client.listBots(query)();

    expect(result).toMatchObject({ _tag: 'Left', left: { _tag: 'TransportError', kind: 'connection', notSent: true } });
    expect(sleeps).toHaveLength(2);
  });
});

describe('listBots tokens', () => {
  it('asks for a token on every attempt', async () => {
    const server = await serve([prpcError(14, 503, 'try later'), prpcOk({ items: [botJson(1)] })]);
    let calls = 0;
    const tokenProvider: TokenProvider = () => async () => {
      calls += 1;
      return E.right(`token-${calls}`);
    };

    await listOk(testClient(server, { tokenProvider }));

    expect(calls).toBe(2);
    expect(server.requests.map((request) => request.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('sends nothing when the token provider fails', async () => {
    const server = await serve([prpcOk({})]);
    const tokenProvider: TokenProvider = () => async () =>
      E.left({ _tag: 'TokenError', source: 'environment variable SWARMING_TOKEN', message: 'SWARMING_TOKEN is not set', retryable: false });

    const error = await listFails(testClient(server, { tokenProvider }));

    expect(error).toEqual({
      _tag: 'TokenError',
      source: 'environment variable SWARMING_TOKEN',
      message: 'SWARMING_TOKEN is not set',
      retryable: false,
    });
    expect(server.requests).toHaveLength(0);
  });

  it('rejects a token that cannot go in a header', async () => {
    const server = await serve([prpcOk({})]);
    const tokenProvider: TokenProvider = () => async () => E.right('two words');

    const error = await listFails(testClient(server, { tokenProvider }));

    expect(error._tag).toBe('TokenError');
    expect(JSON.stringify(error)).not.toContain('two words');
    expect(server.requests).toHaveLength(0);
  });

  it('turns a throwing token provider into a TokenError', async () => {
    const server = await serve([prpcOk({})]);
    const tokenProvider: TokenProvider = () => {
      throw new Error('boom');
    };

    const error = await listFails(testClient(server, { tokenProvider }));

    expect(error).toMatchObject({ _tag: 'TokenError', source: 'token provider', retryable: false });
    expect(server.requests).toHaveLength(0);
  });

  it('decodes bodies that contain the token text', async () => {
    const server = await serve([prpcOk({ items: [botJson(1)] })]);

    const listing = await listOk(testClient(server, { tokenProvider: staticToken('t') }));

    expect(listing.bots.map((bot) => bot.botId)).toEqual([botIdOf(1)]);
  });

  it('keeps the token out of errors that echo it', async () => {
    const server = await serve([prpcError(16, 401, `invalid token ${TOKEN}`), prpcOkRaw(`{"items": "${TOKEN}"}`)]);
    const test = testClient(server);

    const unauthenticated = await listFails(test);
    const undecodable = await listFails(test);

    expect(unauthenticated).toMatchObject({ code: 16, codeName: 'UNAUTHENTICATED', message: 'invalid token [redacted]' });
    expect(undecodable).toMatchObject({ _tag: 'DecodeError', path: 'items', valueExcerpt: '"[redacted]"' });
    expect(JSON.stringify([unauthenticated, undecodable])).not.toContain(TOKEN);
  });
});

describe('listBots hosts and options', () => {
  it('rejects an invalid swarming host without sending', async () => {
    const server = await serve([prpcOk({})]);
    const { client } = testClient(server, { serviceUrls: {} });

    const result = await client.listBots({ swarmingHost: 'not a host/path', pool: POOL })();

    expect(result).toMatchObject({
      _tag: 'Left',
      left: { _tag: 'TransportError', notSent: true, message: expect.stringContaining('invalid swarming host "not a host/path"') },
    });
    expect(server.requests).toHaveLength(0);
  });

  it('fills unset retry fields with defaults', async () => {
    const server = await serve(() => prpcError(14, 503, 'try later'));
    const test = testClient(server, { retry: { maxAttempts: 2, baseDelayMs: undefined } });

    await listFails(test);

    expect(server.requests).toHaveLength(2);
    expect(test.sleeps).toEqual([750]);
  });

  it('rejects invalid options with their name', async () => {
    const server = await serve([]);
    const invalid: Array<[Partial<Parameters<typeof testClient>[1]>, string]> = [
      [{ pageSize: 0 }, 'invalid pageSize 0'],
      [{ pageSize: 1001 }, 'invalid pageSize 1001'],
      [{ pageSize: 1.5 }, 'invalid pageSize 1.5'],
      [{ maxPages: 0 }, 'invalid maxPages 0'],
      [{ timeoutMs: 0 }, 'invalid timeoutMs 0'],
      [{ retry: { maxAttempts: 0 } }, 'invalid retry.maxAttempts 0'],
      [{ retry: { baseDelayMs: -1 } }, 'invalid retry.baseDelayMs -1'],
      [{ retry: { baseDelayMs: 10, maxDelayMs: 5 } }, 'invalid retry.maxDelayMs 5'],
      [{ botIdPattern: /^mac-.*$/ }, 'no capture group'],
      [{ serviceUrls: { [SWARMING_HOST]: 'ftp://example.test' } }, 'invalid serviceUrls entry'],
      [{ serviceUrls: { [SWARMING_HOST]: '127.0.0.1:8080' } }, 'invalid serviceUrls entry'],
    ];

    for (const [options, message] of invalid) {
      expect(() => testClient(server, options)).toThrow(message);
    }
  });
});
