/**
 * Shared test data: bot ids and BotInfo JSON shaped like the Swarming v2
 * server's, and a client wired to a fake server with a recording sleep.
 */
import { staticToken } from '../src/token.js';
import { createSwarmingClient, type SwarmingClientEvent, type SwarmingClientOptions } from '../src/client.js';
import type { FakePrpcServer } from './fake-prpc-server.js';

/** The swarming host that the tests list; its base URL always points at a fake server. */
export const SWARMING_HOST = 'chromium-swarm.appspot.com';

/** The pool that the tests list. */
export const POOL = 'luci.golang.shared-workers';

/** The bearer token that the tests send. */
export const TOKEN = 'ya29.test-token-0123456789';

/** A lease id shaped like a MacService lease id (a lower-case UUID). */
export const leaseIdOf = (index: number): string => `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;

/** A bot id that names the lease {@link leaseIdOf}(index). */
export const botIdOf = (index: number): string => `darwin-arm64-14--${leaseIdOf(index)}.golang.c3.macservice.goog`;

/** BotInfo JSON of a healthy, idle bot, with the default fields left out as proto3 JSON does. */
export const botJson = (index: number, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  botId: botIdOf(index),
  externalIp: '203.0.113.7',
  authenticatedAs: 'bot:darwin-arm64-14',
  firstSeenTs: '2024-03-08T15:40:00.123456Z',
  lastSeenTs: '2024-03-08T17:02:11Z',
  dimensions: [
    { key: 'id', value: [botIdOf(index)] },
    { key: 'os', value: ['Mac', 'Mac-14', 'Mac-14.3'] },
    { key: 'pool', value: [POOL] },
  ],
  version: 'abc123',
  state: '{"ram":65}',
  ...overrides,
});

/** A client under test plus what it recorded. */
export interface TestClient {
  readonly client: ReturnType<typeof createSwarmingClient>;
  /** Delays passed to the injected sleep, in order. */
  readonly sleeps: number[];
  readonly events: SwarmingClientEvent[];
}

/** Creates a client that talks to `server`, never really sleeps and records its events. */
export const testClient = (server: FakePrpcServer, options: Partial<SwarmingClientOptions> = {}): TestClient => {
  const sleeps: number[] = [];
  const events: SwarmingClientEvent[] = [];
  const client = createSwarmingClient({
    tokenProvider: staticToken(TOKEN),
    serviceUrls: { [SWARMING_HOST]: server.baseUrl },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { client, sleeps, events };
};
