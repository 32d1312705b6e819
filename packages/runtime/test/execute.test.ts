/**
 * Tests of the executor: ordering, bounded concurrency, failure isolation,
 * drains, create pacing, the quota stop, secret resolution per group, dry
 * run and shutdown. Plans
 * are built directly, so these tests do not depend on the planner.
 */
import { type Action, type PortError } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import {
  createBatchSizes,
  createSecretCache,
  createSecretResolver,
  drainReasonText,
  executeActions,
  isQuotaError,
  type SecretResolver,
} from '../src/index.js';
import {
  captureLogger,
  aliveBot,
  createAction,
  drainAction,
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
  renewAction,
  testConfig,
  testSecrets,
  Timeline,
  vacateAction,
} from './fakes.js';

const T0 = Date.UTC(2026, 0, 1);
const config = testConfig();

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates a resolver over {@link testSecrets} that records each reference it resolves. */
const countingResolver = (env: Record<string, string> = testSecrets): { resolve: SecretResolver; calls: string[] } => {
  const calls: string[] = [];
  const inner = createSecretResolver({ env });
  return {
    calls,
    resolve: (reference) => {
      calls.push(reference);
      return inner(reference);
    },
  };
};

const setup = (env: Record<string, string> = testSecrets) => {
  const timeline = new Timeline();
  const clock = new FakeClock(T0);
  const macService = new FakeMacService(timeline, clock.now);
  const swarming = new FakeSwarming(timeline);
  const capture = captureLogger();
  const resolver = countingResolver(env);
  const run = (actions: readonly Action[], options: Parameters<typeof executeActions>[2] = {}) =>
    executeActions(
      actions,
      { macService, swarming, secrets: createSecretCache(resolver.resolve), logger: capture.logger },
      options,
    );
  return { timeline, clock, macService, swarming, capture, resolver, run };
};

const creates = (count: number, swarmingHost: string, image: string): Action[] =>
  Array.from({ length: count }, () => createAction(config, swarmingHost, image));

describe('executeActions ordering', () => {
  it('finishes every vacate before the first create starts', async () => {
    const world = setup();
    for (const id of ['v1', 'v2', 'v3', 'r1', 'r2']) {
      world.macService.addLease(managedLease(id, HOST_A, IMAGE_1, T0 + HOUR));
    }
    // Vacates take longer than the rest, so a create that did not wait would start first.
    world.timeline.delay = (call) => pause(call.method === 'vacate' ? 15 : 1);
    const actions = [
      vacateAction('v1'),
      vacateAction('v2'),
      vacateAction('v3'),
      renewAction('r1', T0 + HOUR),
      renewAction('r2', T0 + HOUR),
      ...creates(3, HOST_A, IMAGE_1),
    ];

    const outcomes = await world.run(actions);

    const vacates = world.timeline.callsOf('vacate');
    const createCalls = world.timeline.callsOf('create');
    const renews = world.timeline.callsOf('renew');
    expect(vacates).toHaveLength(3);
    expect(createCalls).toHaveLength(3);
    const lastVacateEnd = Math.max(...vacates.map((call) => call.endTick ?? Infinity));
    const firstCreateStart = Math.min(...createCalls.map((call) => call.startTick));
    expect(lastVacateEnd).toBeLessThan(firstCreateStart);
    // Renews do not wait for the vacates.
    expect(Math.min(...renews.map((call) => call.startTick))).toBeLessThan(lastVacateEnd);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(8).fill('done'));
  });

  it('returns outcomes in the order of the actions', async () => {
    const world = setup();
    world.macService.addLease(managedLease('v1', HOST_A, IMAGE_1, T0 + HOUR));
    world.macService.addLease(managedLease('r1', HOST_A, IMAGE_1, T0 + HOUR));
    const actions = [createAction(config, HOST_B, IMAGE_1), renewAction('r1', T0 + HOUR), vacateAction('v1')];

    const outcomes = await world.run(actions);

    expect(outcomes.map((outcome) => outcome.action)).toEqual(actions);
  });
});

