/**
 * The Swarming server over HTTP: pRPC framing, auth, content negotiation,
 * ListBots paging and filters, and TerminateBot.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DEFAULT_START_TIME, startEmulator, type Emulator } from '../src/index.js';
import { callPrpc, listAllBots, minutes, parsePrpcJson, prpcJson } from './http.js';

const HOST = 'chromium-swarm.appspot.com';
const INTERNAL_HOST = 'chrome-swarming.appspot.com';
const POOL = 'luci.golang.shared-workers';

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({
    seed: 5,
    swarmingHosts: [
      { host: HOST, pool: POOL },
      { host: INTERNAL_HOST, pool: 'luci.golang.security-try-workers' },
    ],
  });
});

afterEach(async () => {
  await emulator.stop();
});

/** Adds `count` live bots named `bot-000`, `bot-001`, ... on HOST. */
const addBots = (count: number): void => {
  for (let index = 0; index < count; index += 1) {
    emulator.fleet.addBot({ swarmingHost: HOST, botId: `bot-${String(index).padStart(3, '0')}` });
  }
};

describe('pRPC framing', () => {
  it('serves each swarming host on its own 127.0.0.1 port', () => {
    expect(emulator.swarmingUrl(HOST)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.swarmingUrl(INTERNAL_HOST)).not.toBe(emulator.swarmingUrl(HOST));
    expect(() => emulator.swarmingUrl('unknown.example.com')).toThrow(/does not serve swarming host unknown\.example\.com/);
  });

  it('sends the XSSI prefix, gRPC code 0 and nosniff', async () => {
    const response = await callPrpc(emulator, HOST, 'ListBots', {});

    expect(response.status).toBe(200);
    expect(response.headers.get('x-prpc-grpc-code')).toBe('0');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.text.startsWith(")]}'\n")).toBe(true);
  });

  it('returns now and deathTimeout and leaves out empty fields', async () => {
    const body = await prpcJson(emulator, HOST, 'ListBots', {});
    expect(body).toEqual({ now: '2025-01-06T09:00:00Z', deathTimeout: 600 });
  });

  it('answers other methods with UNIMPLEMENTED', async () => {
    const response = await callPrpc(emulator, HOST, 'GetBot', { botId: 'x' });
    expect(response.status).toBe(501);
    expect(response.headers.get('x-prpc-grpc-code')).toBe('12');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.text.endsWith('\n')).toBe(true);

    const otherService = await callPrpc(emulator, HOST, 'ListTasks', {}, {}, { service: 'swarming.v2.Tasks' });
    expect(otherService.headers.get('x-prpc-grpc-code')).toBe('12');
  });

  it('rejects binary requests and responses', async () => {
    const binaryRequest = await callPrpc(emulator, HOST, 'ListBots', {}, { 'Content-Type': 'application/prpc; encoding=binary' });
    expect(binaryRequest.headers.get('x-prpc-grpc-code')).toBe('12');
    expect(binaryRequest.text).toMatch(/only the JSON encoding/);

    const noAccept = await callPrpc(emulator, HOST, 'ListBots', {}, { Accept: null });
    expect(noAccept.headers.get('x-prpc-grpc-code')).toBe('12');

    const legacyJson = await callPrpc(emulator, HOST, 'ListBots', {}, {
      'Content-Type': 'application/prpc; encoding=json',
      Accept: 'application/prpc; encoding=json',
    });
    expect(legacyJson.headers.get('x-prpc-grpc-code')).toBe('0');
  });
});

describe('Swarming auth', () => {
  it('answers a missing token with UNAUTHENTICATED', async () => {
    const response = await callPrpc(emulator, HOST, 'ListBots', {}, { Authorization: null });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-prpc-grpc-code')).toBe('16');
  });

  it('answers a wrong token with PERMISSION_DENIED without echoing it', async () => {
    const wrong = 'ya29.not-the-token';
    const response = await callPrpc(emulator, HOST, 'ListBots', {}, { Authorization: `Bearer ${wrong}` });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-prpc-grpc-code')).toBe('7');
    expect(response.text).not.toContain(wrong);
    expect(response.text).not.toContain(emulator.token);
  });
});

