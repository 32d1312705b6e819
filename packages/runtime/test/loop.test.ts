/**
 * Tests of the reconcile loop: one cycle, periodic cycles with an injected
 * sleep, shutdown in the middle of a cycle, and invalid options.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createSecretResolver, runLoop, sleepUnlessAborted, type CycleReport, type LoopDeps } from '../src/index.js';
import {
  aliveBot,
  captureLogger,
  FakeClock,
  FakeMacService,
  FakeSwarming,
  HOST_A,
  HOUR,
  IMAGE_1,
  managedLease,
  simplePlanner,
  testConfig,
  testSecrets,
  Timeline,
} from './fakes.js';

const T0 = Date.UTC(2026, 0, 1);
const PERIOD = HOUR;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const setup = () => {
  const timeline = new Timeline();
  const clock = new FakeClock(T0);
  const macService = new FakeMacService(timeline, clock.now);
  const swarming = new FakeSwarming(timeline);
  const capture = captureLogger();
  const controller = new AbortController();
  const sleeps: number[] = [];
  // Every new VM boots and connects its bot to the host named in its project.
  macService.onCreate = (lease) => swarming.addBot(lease.projectName.split('/')[1] ?? '', aliveBot(lease.leaseId));
  const deps: LoopDeps = {
    macService,
    swarming,
    resolveSecret: createSecretResolver({ env: testSecrets }),
    now: clock.now,
    logger: capture.logger,
    planner: simplePlanner,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  };
  return { timeline, clock, macService, swarming, capture, controller, sleeps, deps, config: testConfig() };
};

describe('runLoop', () => {
  it('runs one cycle with once', async () => {
    const world = setup();

    const result = await runLoop(world.deps, { config: world.config, once: true });

    expect(result.cycles).toBe(1);
    expect(result.lastReport?.summary.created).toBe(5);
    expect(world.sleeps).toEqual([]);
    expect(world.timeline.callsOf('find')).toHaveLength(1);
  });

  it('runs a cycle every period until aborted', async () => {
    const world = setup();
    const reports: CycleReport[] = [];
    const sleep = world.deps.sleep!;
    const deps: LoopDeps = {
      ...world.deps,
      sleep: async (ms, signal) => {
        await sleep(ms, signal);
        if (world.sleeps.length === 3) {
          world.controller.abort();
        }
      },
    };

    const result = await runLoop(deps, {
      config: world.config,
      periodMs: PERIOD,
      signal: world.controller.signal,
      onCycle: (report) => reports.push(report),
    });

    expect(result.cycles).toBe(3);
    expect(world.sleeps).toEqual([PERIOD, PERIOD, PERIOD]);
    expect(world.timeline.callsOf('find')).toHaveLength(3);
    expect(reports.map((report) => report.startedAt)).toEqual([T0, T0 + PERIOD, T0 + 2 * PERIOD]);
    expect(result.lastReport).toBe(reports[2]);
    // The pool was created in the first cycle; later cycles only keep it.
    expect(reports.map((report) => report.summary.created)).toEqual([5, 0, 0]);
  });

  it('counts the period from the start of each cycle', async () => {
    const world = setup();
    world.timeline.delay = async (call) => {
      if (call.method === 'find') {
        world.clock.advance(10 * 60 * 1000);
      }
    };
    const sleep = world.deps.sleep!;
    const deps: LoopDeps = {
      ...world.deps,
      sleep: async (ms, signal) => {
        await sleep(ms, signal);
        world.controller.abort();
      },
    };

    await runLoop(deps, { config: world.config, periodMs: PERIOD, signal: world.controller.signal });

    expect(world.sleeps).toEqual([PERIOD - 10 * 60 * 1000]);
  });

  it('starts the next cycle at once after a cycle longer than the period', async () => {
    const world = setup();
    world.timeline.delay = async (call) => {
      if (call.method === 'find') {
        world.clock.advance(2 * PERIOD);
      }
    };
    const sleep = world.deps.sleep!;
    const deps: LoopDeps = {
      ...world.deps,
      sleep: async (ms, signal) => {
        await sleep(ms, signal);
        world.controller.abort();
      },
    };

    await runLoop(deps, { config: world.config, periodMs: PERIOD, signal: world.controller.signal });

    expect(world.sleeps).toEqual([0]);
  });

  it('keeps pending creates across cycles without an injected store', async () => {
    const world = setup();
    world.macService.findLag = 1;
    const sleep = world.deps.sleep!;
    const deps: LoopDeps = {
      ...world.deps,
      sleep: async (ms, signal) => {
        await sleep(ms, signal);
        if (world.sleeps.length === 2) {
          world.controller.abort();
        }
      },
    };

    const result = await runLoop(deps, { config: world.config, periodMs: PERIOD, signal: world.controller.signal });

    expect(result.cycles).toBe(2);
    expect(world.timeline.callsOf('create')).toHaveLength(5);
  });

  it('lets calls in flight finish and starts nothing after abort', async () => {
    const world = setup();
    for (let i = 0; i < 6; i++) {
      world.macService.addLease(managedLease(`dead-${i}`, HOST_A, IMAGE_1, T0 + HOUR));
      world.swarming.addBot(HOST_A, aliveBot(`dead-${i}`, true));
    }
    let abortTick: number | undefined;
    world.timeline.delay = async (call) => {
      if (call.method === 'vacate' && call.target === 'dead-2') {
        world.controller.abort();
        abortTick = world.timeline.tick;
      }
      await pause(2);
    };

    const result = await runLoop(world.deps, {
      config: world.config,
      periodMs: PERIOD,
      concurrency: 2,
      signal: world.controller.signal,
    });

    expect(result.cycles).toBe(1);
    expect(world.sleeps).toEqual([]);
    expect(abortTick).toBeDefined();
    const started = world.timeline.callsOf('vacate', 'renew', 'create');
    expect(started.every((call) => call.startTick < (abortTick ?? 0))).toBe(true);
    expect(started.every((call) => call.endTick !== undefined)).toBe(true);
    expect(world.timeline.callsOf('create')).toEqual([]);
    const report = result.lastReport!;
    expect(report.aborted).toBe(true);
    expect(report.summary.vacated).toBe(started.length);
    expect(report.summary.skipped).toBe(report.outcomes.length - started.length);
    expect(report.reason).toContain('shutting down');
    expect(world.capture.lines.at(-1)?.['msg']).toBe('reconcile loop stopped');
  });

  it('logs a crashed cycle and goes on', async () => {
    const world = setup();
    const sleep = world.deps.sleep!;
    const deps: LoopDeps = {
      ...world.deps,
      sleep: async (ms, signal) => {
        await sleep(ms, signal);
        if (world.sleeps.length === 2) {
          world.controller.abort();
        }
      },
    };

    const result = await runLoop(deps, {
      config: world.config,
      periodMs: PERIOD,
      signal: world.controller.signal,
      onCycle: () => {
        throw new Error('report sink closed');
      },
    });

    expect(result.cycles).toBe(2);
    const crashes = world.capture.lines.filter((line) => line['msg'] === 'reconcile cycle crashed');
    expect(crashes.map((line) => line['error'])).toEqual(['report sink closed', 'report sink closed']);
  });

  it('rethrows a crashed cycle with once', async () => {
    const world = setup();

    await expect(
      runLoop(world.deps, {
        config: world.config,
        once: true,
        onCycle: () => {
          throw new Error('report sink closed');
        },
      }),
    ).rejects.toThrow('report sink closed');
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('rejects periodMs %s before any call', async (periodMs) => {
    const world = setup();

    await expect(runLoop(world.deps, { config: world.config, periodMs })).rejects.toThrow(
      /periodMs must be a positive number of milliseconds/,
    );
    expect(world.timeline.calls).toEqual([]);
  });

  it('runs no cycle when aborted before the start', async () => {
    const world = setup();
    world.controller.abort();

    const result = await runLoop(world.deps, { config: world.config, periodMs: PERIOD, signal: world.controller.signal });

    expect(result).toEqual({ cycles: 0, lastReport: undefined });
    expect(world.timeline.calls).toEqual([]);
  });
});

describe('sleepUnlessAborted', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits for the timer', async () => {
    vi.useFakeTimers();
    let done = false;

    const sleeping = sleepUnlessAborted(1000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await sleeping;

    expect(done).toBe(true);
  });

  it('ends early and clears its timer on abort', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();

    const sleeping = sleepUnlessAborted(HOUR, controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    await sleeping;

    expect(vi.getTimerCount()).toBe(0);
  });

  it('returns at once when already aborted', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    controller.abort();

    await sleepUnlessAborted(HOUR, controller.signal);

    expect(vi.getTimerCount()).toBe(0);
  });
});