describe('executeActions concurrency', () => {
  it('keeps at most the given number of calls in flight and reaches it', async () => {
    const world = setup();
    const actions: Action[] = [];
    for (let i = 0; i < 20; i++) {
      world.macService.addLease(managedLease(`v${i}`, HOST_A, IMAGE_1, T0 + HOUR));
      actions.push(vacateAction(`v${i}`));
    }
    world.timeline.delay = () => pause(2);

    await world.run(actions, { concurrency: 3 });

    expect(world.timeline.callsOf('vacate')).toHaveLength(20);
    expect(world.timeline.maxInFlight).toBe(3);
  });

  it('runs one call at a time with concurrency 1', async () => {
    const world = setup();
    world.timeline.delay = () => pause(1);

    await world.run([...creates(3, HOST_A, IMAGE_1), ...creates(2, HOST_B, IMAGE_1)], { concurrency: 1 });

    expect(world.timeline.callsOf('create')).toHaveLength(5);
    expect(world.timeline.maxInFlight).toBe(1);
  });

  it('defaults to 8 calls in flight', async () => {
    const world = setup();
    const actions: Action[] = [];
    for (let i = 0; i < 30; i++) {
      actions.push(renewAction(`r${i}`, T0 + HOUR));
      world.macService.addLease(managedLease(`r${i}`, HOST_A, IMAGE_1, T0 + HOUR));
    }
    world.timeline.delay = () => pause(2);

    await world.run(actions);

    expect(world.timeline.maxInFlight).toBe(8);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects concurrency %s', async (concurrency) => {
    const world = setup();

    await expect(world.run([], { concurrency })).rejects.toThrow(/concurrency must be a whole number of at least 1/);
  });
});

describe('executeActions failures', () => {
  it('keeps going after one action fails', async () => {
    const world = setup();
    for (const id of ['v1', 'v2', 'v3']) {
      world.macService.addLease(managedLease(id, HOST_A, IMAGE_1, T0 + HOUR));
    }
    const failure = httpError(500, 'internal error');
    world.timeline.failWith = (call) => (call.method === 'vacate' && call.target === 'v2' ? failure : undefined);

    const outcomes = await world.run([vacateAction('v1'), vacateAction('v2'), vacateAction('v3'), ...creates(1, HOST_A, IMAGE_1)]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['done', 'failed', 'done', 'done']);
    expect(outcomes[1]?.error).toEqual(failure);
    expect(outcomes[1]?.detail).toContain('HTTP 500');
    expect(world.macService.leases.has('v2')).toBe(true);
    expect(world.macService.leases.has('v1')).toBe(false);
  });

  it('records a port that throws as a failed action', async () => {
    const world = setup();
    world.macService.vacate = () => () => Promise.reject(new Error('adapter bug'));

    const outcomes = await world.run([vacateAction('v1'), ...creates(1, HOST_A, IMAGE_1)]);

    expect(outcomes[0]?.status).toBe('failed');
    expect(outcomes[0]?.detail).toContain('adapter bug');
    expect(outcomes[1]?.status).toBe('done');
  });

  it('reports the new expiry of a renewed lease', async () => {
    const world = setup();
    world.macService.addLease(managedLease('r1', HOST_A, IMAGE_1, T0 + HOUR));

    const [outcome] = await world.run([renewAction('r1', T0 + HOUR)]);

    expect(outcome?.status).toBe('done');
    expect(outcome?.expires).toBe(T0 + 23 * HOUR);
    expect(world.macService.leases.get('r1')?.expires).toBe(T0 + 23 * HOUR);
  });
});

