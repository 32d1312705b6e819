/**
 * Tests of one reconcile cycle against the fakes: concurrent reads, failed
 * find and listings, pending creates, secrets in reports and logs, dry run,
 * and the failures of the planner and of the pending store.
 */
import { describe, expect, it } from 'vitest';

import {
  createMemoryPendingStore,
  createSecretResolver,
  reconcileOnce,
  type CycleOptions,
  type PendingCreateStore,
  type Planner,
  type RuntimeDeps,
} from '../src/index.js';
import {
  aliveBot,
  captureLogger,
  FakeClock,
  FakeMacService,
  FakeSwarming,
  HOST_A,
  HOST_B,
  HOUR,
  httpError,
  IMAGE_1,
  IMAGE_2,
  managedLease,
  simplePlanner,
  testConfig,
  testSecrets,
  Timeline,
  unavailable,
} from './fakes.js';

const T0 = Date.UTC(2026, 0, 1);

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const setup = (planner: Planner = simplePlanner) => {
  const timeline = new Timeline();
  const clock = new FakeClock(T0);
  const macService = new FakeMacService(timeline, clock.now);
  const swarming = new FakeSwarming(timeline);
  const capture = captureLogger();
  const pending = createMemoryPendingStore();
  const deps: RuntimeDeps = {
    macService,
    swarming,
    resolveSecret: createSecretResolver({ env: testSecrets }),
    now: clock.now,
    logger: capture.logger,
    pending,
    planner,
  };
  const options: CycleOptions = { config: testConfig() };
  return { timeline, clock, macService, swarming, capture, pending, deps, options };
};

type World = ReturnType<typeof setup>;

/** Gives every group of the test configuration its full count of healthy leases. */
const fillPool = (world: World): void => {
  const leases: [string, string, string][] = [
    ['a1-0', HOST_A, IMAGE_1],
    ['a1-1', HOST_A, IMAGE_1],
    ['a2-0', HOST_A, IMAGE_2],
    ['b1-0', HOST_B, IMAGE_1],
    ['b1-1', HOST_B, IMAGE_1],
  ];
  for (const [leaseId, host, image] of leases) {
    world.macService.addLease(managedLease(leaseId, host, image, T0 + 23.5 * HOUR));
    world.swarming.addBot(host, aliveBot(leaseId));
  }
};

describe('reconcileOnce reading', () => {
  it('lists every swarming host and finds leases concurrently', async () => {
    const world = setup();
    fillPool(world);
    world.timeline.delay = (call) => pause(call.method === 'find' || call.method === 'listBots' ? 5 : 0);

    const report = await reconcileOnce(world.deps, world.options);

    const reads = world.timeline.callsOf('find', 'listBots');
    expect(reads.map((call) => call.method).sort()).toEqual(['find', 'listBots', 'listBots']);
    const lastStart = Math.max(...reads.map((call) => call.startTick));
    const firstEnd = Math.min(...reads.map((call) => call.endTick ?? Infinity));
    expect(lastStart).toBeLessThan(firstEnd);
    expect(report.listingErrors).toEqual([]);
    expect(report.plan?.now).toBe(T0);
  });

  it('executes nothing when find fails', async () => {
    const world = setup();
    world.swarming.addBot(HOST_A, aliveBot('dead', true));
    world.timeline.failWith = (call) => (call.method === 'find' ? httpError(503, 'backend unavailable') : undefined);

    const report = await reconcileOnce(world.deps, world.options);

    expect(world.timeline.callsOf('create', 'renew', 'vacate', 'terminateBot')).toEqual([]);
    expect(report.plan).toBeUndefined();
    expect(report.outcomes).toEqual([]);
    expect(report.reason).toContain('leases:find failed, so nothing was executed');
    expect(report.reason).toContain('HTTP 503');
    const line = world.capture.lines.find((entry) => entry['msg'] === 'lease find failed');
    expect(line?.['error']).toContain('HTTP 503');
    expect(world.capture.lines.find((entry) => entry['msg'] === 'reconcile cycle abandoned')).toBeDefined();
  });
});