describe('ListBots paging', () => {
  it('defaults to 100 bots per page', async () => {
    addBots(150);
    const body = await prpcJson(emulator, HOST, 'ListBots', { limit: 0 });
    expect(body.items).toHaveLength(100);
    expect(body.cursor).toEqual(expect.any(String));
  });

  it('pages in bot id order with an empty final page', async () => {
    addBots(10);
    const pages: any[] = [];
    let cursor = '';
    do {
      const page = await prpcJson(emulator, HOST, 'ListBots', { limit: 5, cursor });
      pages.push(page);
      cursor = page.cursor ?? '';
    } while (cursor !== '');

    expect(pages).toHaveLength(3);
    expect(pages[0].items.map((bot: any) => bot.botId)).toEqual(['bot-000', 'bot-001', 'bot-002', 'bot-003', 'bot-004']);
    expect(pages[1].items.map((bot: any) => bot.botId)).toEqual(['bot-005', 'bot-006', 'bot-007', 'bot-008', 'bot-009']);
    expect(pages[2].items).toBeUndefined();
    expect(pages[2].cursor).toBeUndefined();
  });

  it('lists every bot exactly once across pages', async () => {
    addBots(23);
    const { items, pages } = await listAllBots(emulator, HOST, {}, 7);
    expect(pages).toBe(4);
    expect(items.map((bot) => bot.botId)).toEqual(Array.from({ length: 23 }, (_, index) => `bot-${String(index).padStart(3, '0')}`));
  });

  it('accepts 1000 and rejects 1001 and negative limits', async () => {
    addBots(3);
    const atMax = await callPrpc(emulator, HOST, 'ListBots', { limit: 1000 });
    expect(atMax.headers.get('x-prpc-grpc-code')).toBe('0');
    expect(parsePrpcJson(atMax.text).cursor).toBeUndefined();

    for (const limit of [1001, -1, 2.5, 'ten']) {
      const response = await callPrpc(emulator, HOST, 'ListBots', { limit });
      expect(response.status, String(limit)).toBe(400);
      expect(response.headers.get('x-prpc-grpc-code'), String(limit)).toBe('3');
    }
  });

  it('accepts a limit given as a string', async () => {
    addBots(3);
    const body = await prpcJson(emulator, HOST, 'ListBots', { limit: '2' });
    expect(body.items).toHaveLength(2);
  });

  it('rejects a bad cursor', async () => {
    for (const cursor of ['not a cursor', 'Zm9v', '!!']) {
      const response = await callPrpc(emulator, HOST, 'ListBots', { cursor });
      expect(response.headers.get('x-prpc-grpc-code'), cursor).toBe('3');
      expect(response.text).toMatch(/bad pagination cursor/);
    }
  });

  it('caps pages at the configured page size', async () => {
    addBots(12);
    emulator.faults.setListBotsPageSize(5);
    const first = await prpcJson(emulator, HOST, 'ListBots', { limit: 1000 });
    expect(first.items).toHaveLength(5);

    const { items, pages } = await listAllBots(emulator, HOST);
    expect(items).toHaveLength(12);
    expect(pages).toBe(3);
  });
});

describe('ListBots filters', () => {
  beforeEach(() => {
    emulator.fleet.addBot({ swarmingHost: HOST, botId: 'mac-a', os: ['Mac', 'Mac-14', 'Mac-14.3'] });
    emulator.fleet.addBot({ swarmingHost: HOST, botId: 'mac-b', os: ['Mac', 'Mac-15'], pool: 'other-pool' });
    emulator.fleet.addBot({ swarmingHost: HOST, botId: 'linux-c', os: ['Linux', 'Ubuntu'] });
    emulator.fleet.addBot({ swarmingHost: HOST, botId: 'win-d', os: ['Windows'] });
  });

  const ids = async (request: Record<string, unknown>): Promise<string[]> =>
    (await listAllBots(emulator, HOST, request)).items.map((bot) => bot.botId);

  it('ANDs dimension pairs', async () => {
    expect(await ids({ dimensions: [{ key: 'pool', value: POOL }, { key: 'os', value: 'Mac' }] })).toEqual(['mac-a']);
  });

  it('ORs values separated by |', async () => {
    expect(await ids({ dimensions: [{ key: 'os', value: 'Linux|Windows' }] })).toEqual(['linux-c', 'win-d']);
  });

  it('matches any of a bot value list', async () => {
    expect(await ids({ dimensions: [{ key: 'os', value: 'Mac-15' }] })).toEqual(['mac-b']);
    expect(await ids({ dimensions: [{ key: 'os', value: 'Mac' }, { key: 'os', value: 'Mac-14.3|Mac-15' }] })).toEqual(['mac-a', 'mac-b']);
  });

  it('matches nothing for a missing dimension', async () => {
    expect(await ids({ dimensions: [{ key: 'gpu', value: 'none' }] })).toEqual([]);
  });

  it('rejects invalid dimension keys and values', async () => {
    for (const dimension of [{ key: '', value: 'x' }, { key: 'bad key', value: 'x' }, { key: 'os', value: 'Mac|' }]) {
      const response = await callPrpc(emulator, HOST, 'ListBots', { dimensions: [dimension] });
      expect(response.headers.get('x-prpc-grpc-code'), JSON.stringify(dimension)).toBe('3');
    }
  });

  it('filters by the NullableBool states', async () => {
    emulator.fleet.killBot('win-d');
    emulator.fleet.setBusy('mac-a', 'task-1');
    emulator.fleet.setQuarantined('mac-b', true);
    emulator.fleet.setMaintenance('linux-c', 'disk full');

    expect(await ids({ isDead: 'TRUE' })).toEqual(['win-d']);
    expect(await ids({ isDead: 'FALSE' })).toEqual(['linux-c', 'mac-a', 'mac-b']);
    expect(await ids({ isDead: 2 })).toEqual(['win-d']);
    expect(await ids({ is_dead: 'TRUE' })).toEqual(['win-d']);
    expect(await ids({ isBusy: 'TRUE' })).toEqual(['mac-a']);
    expect(await ids({ quarantined: 'TRUE' })).toEqual(['mac-b']);
    expect(await ids({ inMaintenance: 'TRUE' })).toEqual(['linux-c']);
    expect(await ids({ inMaintenance: 1, isDead: 'NULL' })).toEqual(['mac-a', 'mac-b', 'win-d']);
  });

  it('rejects an unknown NullableBool value', async () => {
    const response = await callPrpc(emulator, HOST, 'ListBots', { isDead: 'MAYBE' });
    expect(response.headers.get('x-prpc-grpc-code')).toBe('3');
  });
});