describe('executeActions quota stop', () => {
  it('stops a host after HTTP 429', async () => {
    const world = setup();
    world.timeline.failWith = (call) =>
      call.method === 'create' && call.target === `${HOST_A} ${IMAGE_1}` ? httpError(429, 'Too Many Requests') : undefined;

    const outcomes = await world.run([...creates(4, HOST_A, IMAGE_1), ...creates(2, HOST_B, IMAGE_1), ...creates(1, HOST_A, IMAGE_2)]);

    expect(world.timeline.callsOf('create').filter((call) => call.target.startsWith(HOST_A))).toHaveLength(1);
    expect(outcomes.slice(0, 4).map((outcome) => outcome.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped']);
    for (const outcome of outcomes.slice(1, 4)) {
      expect(outcome.skipReason).toBe('quota-exhausted');
      expect(outcome.detail).toContain('HTTP 429');
    }
    expect(outcomes.slice(4, 6).map((outcome) => outcome.status)).toEqual(['done', 'done']);
    // The other image of host A is stopped by the failed batch, not by the quota of image 1.
    expect(outcomes[6]?.status).toBe('skipped');
    expect(outcomes[6]?.skipReason).toBe('create-batch-failed');
  });

  it('stops a group at a later quota error', async () => {
    const world = setup();
    let creates_ = 0;
    world.timeline.failWith = (call) => {
      if (call.method !== 'create') {
        return undefined;
      }
      creates_ += 1;
      return creates_ === 2 ? httpError(403, '{"error":{"status":"RESOURCE_EXHAUSTED","message":"Quota exceeded"}}') : undefined;
    };

    const outcomes = await world.run(creates(5, HOST_A, IMAGE_1), { concurrency: 1 });

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['done', 'failed', 'skipped', 'skipped', 'skipped']);
    expect(world.timeline.callsOf('create')).toHaveLength(2);
  });

  it('stops a host after an error that is not a quota', async () => {
    const world = setup();
    world.timeline.failWith = (call) =>
      call.method === 'create' && call.startTick === 0 ? httpError(500, 'backend error') : undefined;

    const outcomes = await world.run(creates(3, HOST_A, IMAGE_1));

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'skipped', 'skipped']);
    expect(outcomes[1]?.skipReason).toBe('create-batch-failed');
    expect(outcomes[2]?.skipReason).toBe('create-batch-failed');
    expect(outcomes[1]?.detail).toContain('HTTP 500');
    expect(world.timeline.callsOf('create')).toHaveLength(1);
  });

  it.each<[string, PortError, boolean]>([
    ['HTTP 429', httpError(429, ''), true],
    ['HTTP 403 with quota', httpError(403, 'Quota exceeded for quota metric'), true],
    ['HTTP 400 RESOURCE_EXHAUSTED', httpError(400, 'status: RESOURCE_EXHAUSTED'), true],
    ['HTTP 503 rate limit', httpError(503, 'rate limit reached'), true],
    ['HTTP 500', httpError(500, 'internal'), false],
    ['HTTP 403 permission', httpError(403, 'permission denied'), false],
    [
      'gRPC RESOURCE_EXHAUSTED',
      { _tag: 'RpcError', url: 'u', code: 8, codeName: 'RESOURCE_EXHAUSTED', httpStatus: 429, message: '', retryable: true },
      true,
    ],
    ['timeout', { _tag: 'TransportError', kind: 'timeout', url: 'u', message: 'timed out', notSent: false }, false],
  ])('classifies %s', (_name, error, quota) => {
    expect(isQuotaError(error)).toBe(quota);
  });
});