describe('reconcileOnce after a failed listing', () => {
  const setupWithFailedHostB = () => {
    const world = setup();
    // Host A: a lease whose bot is dead, one due for renewal, one image short.
    world.macService.addLease(managedLease('a-dead', HOST_A, IMAGE_1, T0 + 10 * HOUR));
    world.swarming.addBot(HOST_A, aliveBot('a-dead', true));
    world.macService.addLease(managedLease('a-due', HOST_A, IMAGE_1, T0 + 10 * HOUR));
    world.swarming.addBot(HOST_A, aliveBot('a-due'));
    // Host B: leases whose bots cannot be seen, so the simple planner wants them gone.
    world.macService.addLease(managedLease('b-unseen-0', HOST_B, IMAGE_1, T0 + 10 * HOUR));
    world.macService.addLease(managedLease('b-unseen-1', HOST_B, IMAGE_1, T0 + 10 * HOUR));
    world.timeline.failWith = (call) =>
      call.method === 'listBots' && call.target === HOST_B ? unavailable(HOST_B) : undefined;
    return world;
  };

  it('vacates nothing and creates only for listed hosts', async () => {
    const world = setupWithFailedHostB();

    const report = await reconcileOnce(world.deps, world.options);

    expect(world.timeline.callsOf('vacate')).toEqual([]);
    expect(world.timeline.callsOf('renew').map((call) => call.target)).toEqual(['a-due']);
    expect(world.timeline.callsOf('create').every((call) => call.target.startsWith(HOST_A))).toBe(true);
    expect(world.timeline.callsOf('create')).toHaveLength(2);

    expect(report.listingErrors).toHaveLength(1);
    expect(report.listingErrors[0]?.swarmingHost).toBe(HOST_B);
    expect(report.listingErrors[0]?.reason).toContain('UNAVAILABLE');
    const vacates = report.outcomes.filter((outcome) => outcome.action._tag === 'Vacate');
    expect(vacates).toHaveLength(3);
    expect(vacates.every((outcome) => outcome.status === 'skipped' && outcome.skipReason === 'listing-failed')).toBe(true);
    const hostBCreates = report.outcomes.filter(
      (outcome) => outcome.action._tag === 'Create' && outcome.action.swarmingHost === HOST_B,
    );
    expect(hostBCreates).toHaveLength(2);
    expect(hostBCreates.every((outcome) => outcome.skipReason === 'listing-failed')).toBe(true);
    expect(report.reason).toBe(`swarming listing failed for ${HOST_B}, so 3 vacates, 0 drains and 2 creates were not attempted`);
    const line = world.capture.lines.find((entry) => entry['msg'] === 'swarming listing failed');
    expect(line?.['swarmingHost']).toBe(HOST_B);
  });

  it('vacates on listed hosts when told to trust the planner', async () => {
    const world = setupWithFailedHostB();

    const report = await reconcileOnce(world.deps, { ...world.options, vacateOnListedHosts: true });

    expect(world.timeline.callsOf('vacate').map((call) => call.target)).toEqual(['a-dead']);
    const skipped = report.outcomes.filter((outcome) => outcome.skipReason === 'listing-failed');
    expect(skipped.filter((outcome) => outcome.action._tag === 'Vacate')).toHaveLength(2);
  });

  it('treats a listing that threw as failed', async () => {
    const world = setup();
    world.macService.addLease(managedLease('a-dead', HOST_A, IMAGE_1, T0 + 10 * HOUR));
    world.swarming.addBot(HOST_A, aliveBot('a-dead', true));
    const listBots = world.swarming.listBots.bind(world.swarming);
    world.swarming.listBots = (query) =>
      query.swarmingHost === HOST_B ? () => Promise.reject(new Error('socket closed')) : listBots(query);

    const report = await reconcileOnce(world.deps, world.options);

    expect(report.listingErrors[0]?.reason).toContain('socket closed');
    expect(world.timeline.callsOf('vacate')).toEqual([]);
  });
});

