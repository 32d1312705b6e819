/**
 * Tests of drains across cycles: one TerminateBot per busy bot, the drained
 * bot store and its pruning, dry run, and what a failed listing holds back.
 */
import { listed, listingFailed, type Action, type Plan } from '@makemac/core';
import { describe, expect, it } from 'vitest';

import {
  createMemoryDrainStore,
  createMemoryPendingStore,
  createSecretResolver,
  pruneDrained,
  reconcileOnce,
  type CycleOptions,
  type DrainedBot,
  type DrainedBotStore,
  type RuntimeDeps,
} from '../src/index.js';
import {
  aliveBot,
  captureLogger,
  drainAction,
  FakeClock,
  FakeMacService,
  FakeSwarming,
  HOST_A,
  HOST_B,
  HOUR,
  IMAGE_1,
  managedLease,
  planOf,
  testConfig,
  testSecrets,
  Timeline,
  unavailable,
  vacateAction,
} from './fakes.js';

const T0 = Date.UTC(2026, 0, 1);

/** A world whose planner returns whatever `actions` holds when the cycle plans. */
const setup = (drains: DrainedBotStore = createMemoryDrainStore()) => {
  const timeline = new Timeline();
  const clock = new FakeClock(T0);
  const macService = new FakeMacService(timeline, clock.now);
  const swarming = new FakeSwarming(timeline);
  const capture = captureLogger();
  const world = {
    timeline,
    clock,
    macService,
    swarming,
    capture,
    drains,
    actions: [] as Action[],
    deps: undefined as unknown as RuntimeDeps,
    options: { config: testConfig() } as CycleOptions,
  };
  world.deps = {
    macService,
    swarming,
    resolveSecret: createSecretResolver({ env: testSecrets }),
    now: clock.now,
    logger: capture.logger,
    pending: createMemoryPendingStore(),
    drains,
    planner: (_config, snapshot): Plan => planOf(snapshot.now, world.actions),
  };
  return world;
};

type World = ReturnType<typeof setup>;

/** Adds a managed lease on host A with a live bot that runs a task. */
const addBusyLease = (world: World, leaseId: string, swarmingHost = HOST_A): void => {
  world.macService.addLease(managedLease(leaseId, swarmingHost, IMAGE_1, T0 + 20 * HOUR));
  world.swarming.addBot(swarmingHost, { ...aliveBot(leaseId), taskId: `task-${leaseId}` });
};

