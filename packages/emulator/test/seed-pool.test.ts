/**
 * The troubled pool: every kind of trouble is present and visible over HTTP
 * in the shape makemac reads.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { OBSOLETE_IMAGE, seedTroubledPool, startEmulator, type Emulator, type TroubledPoolInput } from '../src/index.js';
import { listAllBots, macServiceJson, minutes } from './http.js';

const PUBLIC = 'chromium-swarm.appspot.com';
const INTERNAL = 'chrome-swarming.appspot.com';
const IMAGE_14 = 'b16a8a5f2d1e383667c3764d915551f4af56d63edd0679539703688a6b9f6754';
const IMAGE_15 = '203520220bdfe6b42592d2ae731c9cb985768c701c569ff1bc572d1573e63ad6';

const INPUT: TroubledPoolInput = {
  swarmingHosts: [
    {
      host: PUBLIC,
      pool: 'luci.golang.shared-workers',
      images: [
        { hostname: 'darwin-amd64-14', image: IMAGE_14, count: 20 },
        { hostname: 'darwin-arm64-15', image: IMAGE_15, count: 7 },
      ],
    },
    {
      host: INTERNAL,
      pool: 'luci.golang.security-try-workers',
      images: [{ hostname: 'darwin-amd64-14-security', image: IMAGE_14, count: 7 }],
    },
  ],
};

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({
    swarmingHosts: [
      { host: PUBLIC, pool: 'luci.golang.shared-workers' },
      { host: INTERNAL, pool: 'luci.golang.security-try-workers' },
    ],
  });
});

afterEach(async () => {
  await emulator.stop();
});

const find = async (): Promise<any[]> =>
  (await macServiceJson(emulator, 'leases:find', { vmResourceNamespace: { customerName: 'golang', projectName: '', subCustomerName: '' } }))
    .instances;

const allBots = async (): Promise<any[]> => [
  ...(await listAllBots(emulator, PUBLIC)).items,
  ...(await listAllBots(emulator, INTERNAL)).items,
];

describe('seedTroubledPool', () => {
  it('creates every kind of trouble', () => {
    const pool = seedTroubledPool(emulator, INPUT);
    const kinds = new Set(pool.leases.map((lease) => lease.kind));
    for (const kind of ['healthy', 'booting', 'never-booted', 'bot-dead', 'image-obsolete', 'over-count', 'unmanaged', 'foreign-host']) {
      expect(kinds.has(kind as never), kind).toBe(true);
    }
    const botKinds = new Set(pool.bots.map((bot) => bot.kind));
    expect(botKinds).toEqual(new Set(['bot-without-lease', 'bot-id-unparsed']));
  });

  it('shows managed leases with live bots in their pool', async () => {
    const pool = seedTroubledPool(emulator, INPUT);
    const instances = await find();
    const bots = await allBots();
    const botById = new Map(bots.map((bot) => [bot.botId, bot]));

    const healthy = pool.leases.filter((lease) => lease.kind === 'healthy');
    expect(healthy.length).toBeGreaterThan(20);
    for (const lease of healthy) {
      const bot = botById.get(lease.botId);
      expect(bot, lease.leaseId).toBeDefined();
      expect(bot.isDead).toBeUndefined();
      expect(bot.botId).toContain(`--${lease.leaseId}.golang.c3.macservice.goog`);
    }
    expect(instances.length).toBe(pool.leases.length);
  });

  it('keeps never-booted leases old enough to vacate and without bots', async () => {
    const pool = seedTroubledPool(emulator, INPUT);
    const instances = await find();
    const bots = await allBots();

    for (const lease of pool.leases.filter((candidate) => candidate.kind === 'never-booted')) {
      const instance = instances.find((candidate) => candidate.lease.leaseId === lease.leaseId);
      expect(Date.parse(instance.lease.expires) - emulator.clock.now()).toBeLessThanOrEqual(23 * 3_600_000);
      expect(bots.some((bot) => bot.botId.includes(lease.leaseId))).toBe(false);
    }
  });

  it('lists dead bots for bot-dead leases', async () => {
    const pool = seedTroubledPool(emulator, INPUT);
    const bots = await allBots();
    const dead = pool.leases.filter((lease) => lease.kind === 'bot-dead');

    expect(dead.length).toBeGreaterThan(0);
    for (const lease of dead) expect(bots.find((bot) => bot.botId === lease.botId)?.isDead).toBe(true);
  });

  it('puts the first group over its count', async () => {
    const pool = seedTroubledPool(emulator, INPUT);
    const instances = await find();
    const project = `makemac/${PUBLIC}`;
    const group = instances.filter(
      (instance) =>
        instance.lease.vmResourceNamespace.projectName === project &&
        instance.instanceSpecification.diskSelection.imageHashes.bootSha256 === IMAGE_14,
    );
    expect(pool.overCountGroup).toEqual({ swarmingHost: PUBLIC, image: IMAGE_14, count: 20 });
    expect(group).toHaveLength(22);
  });

  it('keeps other groups at their count', async () => {
    seedTroubledPool(emulator, INPUT);
    const instances = await find();
    const count = (project: string, image: string): number =>
      instances.filter(
        (instance) =>
          instance.lease.vmResourceNamespace.projectName === project &&
          instance.instanceSpecification.diskSelection.imageHashes.bootSha256 === image,
      ).length;

    expect(count(`makemac/${PUBLIC}`, IMAGE_15)).toBe(7);
    expect(count(`makemac/${INTERNAL}`, IMAGE_14)).toBe(7);
  });

  it('adds obsolete, unmanaged and foreign-host leases', async () => {
    seedTroubledPool(emulator, INPUT);
    const instances = await find();
    const projects = instances.map((instance) => instance.lease.vmResourceNamespace.projectName);
    const images = instances.map((instance) => instance.instanceSpecification.diskSelection.imageHashes.bootSha256);

    expect(projects.filter((project) => project === 'other-team/ci')).toHaveLength(2);
    expect(projects).toContain('makemac/other-swarm.example.com');
    expect(images.filter((image) => image === OBSOLETE_IMAGE)).toHaveLength(2);
  });

  it('boots the booting lease later', async () => {
    const pool = seedTroubledPool(emulator, INPUT);
    const booting = pool.leases.filter((lease) => lease.kind === 'booting');
    const before = await allBots();
    for (const lease of booting) expect(before.some((bot) => bot.botId.includes(lease.leaseId))).toBe(false);

    emulator.clock.advance(minutes(10));
    const after = await allBots();
    for (const lease of booting) expect(after.some((bot) => bot.botId.includes(lease.leaseId))).toBe(true);
  });

  it('makes trouble even with tiny counts', () => {
    const pool = seedTroubledPool(emulator, {
      swarmingHosts: [{ host: PUBLIC, pool: 'p', images: [{ hostname: 'darwin-amd64-14', image: IMAGE_14, count: 1 }] }],
    });
    const kinds = pool.leases.map((lease) => lease.kind);
    expect(kinds).toContain('never-booted');
    expect(kinds).toContain('bot-dead');
    expect(kinds).toContain('healthy');
  });

  it('rejects a configuration without images', () => {
    expect(() => seedTroubledPool(emulator, { swarmingHosts: [{ host: PUBLIC, pool: 'p', images: [] }] })).toThrow(/at least one swarming host/);
  });
});
