/**
 * Property: whatever a server or the network does with the bearer token,
 * neither the errors nor the events that callers see contain it. The fetch
 * function is injected, so these runs open no sockets.
 */
import { describePortError } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createSwarmingClient, type SwarmingClientEvent } from '../src/client.js';
import { staticToken } from '../src/token.js';
import type { FetchFunction, FetchResponse } from '../src/transport.js';

const response = (status: number, grpcCode: string | null, body: string): FetchResponse => ({
  status,
  headers: { get: (name) => (name.toLowerCase() === 'x-prpc-grpc-code' ? grpcCode : null) },
  text: async () => body,
});

/** Ways a server or network could echo the token back. */
const scenarios: ReadonlyArray<(token: string, padding: string) => FetchFunction> = [
  (token, padding) => async () => response(401, '16', `${padding}invalid credentials ${token}\n`),
  (token, padding) => async () => response(403, '7', `${padding}${token} lacks swarming.pools.listBots`),
  (token, padding) => async () => response(502, null, `<html>${padding}${token}</html>`),
  (token, padding) => async () => response(404, null, `${padding}${token}`),
  (token, padding) => async () => response(200, token, `${padding}${token}`),
  (token, padding) => async () => response(200, '0', `)]}'\n{"items": "${padding}${token}"}`),
  (token, padding) => async () => response(200, '0', `)]}'\n{"items": [{"botId": "${token}", "isDead": "${padding}${token}"}]}`),
  (token, padding) => async () => response(200, '0', `${padding}${token}{`),
  (token, padding) => async () => {
    throw new Error(`${padding}request with Bearer ${token} failed`);
  },
  (token, padding) => async () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error(`${padding}${token}`), { code: 'ECONNRESET' }) });
  },
];

describe('token redaction', () => {
  it('keeps tokens out of errors and events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Za-z0-9\-._~+/]{16,64}=*$/),
        fc.integer({ min: 0, max: scenarios.length - 1 }),
        fc.integer({ min: 0, max: 300 }),
        fc.boolean(),
        async (token, scenarioIndex, paddingLength, terminate) => {
          const scenario = scenarios[scenarioIndex];
          if (scenario === undefined) {
            throw new Error(`no scenario ${scenarioIndex}`);
          }
          const events: SwarmingClientEvent[] = [];
          const client = createSwarmingClient({
            tokenProvider: staticToken(token),
            serviceUrls: { 'swarming.test': 'http://127.0.0.1:1' },
            fetch: scenario(token, ' '.repeat(paddingLength)),
            retry: { maxAttempts: 2 },
            sleep: async () => undefined,
            onEvent: (event) => events.push(event),
          });

          const result = terminate
            ? await client.terminateBot('swarming.test', 'bot-1', 'vacating')()
            : await client.listBots({ swarmingHost: 'swarming.test', pool: 'pool' })();

          // A termination may succeed, because TerminateResponse ignores the fields that hold the token.
          if (!terminate) {
            expect(result._tag).toBe('Left');
          }
          const seen = JSON.stringify([result, events]) + (result._tag === 'Left' ? describePortError(result.left) : '');
          expect(seen).not.toContain(token);
          // A token cut at a length limit must not leak its start either.
          expect(seen).not.toContain(token.slice(0, 16));
        },
      ),
    );
  });
});
