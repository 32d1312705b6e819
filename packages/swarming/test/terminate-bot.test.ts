/**
 * Contract tests of terminateBot against scripted fake pRPC servers on
 * 127.0.0.1, including its narrower retry policy.
 */
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, describe, expect, it } from 'vitest';

import { closedPortUrl, httpOnly, prpcError, prpcOk, startFakePrpcServer, type FakePrpcServer, type Script } from './fake-prpc-server.js';
import { botIdOf, SWARMING_HOST, testClient, TOKEN } from './helpers.js';

const servers: FakePrpcServer[] = [];

const serve = async (script: Script): Promise<FakePrpcServer> => {
  const server = await startFakePrpcServer(script);
  servers.push(server);
  return server;
};

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const REASON = 'makemac: lease 00000000-0000-4000-8000-000000000001 is being vacated';

describe('terminateBot', () => {
  it('sends the request exactly', async () => {
    const server = await serve([prpcOk({ taskId: '6a0b1c2d3e4f5a10' })]);
    const { client } = testClient(server);

    const result = await client.terminateBot(SWARMING_HOST, botIdOf(1), REASON)();

    expect(result).toEqual(E.right(undefined));
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/prpc/swarming.v2.Bots/TerminateBot');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(request?.body ?? '')).toEqual({ botId: botIdOf(1), reason: REASON });
  });

  it('accepts an empty response', async () => {
    const server = await serve([prpcOk({}, { xssi: false })]);

    const result = await testClient(server).client.terminateBot(SWARMING_HOST, botIdOf(1), REASON)();

    expect(result).toEqual(E.right(undefined));
  });

  it('retries UNAVAILABLE', async () => {
    const server = await serve([prpcError(14, 503, 'try later'), prpcOk({ taskId: 't' })]);
    const test = testClient(server);

    const result = await test.client.terminateBot(SWARMING_HOST, botIdOf(1), REASON)();

    expect(result).toEqual(E.right(undefined));
    expect(server.requests).toHaveLength(2);
    expect(test.events).toMatchObject([{ _tag: 'Retry', method: 'TerminateBot', attempt: 1, error: { code: 14 } }]);
  });

  it('does not retry INTERNAL or UNKNOWN', async () => {
    for (const [code, status] of [
      [13, 500],
      [2, 500],
    ] as const) {
      const server = await serve([prpcError(code, status, 'Internal server error'), prpcOk({})]);

      const result = await testClient(server).client.terminateBot(SWARMING_HOST, botIdOf(1), REASON)();

      expect(result).toMatchObject({ _tag: 'Left', left: { _tag: 'RpcError', code, retryable: true } });
      expect(server.requests).toHaveLength(1);
    }
  });

  it('does not retry a 500 without the code header', async () => {
    const server = await serve([httpOnly(500, 'oops'), prpcOk({})]);

    const result = await testClient(server).client.terminateBot(SWARMING_HOST, botIdOf(1), REASON)();

    expect(result).toMatchObject({ _tag: 'Left', left: { _tag: 'RpcError', code: 13, httpStatus: 500 } });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a timeout', async () => {
    const server = await serve(() => ({ ...prpcOk({}), delayMs: 5_000 }));

    const result = await testClient(server, { timeoutMs: 100 }).client.terminateBot(SWARMING_HOST, botIdOf(1), REASON)();

    expect(result).toMatchObject({ _tag: 'Left', left: { _tag: 'TransportError', kind: 'timeout', notSent: false } });
    expect(server.requests).toHaveLength(1);
  });

  it('retries a connection that was never made', async () => {
    const baseUrl = await closedPortUrl();
    const test = testClient({ baseUrl } as FakePrpcServer, { retry: { maxAttempts: 3 } });

    const result = await test.client.terminateBot(SWARMING_HOST, botIdOf(1), REASON)();

    expect(result).toMatchObject({ _tag: 'Left', left: { _tag: 'TransportError', kind: 'connection', notSent: true } });
    expect(test.sleeps).toHaveLength(2);
  });

  it('reports NOT_FOUND for an unknown bot', async () => {
    const server = await serve([prpcError(5, 404, 'no such bot')]);

    const result = await testClient(server).client.terminateBot(SWARMING_HOST, 'unknown-bot', REASON)();

    expect(result).toEqual(
      E.left({
        _tag: 'RpcError',
        url: `${server.baseUrl}/prpc/swarming.v2.Bots/TerminateBot`,
        code: 5,
        codeName: 'NOT_FOUND',
        httpStatus: 404,
        message: 'no such bot',
        retryable: false,
      }),
    );
  });
});