describe('executeActions secrets', () => {
  it('resolves each group once per cycle', async () => {
    const world = setup();

    const outcomes = await world.run([...creates(3, HOST_A, IMAGE_1), ...creates(2, HOST_A, IMAGE_2), ...creates(1, HOST_B, IMAGE_1)]);

    expect(outcomes.every((outcome) => outcome.status === 'done')).toBe(true);
    expect([...world.resolver.calls].sort()).toEqual(
      ['env:A1_CERT', 'env:A1_KEY', 'env:A2_CERT', 'env:A2_KEY', 'env:B1_CERT', 'env:B1_KEY'].sort(),
    );
  });

  it('resolves nothing when there is no create', async () => {
    const world = setup();
    world.macService.addLease(managedLease('r1', HOST_A, IMAGE_1, T0 + HOUR));

    await world.run([renewAction('r1', T0 + HOUR), vacateAction('v1')]);

    expect(world.resolver.calls).toEqual([]);
  });

  it('skips the creates of a group whose secret is missing', async () => {
    const { A2_KEY: _missing, ...env } = testSecrets;
    const world = setup(env);

    const outcomes = await world.run([...creates(2, HOST_A, IMAGE_2), ...creates(1, HOST_A, IMAGE_1)]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['skipped', 'skipped', 'done']);
    for (const outcome of outcomes.slice(0, 2)) {
      expect(outcome.skipReason).toBe('secret-unresolved');
      expect(outcome.detail).toContain('env:A2_KEY');
      expect(outcome.detail).toContain('environment variable A2_KEY is not set');
    }
    expect(world.timeline.callsOf('create').map((call) => call.target)).toEqual([`${HOST_A} ${IMAGE_1}`]);
    expect(world.resolver.calls.filter((reference) => reference === 'env:A2_KEY')).toHaveLength(1);
  });

  it('sends the values to the port and keeps them out of outcomes and logs', async () => {
    const world = setup();

    const outcomes = await world.run([...creates(1, HOST_A, IMAGE_1), ...creates(1, HOST_B, IMAGE_1)]);

    const sent = world.macService.createRequests.flatMap((request) => request.metadata.map((entry) => entry.value));
    expect(sent).toContain(testSecrets['A1_CERT']);
    expect(sent).toContain(testSecrets['B1_KEY']);
    const reportText = JSON.stringify(outcomes);
    const logText = world.capture.text();
    for (const value of Object.values(testSecrets)) {
      expect(reportText).not.toContain(value);
      expect(logText).not.toContain(value);
    }
    expect(reportText).toContain('env:A1_CERT');
  });

  it('redacts a secret that a server echoes in an error', async () => {
    const world = setup();
    const cert = testSecrets['A1_CERT'] as string;
    world.timeline.failWith = (call) =>
      call.method === 'create' ? httpError(400, `invalid metadata value ${cert}`) : undefined;

    const [outcome] = await world.run(creates(1, HOST_A, IMAGE_1));

    expect(outcome?.status).toBe('failed');
    expect(outcome?.error?._tag === 'HttpError' && outcome.error.bodyExcerpt).toBe('invalid metadata value [redacted]');
    expect(JSON.stringify(outcome)).not.toContain(cert);
    expect(world.capture.text()).not.toContain(cert);
  });
});

describe('executeActions dry run', () => {
  it('sends no call and marks every action planned', async () => {
    const world = setup();
    const actions = [vacateAction('v1'), renewAction('r1', T0 + HOUR), ...creates(2, HOST_A, IMAGE_1)];

    const outcomes = await world.run(actions, { dryRun: true });

    expect(world.timeline.calls).toEqual([]);
    expect(world.resolver.calls).toEqual([]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['planned', 'planned', 'planned', 'planned']);
    expect(outcomes[0]?.detail).toBe('dry run: would vacate lease v1 (bot-dead)');
    expect(world.capture.lines.filter((line) => line['msg'] === 'action planned (dry run)')).toHaveLength(4);
  });
});