describe('ListBots bot shape', () => {
  it('leaves out default values and writes timestamps in UTC', async () => {
    emulator.fleet.addBot({ swarmingHost: HOST, botId: 'alive' });
    emulator.fleet.addBot({ swarmingHost: HOST, botId: 'dead', isDead: true, lastSeen: DEFAULT_START_TIME - minutes(30) });
    emulator.clock.advance(1500);

    const body = await prpcJson(emulator, HOST, 'ListBots', {});
    const [alive, dead] = body.items;

    expect(alive).toEqual({
      botId: 'alive',
      firstSeenTs: '2025-01-06T09:00:00Z',
      lastSeenTs: '2025-01-06T09:00:01.500Z',
      dimensions: [
        { key: 'id', value: ['alive'] },
        { key: 'os', value: ['Mac', 'Mac-14', 'Mac-14.3'] },
        { key: 'pool', value: [POOL] },
      ],
    });
    expect(dead.isDead).toBe(true);
    expect(dead.lastSeenTs).toBe('2025-01-06T08:30:00Z');
    expect(body.now).toBe('2025-01-06T09:00:01.500Z');
  });

  it('lists only the bots of its own host', async () => {
    emulator.fleet.addBot({ swarmingHost: HOST, botId: 'public-bot' });
    emulator.fleet.addBot({ swarmingHost: INTERNAL_HOST, botId: 'internal-bot' });

    expect((await listAllBots(emulator, HOST)).items.map((bot) => bot.botId)).toEqual(['public-bot']);
    expect((await listAllBots(emulator, INTERNAL_HOST)).items.map((bot) => bot.botId)).toEqual(['internal-bot']);
  });
});

describe('TerminateBot', () => {
  it('kills an idle bot at once and returns a task id', async () => {
    emulator.fleet.addBot({ swarmingHost: HOST, botId: 'idle' });
    const body = await prpcJson(emulator, HOST, 'TerminateBot', { botId: 'idle', reason: 'test' });

    expect(body.taskId).toMatch(/^[0-9a-f]{15}0$/);
    const [bot] = (await prpcJson(emulator, HOST, 'ListBots', {})).items;
    expect(bot.isDead).toBe(true);
    expect(bot.terminationTaskId).toBe(body.taskId);
  });

  it('lets a busy bot finish its task first', async () => {
    emulator.fleet.addBot({ swarmingHost: HOST, botId: 'busy' });
    emulator.fleet.setBusy('busy', 'task-7', { durationMs: minutes(10) });

    await prpcJson(emulator, HOST, 'TerminateBot', { botId: 'busy' });
    let [bot] = (await prpcJson(emulator, HOST, 'ListBots', {})).items;
    expect(bot.isDead).toBeUndefined();
    expect(bot.taskId).toBe('task-7');

    emulator.clock.advance(minutes(10));
    [bot] = (await prpcJson(emulator, HOST, 'ListBots', {})).items;
    expect(bot.isDead).toBe(true);
    expect(bot.taskId).toBeUndefined();
  });

  it('answers an unknown bot with NOT_FOUND', async () => {
    const response = await callPrpc(emulator, HOST, 'TerminateBot', { botId: 'ghost' });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-prpc-grpc-code')).toBe('5');
  });

  it('requires a bot id', async () => {
    const response = await callPrpc(emulator, HOST, 'TerminateBot', {});
    expect(response.headers.get('x-prpc-grpc-code')).toBe('3');
  });
});
