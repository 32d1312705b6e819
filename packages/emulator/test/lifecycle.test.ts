/**
 * The lease and bot lifecycle as a client sees it over HTTP: boot after the
 * delay, leases that never boot, expiry, vacate, crashes and tasks.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.js';
import { createRequest, hours, listAllBots, macServiceJson, minutes } from './http.js';

const HOST = 'chromium-swarm.appspot.com';
const INTERNAL_HOST = 'chrome-swarming.appspot.com';

const running: Emulator[] = [];

const start = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const emulator = await startEmulator({
    swarmingHosts: [
      { host: HOST, pool: 'luci.golang.shared-workers' },
      { host: INTERNAL_HOST, pool: 'luci.golang.security-try-workers' },
    ],
    ...options,
  });
  running.push(emulator);
  return emulator;
};

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
});

const findLeaseIds = async (emulator: Emulator): Promise<string[]> => {
  const body = await macServiceJson(emulator, 'leases:find', { vmResourceNamespace: { customerName: 'golang' } });
  return (body.instances ?? []).map((instance: any) => instance.lease.leaseId);
};

describe('boot', () => {
  it('registers the bot after the boot delay with the right id and dimensions', async () => {
    const emulator = await start({ bootDelayMs: { min: minutes(5), max: minutes(5) } });
    const created = await macServiceJson(
      emulator,
      'leases:create',
      createRequest({ swarmingHost: INTERNAL_HOST, hostname: 'darwin-amd64-14-security' }),
    );
    const leaseId = created.pendingLease.leaseId;

    emulator.clock.advance(minutes(5) - 1);
    expect((await listAllBots(emulator, INTERNAL_HOST)).items).toEqual([]);

    emulator.clock.advance(1);
    const { items } = await listAllBots(emulator, INTERNAL_HOST);
    expect(items).toHaveLength(1);
    expect(items[0].botId).toBe(`darwin-amd64-14-security--${leaseId}.golang.c3.macservice.goog`);
    expect(items[0].isDead).toBeUndefined();
    expect(items[0].dimensions).toEqual([
      { key: 'id', value: [items[0].botId] },
      { key: 'os', value: ['Mac', 'Mac-14', 'Mac-14.3'] },
      { key: 'pool', value: ['luci.golang.security-try-workers'] },
    ]);
    expect((await listAllBots(emulator, HOST)).items).toEqual([]);
  });

  it('uses the configured site and per-image os', async () => {
    const emulator = await start({
      site: 'x9',
      images: { ['e'.repeat(64)]: { os: ['Mac', 'Mac-15', 'Mac-15.1'] } },
      bootDelayMs: { min: 0, max: 0 },
    });
    const created = await macServiceJson(emulator, 'leases:create', createRequest({ image: 'e'.repeat(64), hostname: 'darwin-arm64-15' }));
    emulator.clock.advance(0);

    const [bot] = (await listAllBots(emulator, HOST)).items;
    expect(bot.botId).toBe(`darwin-arm64-15--${created.pendingLease.leaseId}.golang.x9.macservice.goog`);
    expect(bot.dimensions.find((dimension: any) => dimension.key === 'os').value).toEqual(['Mac', 'Mac-15', 'Mac-15.1']);
  });

  it('never boots an image marked as never booting', async () => {
    const emulator = await start({ images: { ['f'.repeat(64)]: { neverBoots: true } } });
    const created = await macServiceJson(emulator, 'leases:create', createRequest({ image: 'f'.repeat(64) }));
    emulator.clock.advance(hours(3));

    expect((await listAllBots(emulator, HOST)).items).toEqual([]);
    expect(await findLeaseIds(emulator)).toEqual([created.pendingLease.leaseId]);
    expect(emulator.fleet.lease(created.pendingLease.leaseId)?.boot).toBe('never');
  });

  it('never boots a share of leases by probability', async () => {
    const emulator = await start({ seed: 3, neverBootProbability: 0.5 });
    for (let index = 0; index < 40; index += 1) await macServiceJson(emulator, 'leases:create', createRequest({}));
    emulator.clock.advance(hours(1));

    const bots = (await listAllBots(emulator, HOST)).items.length;
    const skipped = emulator.fleet.history().filter((event) => event._tag === 'BootSkipped').length;
    expect(bots + skipped).toBe(40);
    expect(bots).toBeGreaterThan(5);
    expect(skipped).toBeGreaterThan(5);
  });

  it('never boots a lease whose metadata names no swarming host', async () => {
    const emulator = await start();
    const request: any = createRequest({});
    request.instanceSpecification.metadata = [];
    await macServiceJson(emulator, 'leases:create', request);
    emulator.clock.advance(hours(1));

    expect(emulator.fleet.snapshot().bots).toEqual({});
    expect(emulator.fleet.history().some((event) => event._tag === 'BootSkipped' && event.reason === 'metadata-missing')).toBe(true);
  });
});

describe('lease end', () => {
  it('removes an expired lease and marks its bot dead', async () => {
    const emulator = await start();
    const created = await macServiceJson(emulator, 'leases:create', createRequest({ duration: '7200s' }));
    emulator.clock.advance(hours(1));
    expect((await listAllBots(emulator, HOST)).items[0].isDead).toBeUndefined();

    emulator.clock.advance(hours(1));
    expect(await findLeaseIds(emulator)).toEqual([]);
    const [bot] = (await listAllBots(emulator, HOST)).items;
    expect(bot.botId).toContain(created.pendingLease.leaseId);
    expect(bot.isDead).toBe(true);
  });

  it('keeps a renewed lease past its first expiry', async () => {
    const emulator = await start();
    const created = await macServiceJson(emulator, 'leases:create', createRequest({ duration: '7200s' }));
    emulator.clock.advance(hours(1));
    await macServiceJson(emulator, 'leases:renew', { leaseId: created.pendingLease.leaseId, duration: '7200s' });

    emulator.clock.advance(hours(2) - 1);
    expect(await findLeaseIds(emulator)).toEqual([created.pendingLease.leaseId]);
    emulator.clock.advance(1);
    expect(await findLeaseIds(emulator)).toEqual([]);
  });

  it('marks the bot of a vacated lease dead and keeps it listed', async () => {
    const emulator = await start();
    const created = await macServiceJson(emulator, 'leases:create', createRequest({}));
    emulator.clock.advance(hours(1));

    await macServiceJson(emulator, 'leases:vacate', { leaseId: created.pendingLease.leaseId });
    const [bot] = (await listAllBots(emulator, HOST)).items;
    expect(bot.isDead).toBe(true);
    expect(await findLeaseIds(emulator)).toEqual([]);
  });

  it('drops a vacated lease before it boots', async () => {
    const emulator = await start();
    const created = await macServiceJson(emulator, 'leases:create', createRequest({}));
    await macServiceJson(emulator, 'leases:vacate', { leaseId: created.pendingLease.leaseId });
    emulator.clock.advance(hours(1));

    expect((await listAllBots(emulator, HOST)).items).toEqual([]);
  });

  it('marks a silent bot dead after the detection delay', async () => {
    const emulator = await start({ deathDetectionDelayMs: minutes(10) });
    const created = await macServiceJson(emulator, 'leases:create', createRequest({}));
    emulator.clock.advance(hours(1));
    await macServiceJson(emulator, 'leases:vacate', { leaseId: created.pendingLease.leaseId });

    emulator.clock.advance(minutes(10) - 1);
    let [bot] = (await listAllBots(emulator, HOST)).items;
    expect(bot.isDead).toBeUndefined();
    expect(Date.parse(bot.lastSeenTs)).toBe(emulator.clock.now() - (minutes(10) - 1));

    emulator.clock.advance(1);
    [bot] = (await listAllBots(emulator, HOST)).items;
    expect(bot.isDead).toBe(true);
  });

  it('drops dead bots after the retention time', async () => {
    const emulator = await start({ deadBotRetentionMs: hours(5) });
    emulator.fleet.addBot({ swarmingHost: HOST, botId: 'old', isDead: true });
    emulator.clock.advance(hours(5));
    expect((await listAllBots(emulator, HOST)).items).toEqual([]);
  });
});

describe('random bot life', () => {
  it('crashes bots at the configured rate while their leases live on', async () => {
    const emulator = await start({ seed: 9, deathProbabilityPerHour: 0.5, bootDelayMs: { min: 0, max: 0 } });
    for (let index = 0; index < 20; index += 1) await macServiceJson(emulator, 'leases:create', createRequest({}));
    emulator.clock.advance(hours(4));

    const bots = (await listAllBots(emulator, HOST)).items;
    const dead = bots.filter((bot) => bot.isDead === true).length;
    expect(bots).toHaveLength(20);
    expect(dead).toBeGreaterThan(10);
    expect(await findLeaseIds(emulator)).toHaveLength(20);
  });

  it('starts and finishes tasks by itself', async () => {
    const emulator = await start({ seed: 4, taskProbabilityPerHour: 0.9, bootDelayMs: { min: 0, max: 0 } });
    for (let index = 0; index < 10; index += 1) await macServiceJson(emulator, 'leases:create', createRequest({}));
    emulator.clock.advance(hours(3));

    const history = emulator.fleet.history();
    expect(history.filter((event) => event._tag === 'TaskStarted').length).toBeGreaterThan(5);
    expect(history.filter((event) => event._tag === 'TaskFinished').length).toBeGreaterThan(3);
  });
});