describe('executeActions shutdown', () => {
  it('finishes the call in flight and starts nothing after abort', async () => {
    const world = setup();
    const controller = new AbortController();
    const actions: Action[] = [];
    for (let i = 0; i < 5; i++) {
      world.macService.addLease(managedLease(`v${i}`, HOST_A, IMAGE_1, T0 + HOUR));
      actions.push(vacateAction(`v${i}`));
    }
    actions.push(...creates(2, HOST_A, IMAGE_1));
    world.timeline.delay = async (call) => {
      if (call.target === 'v1') {
        controller.abort();
      }
      await pause(1);
    };

    const outcomes = await world.run(actions, { concurrency: 1, signal: controller.signal });

    expect(world.timeline.calls.map((call) => call.target)).toEqual(['v0', 'v1']);
    expect(world.timeline.calls.every((call) => call.endTick !== undefined)).toBe(true);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['done', 'done', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(outcomes.slice(2).every((outcome) => outcome.skipReason === 'shutting-down')).toBe(true);
    expect(world.macService.leases.has('v1')).toBe(false);
  });
});

describe('createSecretCache', () => {
  it('shares one resolution between concurrent requests of a group', async () => {
    const calls: string[] = [];
    const cache = createSecretCache(async (reference) => {
      calls.push(reference);
      await pause(1);
      return E.right(`value of ${reference}`);
    });
    const request = createAction(config, HOST_A, IMAGE_1);
    if (request._tag !== 'Create') {
      throw new Error('expected a create');
    }

    const [first, second] = await Promise.all([
      cache.resolve(HOST_A, request.request),
      cache.resolve(HOST_A, request.request),
    ]);

    expect(calls).toEqual(['env:A1_CERT', 'env:A1_KEY']);
    expect(first).toBe(second);
    expect(cache.values()).toEqual(['value of env:A1_CERT', 'value of env:A1_KEY']);
  });
});

describe('executeActions drains', () => {
  it('sends TerminateBot with the bot, host and reason', async () => {
    const world = setup();
    const action = drainAction('busy', HOST_B, IMAGE_2);

    const [outcome] = await world.run([action]);

    expect(world.swarming.terminated).toEqual([
      { swarmingHost: HOST_B, botId: aliveBot('busy').botId, reason: drainReasonText(action as Extract<Action, { _tag: 'Drain' }>) },
    ]);
    expect(world.swarming.terminated[0]?.reason).toContain('lease busy');
    expect(world.swarming.terminated[0]?.reason).toContain('image-obsolete');
    expect(outcome?.status).toBe('done');
    expect(outcome?.detail).toContain(aliveBot('busy').botId);
    const line = world.capture.lines.find((entry) => entry['msg'] === 'bot drain requested');
    expect(line).toMatchObject({
      action: 'drain',
      leaseId: 'busy',
      botId: aliveBot('busy').botId,
      swarmingHost: HOST_B,
      image: IMAGE_2,
      reason: 'image-obsolete',
      level: 30,
    });
  });

  it('finishes every drain before the first create starts', async () => {
    const world = setup();
    world.timeline.delay = (call) => pause(call.method === 'terminateBot' ? 15 : 1);

    const outcomes = await world.run([drainAction('d1'), drainAction('d2'), ...creates(2, HOST_A, IMAGE_1)]);

    const drains = world.timeline.callsOf('terminateBot');
    const createCalls = world.timeline.callsOf('create');
    expect(drains).toHaveLength(2);
    expect(createCalls).toHaveLength(2);
    const lastDrainEnd = Math.max(...drains.map((call) => call.endTick ?? Infinity));
    expect(lastDrainEnd).toBeLessThan(Math.min(...createCalls.map((call) => call.startTick)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['done', 'done', 'done', 'done']);
  });

  it('records a failed TerminateBot and goes on', async () => {
    const world = setup();
    world.timeline.failWith = (call) =>
      call.method === 'terminateBot' && call.target === aliveBot('d1').botId
        ? { _tag: 'RpcError', url: 'u', code: 5, codeName: 'NOT_FOUND', httpStatus: 404, message: 'no such bot', retryable: false }
        : undefined;

    const outcomes = await world.run([drainAction('d1'), drainAction('d2')]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'done']);
    expect(outcomes[0]?.detail).toContain('NOT_FOUND');
    const line = world.capture.lines.find((entry) => entry['msg'] === 'bot drain failed');
    expect(line).toMatchObject({ action: 'drain', leaseId: 'd1', botId: aliveBot('d1').botId, level: 50 });
  });

  it('sends nothing in a dry run', async () => {
    const world = setup();

    const outcomes = await world.run([drainAction('d1')], { dryRun: true });

    expect(world.timeline.calls).toEqual([]);
    expect(outcomes[0]?.status).toBe('planned');
    expect(outcomes[0]?.detail).toBe(`dry run: would drain bot ${aliveBot('d1').botId} of lease d1 (image-obsolete)`);
  });
});

/** Splits the create calls into batches: a call joins the current batch when it started before the batch's first call ended. */
const observedBatches = (calls: readonly { startTick: number; endTick?: number }[]): number[] => {
  const sizes: number[] = [];
  let batchEnd = -1;
  for (const call of [...calls].sort((a, b) => a.startTick - b.startTick)) {
    if (call.startTick < batchEnd) {
      sizes[sizes.length - 1] = (sizes.at(-1) ?? 0) + 1;
      batchEnd = Math.max(batchEnd, call.endTick ?? Infinity);
    } else {
      sizes.push(1);
      batchEnd = call.endTick ?? Infinity;
    }
  }
  return sizes;
};

describe('executeActions create pacing', () => {
  it.each<[number, number, number[]]>([
    [12, 4, [1, 2, 4, 4, 1]],
    [20, 8, [1, 2, 4, 8, 5]],
    [7, 8, [1, 2, 4]],
    [3, 1, [1, 1, 1]],
    [1, 8, [1]],
    [0, 8, []],
  ])('splits %i creates at concurrency %i', (total, concurrency, sizes) => {
    expect(createBatchSizes(total, concurrency)).toEqual(sizes);
  });

  it('runs a host in growing batches, each after the last', async () => {
    const world = setup();
    world.timeline.delay = () => pause(2);

    const outcomes = await world.run(creates(12, HOST_A, IMAGE_1), { concurrency: 4 });

    expect(outcomes.every((outcome) => outcome.status === 'done')).toBe(true);
    expect(observedBatches(world.timeline.callsOf('create'))).toEqual([1, 2, 4, 4, 1]);
    expect(world.timeline.maxInFlight).toBe(4);
  });

  it('paces each swarming host on its own', async () => {
    const world = setup();
    world.timeline.delay = () => pause(2);

    await world.run([...creates(3, HOST_A, IMAGE_1), ...creates(3, HOST_B, IMAGE_1)], { concurrency: 8 });

    const calls = world.timeline.callsOf('create');
    expect(observedBatches(calls.filter((call) => call.target.startsWith(HOST_A)))).toEqual([1, 2]);
    expect(observedBatches(calls.filter((call) => call.target.startsWith(HOST_B)))).toEqual([1, 2]);
    // Both hosts' first creates run at the same time.
    expect(world.timeline.maxInFlight).toBeGreaterThanOrEqual(2);
  });

  it('stops a host at a failure in a later batch', async () => {
    const world = setup();
    world.timeline.delay = () => pause(1);
    let count = 0;
    world.timeline.failWith = (call) => {
      if (call.method !== 'create') {
        return undefined;
      }
      count += 1;
      return count === 3 ? httpError(500, 'backend error') : undefined;
    };

    const outcomes = await world.run(creates(10, HOST_A, IMAGE_1), { concurrency: 8 });

    // Batches 1 and 2 ran; the third create failed, so the batch of four never started.
    expect(world.timeline.callsOf('create')).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome.status === 'done')).toHaveLength(2);
    expect(outcomes.filter((outcome) => outcome.status === 'failed')).toHaveLength(1);
    const skipped = outcomes.filter((outcome) => outcome.status === 'skipped');
    expect(skipped).toHaveLength(7);
    expect(skipped.every((outcome) => outcome.skipReason === 'create-batch-failed')).toBe(true);
  });
});
