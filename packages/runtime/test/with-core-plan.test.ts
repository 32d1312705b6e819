/**
 * Cycles with the real planner of `@makemac/core` (the default planner)
 * against the fakes: the runtime and the planner together converge the pool,
 * count pending creates, and keep vacates back after a failed listing.
 */
import { describe, expect, it } from 'vitest';

import { createMemoryPendingStore, createSecretResolver, reconcileOnce, type RuntimeDeps } from '../src/index.js';
import {
  aliveBot,
  captureLogger,
  FakeClock,
  FakeMacService,
  FakeSwarming,
  HOST_A,
  HOST_B,
  HOUR,
  IMAGE_1,
  IMAGE_2,
  managedLease,
  testConfig,
  testSecrets,
  Timeline,
  unavailable,
} from './fakes.js';

const T0 = Date.UTC(2026, 0, 1);

const setup = (startBots = true) => {
  const timeline = new Timeline();
  const clock = new FakeClock(T0);
  const macService = new FakeMacService(timeline, clock.now);
  const swarming = new FakeSwarming(timeline);
  if (startBots) {
    macService.onCreate = (lease) => swarming.addBot(lease.projectName.split('/')[1] ?? '', aliveBot(lease.leaseId));
  }
  const capture = captureLogger();
  // No planner: the cycle uses core's plan.
  const deps: RuntimeDeps = {
    macService,
    swarming,
    resolveSecret: createSecretResolver({ env: testSecrets }),
    now: clock.now,
    logger: capture.logger,
    pending: createMemoryPendingStore(),
  };
  return { timeline, clock, macService, swarming, capture, deps, config: testConfig() };
};

/** Counts the fake's leases per `<host> <image>`. */
const leaseCounts = (macService: FakeMacService): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const lease of macService.leases.values()) {
    const key = `${lease.projectName.split('/')[1] ?? ''} ${lease.image}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

describe('reconcileOnce with core plan', () => {
  it('fills an empty pool and then converges', async () => {
    const world = setup();

    const first = await reconcileOnce(world.deps, { config: world.config });
    world.clock.advance(HOUR);
    const second = await reconcileOnce(world.deps, { config: world.config });

    expect(first.summary.created).toBe(5);
    expect(leaseCounts(world.macService)).toEqual({
      [`${HOST_A} ${IMAGE_1}`]: 2,
      [`${HOST_A} ${IMAGE_2}`]: 1,
      [`${HOST_B} ${IMAGE_1}`]: 2,
    });
    expect(second.plan?.actions.filter((action) => action._tag !== 'Renew')).toEqual([]);
    expect(second.summary.failed).toBe(0);
  });

  it('counts pending creates while find lags', async () => {
    const world = setup();
    world.macService.findLag = 1;

    await reconcileOnce(world.deps, { config: world.config });
    world.clock.advance(5 * 60 * 1000);
    const second = await reconcileOnce(world.deps, { config: world.config });

    expect(second.pendingLeaseIds).toHaveLength(5);
    expect(second.plan?.actions).toEqual([]);
    expect(world.timeline.callsOf('create')).toHaveLength(5);
  });

  it('renews a lease that is due', async () => {
    const world = setup();
    world.config = testConfig({ a1: 1, a2: 0, b1: 0 });
    world.macService.addLease(managedLease('due', HOST_A, IMAGE_1, T0 + 10 * HOUR));
    world.swarming.addBot(HOST_A, aliveBot('due'));

    const report = await reconcileOnce(world.deps, { config: world.config });

    expect(report.summary).toMatchObject({ renewed: 1, created: 0, vacated: 0 });
    expect(world.macService.leases.get('due')?.expires).toBe(T0 + 23 * HOUR);
  });

  it('vacates nothing after a failed listing', async () => {
    const world = setup();
    world.macService.addLease(managedLease('a-dead', HOST_A, IMAGE_1, T0 + 10 * HOUR));
    world.swarming.addBot(HOST_A, aliveBot('a-dead', true));
    world.macService.addLease(managedLease('b-unseen', HOST_B, IMAGE_1, T0 + 10 * HOUR));
    world.timeline.failWith = (call) =>
      call.method === 'listBots' && call.target === HOST_B ? unavailable(HOST_B) : undefined;

    const report = await reconcileOnce(world.deps, { config: world.config });

    expect(world.timeline.callsOf('vacate')).toEqual([]);
    expect(world.macService.leases.has('a-dead')).toBe(true);
    expect(world.macService.leases.has('b-unseen')).toBe(true);
    expect(world.timeline.callsOf('create').every((call) => call.target.startsWith(HOST_A))).toBe(true);
    expect(report.listingErrors.map((error) => error.swarmingHost)).toEqual([HOST_B]);
  });

  it('vacates on the listed host when the planner is trusted', async () => {
    const world = setup();
    world.macService.addLease(managedLease('a-dead', HOST_A, IMAGE_1, T0 + 10 * HOUR));
    world.swarming.addBot(HOST_A, aliveBot('a-dead', true));
    world.macService.addLease(managedLease('b-unseen', HOST_B, IMAGE_1, T0 + 10 * HOUR));
    world.timeline.failWith = (call) =>
      call.method === 'listBots' && call.target === HOST_B ? unavailable(HOST_B) : undefined;

    await reconcileOnce(world.deps, { config: world.config, vacateOnListedHosts: true });

    expect(world.timeline.callsOf('vacate').map((call) => call.target)).toEqual(['a-dead']);
    expect(world.macService.leases.has('b-unseen')).toBe(true);
  });

  it('sends no mutating call in a dry run', async () => {
    const world = setup();
    world.macService.addLease(managedLease('a-dead', HOST_A, IMAGE_1, T0 + 10 * HOUR));
    world.swarming.addBot(HOST_A, aliveBot('a-dead', true));

    const report = await reconcileOnce(world.deps, { config: world.config, dryRun: true });

    expect(world.timeline.callsOf('create', 'renew', 'vacate', 'terminateBot')).toEqual([]);
    expect(report.summary.planned).toBeGreaterThan(0);
    expect(report.summary.planned).toBe(report.plan?.actions.length);
  });
});