describe('reconcileOnce pending creates', () => {
  it('does not create twice while find lags', async () => {
    const world = setup();
    world.macService.findLag = 1;

    const first = await reconcileOnce(world.deps, world.options);
    const second = await reconcileOnce(world.deps, world.options);

    expect(first.summary.created).toBe(5);
    expect(second.pendingLeaseIds).toHaveLength(5);
    expect(second.summary.created).toBe(0);
    expect(world.timeline.callsOf('create')).toHaveLength(5);
    expect(await world.pending.list()).toHaveLength(5);
  });

  it('creates twice while find lags without a shared store', async () => {
    // Shows what the pending store prevents.
    const world = setup();
    world.macService.findLag = 1;
    const { pending: _unused, ...withoutStore } = world.deps;

    await reconcileOnce(withoutStore, world.options);
    await reconcileOnce(withoutStore, world.options);

    expect(world.timeline.callsOf('create')).toHaveLength(10);
  });

  it('forgets a pending create once find lists it', async () => {
    const world = setup();
    world.macService.findLag = 1;
    await reconcileOnce(world.deps, world.options);
    await reconcileOnce(world.deps, world.options);

    const third = await reconcileOnce(world.deps, world.options);

    expect(third.pendingLeaseIds).toEqual([]);
    expect(await world.pending.list()).toEqual([]);
    const forgotten = world.capture.lines.filter((line) => line['msg'] === 'pending create forgotten');
    expect(forgotten).toHaveLength(5);
    expect(forgotten.every((line) => line['reason'] === 'listed')).toBe(true);
    expect(world.timeline.callsOf('create')).toHaveLength(5);
  });

  it('forgets a pending create after its lease expired', async () => {
    const world = setup();
    world.macService.findLag = 1000;
    await reconcileOnce(world.deps, world.options);
    world.clock.advance(24 * HOUR);

    const later = await reconcileOnce(world.deps, world.options);

    expect(later.pendingLeaseIds).toEqual([]);
    const forgotten = world.capture.lines.filter((line) => line['msg'] === 'pending create forgotten');
    expect(forgotten.map((line) => line['reason'])).toEqual(Array(5).fill('expired'));
    // The planner no longer counts the leases, so it creates the pool again.
    expect(later.summary.created).toBe(5);
  });

  it('forgets a pending create after the maximum age', async () => {
    const world = setup();
    world.macService.findLag = 1000;
    await reconcileOnce(world.deps, world.options);
    world.clock.advance(2 * HOUR);

    const later = await reconcileOnce(world.deps, { ...world.options, pendingMaxAge: 2 * HOUR });

    expect(later.pendingLeaseIds).toEqual([]);
    const forgotten = world.capture.lines.filter((line) => line['msg'] === 'pending create forgotten');
    expect(forgotten.map((line) => line['reason'])).toEqual(Array(5).fill('max-age'));
  });

  it('forgets a pending create that was vacated', async () => {
    const world = setup();
    world.macService.findLag = 1000;
    await reconcileOnce(world.deps, world.options);
    // The new leases never connect: after their first hour the simple planner vacates them.
    world.clock.advance(2 * HOUR);

    const later = await reconcileOnce(world.deps, world.options);

    const vacated = later.outcomes.flatMap((outcome) =>
      outcome.status === 'done' && outcome.action._tag === 'Vacate' ? [outcome.action.leaseId] : [],
    );
    const created = later.outcomes.flatMap((outcome) =>
      outcome.status === 'done' && outcome.leaseId !== undefined ? [outcome.leaseId] : [],
    );
    expect(vacated.sort()).toEqual([...later.pendingLeaseIds].sort());
    expect(vacated).toHaveLength(5);
    const remaining = (await world.pending.list()).map((entry) => entry.leaseId);
    expect(remaining.sort()).toEqual(created.sort());
  });

  it('adds pending leases with the project and metadata of the create', async () => {
    const seen: string[][] = [];
    const world = setup((config, snapshot) => {
      seen.push(snapshot.leases.map((lease) => `${lease.leaseId} ${lease.projectName} ${lease.metadata['golang.hostname']}`));
      return simplePlanner(config, snapshot);
    });
    world.macService.findLag = 1;
    const config = testConfig({ a1: 1, a2: 0, b1: 0 });

    await reconcileOnce(world.deps, { config });
    await reconcileOnce(world.deps, { config });

    expect(seen[1]).toEqual([`lease-0001 makemac/${HOST_A} darwin-amd64-14`]);
  });

  it('executes nothing when the pending store cannot be read', async () => {
    const world = setup();
    const broken: PendingCreateStore = {
      list: () => Promise.reject(new Error('disk full')),
      add: () => Promise.resolve(),
      remove: () => Promise.resolve(),
    };

    const report = await reconcileOnce({ ...world.deps, pending: broken }, world.options);

    expect(world.timeline.callsOf('create')).toEqual([]);
    expect(report.reason).toContain('disk full');
  });
});

describe('reconcileOnce secrets', () => {
  it('keeps secret values out of the report and the logs', async () => {
    const world = setup();
    world.macService.addLease(managedLease('dead', HOST_A, IMAGE_1, T0 + HOUR));
    world.swarming.addBot(HOST_A, aliveBot('dead', true));

    const report = await reconcileOnce(world.deps, world.options);

    expect(report.summary.created).toBe(5);
    const sent = world.macService.createRequests.flatMap((request) => request.metadata.map((entry) => entry.value));
    const reportText = JSON.stringify(report);
    const logText = world.capture.text();
    for (const value of Object.values(testSecrets)) {
      expect(sent).toContain(value);
      expect(reportText).not.toContain(value);
      expect(logText).not.toContain(value);
    }
    expect(reportText).toContain('env:B1_KEY');
    expect(JSON.parse(reportText)).toEqual(report);
  });

  it('skips the creates of a group with an unknown scheme, naming the reference', async () => {
    const world = setup();
    const config = testConfig();
    const hostA = config.swarmingHosts[0]!;
    const broken = {
      ...config,
      swarmingHosts: [{ ...hostA, images: [{ ...hostA.images[0]!, key: 'vault:darwin/key' }, hostA.images[1]!] }, config.swarmingHosts[1]!],
    };

    const report = await reconcileOnce(world.deps, { config: broken });

    const skipped = report.outcomes.filter((outcome) => outcome.skipReason === 'secret-unresolved');
    expect(skipped).toHaveLength(2);
    expect(skipped[0]?.detail).toContain('"vault:darwin/key" uses the unknown scheme "vault"');
    expect(report.summary.created).toBe(3);
  });
});