describe('reconcileOnce drains', () => {
  it('sends one TerminateBot while the bot finishes its task', async () => {
    const world = setup();
    addBusyLease(world, 'busy');
    world.actions = [drainAction('busy')];

    const first = await reconcileOnce(world.deps, world.options);
    world.clock.advance(HOUR);
    const second = await reconcileOnce(world.deps, world.options);
    world.clock.advance(HOUR);
    const third = await reconcileOnce(world.deps, world.options);

    expect(world.swarming.terminated.map((request) => request.botId)).toEqual([aliveBot('busy').botId]);
    expect(first.outcomes[0]?.status).toBe('done');
    expect(first.summary.drained).toBe(1);
    for (const report of [second, third]) {
      expect(report.outcomes[0]?.status).toBe('skipped');
      expect(report.outcomes[0]?.skipReason).toBe('already-draining');
      expect(report.outcomes[0]?.detail).toContain(new Date(T0).toISOString());
    }
    const skippedLines = world.capture.lines.filter((line) => line['skipReason'] === 'already-draining');
    expect(skippedLines).toHaveLength(2);
    expect(skippedLines[0]).toMatchObject({ action: 'drain', botId: aliveBot('busy').botId, level: 30 });
  });

  it('forgets a bot once it is dead, then vacates', async () => {
    const world = setup();
    addBusyLease(world, 'busy');
    world.actions = [drainAction('busy')];
    await reconcileOnce(world.deps, world.options);

    world.swarming.updateBot(HOST_A, 'busy', { isDead: true, taskId: undefined });
    world.actions = [vacateAction('busy')];
    world.clock.advance(HOUR);
    const report = await reconcileOnce(world.deps, world.options);

    expect(report.outcomes[0]?.status).toBe('done');
    expect(await world.drains.list()).toEqual([]);
    const forgotten = world.capture.lines.find((line) => line['msg'] === 'drained bot forgotten');
    expect(forgotten).toMatchObject({ leaseId: 'busy', botId: aliveBot('busy').botId, reason: 'bot-dead' });
  });

  it('forgets a bot whose lease was vacated', async () => {
    const world = setup();
    addBusyLease(world, 'busy');
    world.actions = [drainAction('busy')];
    await reconcileOnce(world.deps, world.options);

    // The planner may vacate the lease for another reason while the store still lists its bot.
    world.actions = [vacateAction('busy')];
    await reconcileOnce(world.deps, world.options);

    expect(await world.drains.list()).toEqual([]);
  });

  it('sends TerminateBot again after the maximum age', async () => {
    const world = setup();
    addBusyLease(world, 'busy');
    world.actions = [drainAction('busy')];
    const options = { ...world.options, drainMaxAge: 3 * HOUR };

    await reconcileOnce(world.deps, options);
    world.clock.advance(3 * HOUR - 1);
    await reconcileOnce(world.deps, options);
    world.clock.advance(1);
    const late = await reconcileOnce(world.deps, options);

    expect(world.swarming.terminated).toHaveLength(2);
    expect(late.outcomes[0]?.status).toBe('done');
    const forgotten = world.capture.lines.find((line) => line['msg'] === 'drained bot forgotten');
    expect(forgotten?.['reason']).toBe('max-age');
  });

  it('sends a failed drain again next cycle', async () => {
    const world = setup();
    addBusyLease(world, 'busy');
    world.actions = [drainAction('busy')];
    world.timeline.failWith = (call) => (call.method === 'terminateBot' ? unavailable(HOST_A) : undefined);

    const first = await reconcileOnce(world.deps, world.options);
    world.timeline.failWith = () => undefined;
    const second = await reconcileOnce(world.deps, world.options);

    expect(first.outcomes[0]?.status).toBe('failed');
    expect(second.outcomes[0]?.status).toBe('done');
    expect(world.timeline.callsOf('terminateBot')).toHaveLength(2);
  });

  it('remembers nothing in a dry run', async () => {
    const world = setup();
    addBusyLease(world, 'busy');
    world.actions = [drainAction('busy')];

    const dry = await reconcileOnce(world.deps, { ...world.options, dryRun: true });
    const real = await reconcileOnce(world.deps, world.options);

    expect(dry.outcomes[0]?.status).toBe('planned');
    expect(real.outcomes[0]?.status).toBe('done');
    expect(world.swarming.terminated).toHaveLength(1);
  });

  it('drains on a listed host while another listing failed', async () => {
    const world = setup();
    addBusyLease(world, 'busy-a', HOST_A);
    addBusyLease(world, 'busy-b', HOST_B);
    world.macService.addLease(managedLease('dead-a', HOST_A, IMAGE_1, T0 + 20 * HOUR));
    world.actions = [vacateAction('dead-a'), drainAction('busy-a', HOST_A), drainAction('busy-b', HOST_B)];
    const listBots = world.swarming.listBots.bind(world.swarming);
    world.swarming.listBots = (query) =>
      query.swarmingHost === HOST_B ? async () => ({ _tag: 'Left', left: unavailable(HOST_B) }) : listBots(query);

    const report = await reconcileOnce(world.deps, world.options);

    expect(world.swarming.terminated.map((request) => request.swarmingHost)).toEqual([HOST_A]);
    expect(report.outcomes.map((outcome) => [outcome.status, outcome.skipReason])).toEqual([
      ['skipped', 'listing-failed'],
      ['done', undefined],
      ['skipped', 'listing-failed'],
    ]);
    expect(report.reason).toBe(`swarming listing failed for ${HOST_B}, so 1 vacates, 1 drains and 0 creates were not attempted`);
  });

  it('drains even when the store cannot be read', async () => {
    const broken: DrainedBotStore = {
      list: () => Promise.reject(new Error('disk full')),
      add: () => Promise.resolve(),
      remove: () => Promise.resolve(),
    };
    const world = setup(broken);
    addBusyLease(world, 'busy');
    world.actions = [drainAction('busy')];

    const report = await reconcileOnce(world.deps, world.options);

    expect(report.outcomes[0]?.status).toBe('done');
    const line = world.capture.lines.find((entry) => entry['msg'] === 'drained bot store read failed');
    expect(line?.['error']).toBe('disk full');
  });
});

describe('pruneDrained', () => {
  const entry: DrainedBot = {
    swarmingHost: HOST_A,
    botId: aliveBot('busy').botId,
    leaseId: 'busy',
    image: IMAGE_1,
    requestedAt: T0,
  };
  const lease = managedLease('busy', HOST_A, IMAGE_1, T0 + 20 * HOUR);

  it('keeps a live bot whose lease is listed', () => {
    const result = pruneDrained([entry], [listed(HOST_A, [aliveBot('busy')])], [lease], T0 + HOUR, 6 * HOUR);

    expect(result.keep).toEqual([entry]);
    expect(result.forget).toEqual([]);
  });

  it('keeps a bot missing from an empty listing', () => {
    const result = pruneDrained([entry], [listed(HOST_A, [])], [lease], T0 + HOUR, 6 * HOUR);

    expect(result.keep).toEqual([entry]);
  });

  it('keeps a bot whose host listing failed', () => {
    const result = pruneDrained([entry], [listingFailed(HOST_A, 'UNAVAILABLE')], [lease], T0 + HOUR, 6 * HOUR);

    expect(result.keep).toEqual([entry]);
  });

  it('forgets a dead bot only on its own host', () => {
    const dead = [aliveBot('busy', true)];

    const sameHost = pruneDrained([entry], [listed(HOST_A, dead)], [lease], T0, 6 * HOUR);
    const otherHost = pruneDrained([entry], [listed(HOST_B, dead), listed(HOST_A, [aliveBot('busy')])], [lease], T0, 6 * HOUR);

    expect(sameHost.forget).toEqual([{ entry, reason: 'bot-dead' }]);
    expect(otherHost.keep).toEqual([entry]);
  });

  it('forgets a bot whose lease is gone', () => {
    const result = pruneDrained([entry], [listed(HOST_A, [aliveBot('busy')])], [], T0, 6 * HOUR);

    expect(result.forget).toEqual([{ entry, reason: 'lease-gone' }]);
  });

  it('forgets an entry at its maximum age', () => {
    const before = pruneDrained([entry], [], [lease], T0 + 6 * HOUR - 1, 6 * HOUR);
    const at = pruneDrained([entry], [], [lease], T0 + 6 * HOUR, 6 * HOUR);

    expect(before.keep).toEqual([entry]);
    expect(at.forget).toEqual([{ entry, reason: 'max-age' }]);
  });
});