describe('reconcileOnce dry run', () => {
  it('reads but sends no mutating call', async () => {
    const world = setup();
    world.macService.addLease(managedLease('dead', HOST_A, IMAGE_1, T0 + HOUR));
    world.swarming.addBot(HOST_A, aliveBot('dead', true));
    world.macService.addLease(managedLease('due', HOST_A, IMAGE_1, T0 + HOUR));
    world.swarming.addBot(HOST_A, aliveBot('due'));

    const report = await reconcileOnce(world.deps, { ...world.options, dryRun: true });

    expect(world.timeline.calls.map((call) => call.method).sort()).toEqual(['find', 'listBots', 'listBots']);
    expect(report.dryRun).toBe(true);
    expect(report.outcomes.length).toBeGreaterThan(0);
    expect(report.outcomes.every((outcome) => outcome.status === 'planned')).toBe(true);
    expect(report.summary.planned).toBe(report.outcomes.length);
    expect(await world.pending.list()).toEqual([]);
    const summary = world.capture.lines.find((line) => line['msg'] === 'reconcile cycle finished');
    expect(summary?.['dryRun']).toBe(true);
  });
});

describe('reconcileOnce failures', () => {
  it('executes nothing when the planner throws', async () => {
    const world = setup(() => {
      throw new Error('invariant broken');
    });

    const report = await reconcileOnce(world.deps, world.options);

    expect(report.plan).toBeUndefined();
    expect(report.reason).toBe('the planner failed, so nothing was executed: invariant broken');
    expect(world.timeline.callsOf('create', 'renew', 'vacate')).toEqual([]);
  });

  it('starts nothing when aborted before the cycle', async () => {
    const world = setup();
    const controller = new AbortController();
    controller.abort();

    const report = await reconcileOnce(world.deps, { ...world.options, signal: controller.signal });

    expect(world.timeline.calls).toEqual([]);
    expect(report.aborted).toBe(true);
  });

  it('logs one summary line with the counts', async () => {
    const world = setup();
    world.macService.addLease(managedLease('dead', HOST_A, IMAGE_1, T0 + HOUR));
    world.swarming.addBot(HOST_A, aliveBot('dead', true));
    world.timeline.failWith = (call) =>
      call.method === 'create' && call.target === `${HOST_B} ${IMAGE_1}` ? httpError(500, 'internal') : undefined;

    const report = await reconcileOnce(world.deps, world.options);

    const summaries = world.capture.lines.filter((line) => line['msg'] === 'reconcile cycle finished');
    expect(summaries).toHaveLength(1);
    // The first create for host B fails, so the host's second create is not sent this cycle.
    expect(summaries[0]).toMatchObject({ vacated: 1, drained: 0, renewed: 0, created: 3, failed: 1, skipped: 1, dryRun: false });
    expect(report.summary).toEqual({
      actions: 6,
      vacated: 1,
      drained: 0,
      renewed: 0,
      created: 3,
      failed: 1,
      skipped: 1,
      planned: 0,
    });
    const failed = world.capture.lines.filter((line) => line['msg'] === 'lease create failed');
    expect(failed).toHaveLength(1);
    const skipped = world.capture.lines.find((line) => line['msg'] === 'action skipped');
    expect(skipped).toMatchObject({ action: 'create', swarmingHost: HOST_B, skipReason: 'create-batch-failed', level: 40 });
    expect(failed[0]).toMatchObject({ action: 'create', swarmingHost: HOST_B, image: IMAGE_1, level: 50 });
    expect(failed[0]?.['error']).toContain('HTTP 500');
    const vacated = world.capture.lines.find((line) => line['msg'] === 'lease vacated');
    expect(vacated).toMatchObject({ action: 'vacate', leaseId: 'dead', swarmingHost: HOST_A, reason: 'bot-dead' });
  });
});
