/**
 * Race tests with fast-check's scheduler: every port call and the abort are
 * released in an order fast-check chooses, and the properties must hold for
 * every order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createMemoryPendingStore, createSecretResolver, reconcileOnce } from '../src/index.js';
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
  simplePlanner,
  testConfig,
  testSecrets,
  Timeline,
} from './fakes.js';

const T0 = Date.UTC(2026, 0, 1);

/** Builds a pool with dead bots to vacate, leases due for renewal, and missing leases to create. */
const buildWorld = () => {
  const timeline = new Timeline();
  const clock = new FakeClock(T0);
  const macService = new FakeMacService(timeline, clock.now);
  const swarming = new FakeSwarming(timeline);
  const leases: [string, string, string, boolean][] = [
    ['a1-dead', HOST_A, IMAGE_1, true],
    ['a1-due', HOST_A, IMAGE_1, false],
    ['a2-dead', HOST_A, IMAGE_2, true],
    ['b1-dead', HOST_B, IMAGE_1, true],
    ['b1-due', HOST_B, IMAGE_1, false],
  ];
  for (const [leaseId, host, image, dead] of leases) {
    macService.addLease(managedLease(leaseId, host, image, T0 + 10 * HOUR));
    swarming.addBot(host, aliveBot(leaseId, dead));
  }
  return { timeline, macService, swarming, clock };
};

describe('reconcileOnce races', () => {
  it('never starts an action after abort and records every action once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 4 }), async (s, concurrency) => {
        const world = buildWorld();
        const controller = new AbortController();
        let abortTick: number | undefined;
        world.timeline.delay = (call) => s.schedule(Promise.resolve(), `${call.method} ${call.target}`);
        void s.schedule(Promise.resolve(), 'abort').then(() => {
          abortTick = world.timeline.tick;
          controller.abort();
        });

        const report = await s.waitFor(
          reconcileOnce(
            {
              macService: world.macService,
              swarming: world.swarming,
              resolveSecret: createSecretResolver({ env: testSecrets }),
              now: () => T0,
              logger: captureLogger().logger,
              pending: createMemoryPendingStore(),
              planner: simplePlanner,
            },
            { config: testConfig(), concurrency, signal: controller.signal },
          ),
        );

        const mutating = world.timeline.callsOf('vacate', 'renew', 'create');
        // Every call that started also finished.
        expect(world.timeline.calls.every((call) => call.endTick !== undefined)).toBe(true);
        // No mutating call started after the abort.
        if (abortTick !== undefined) {
          expect(mutating.every((call) => call.startTick < (abortTick as number))).toBe(true);
        }
        // No create started before every vacate finished.
        const vacates = world.timeline.callsOf('vacate');
        const creates = world.timeline.callsOf('create');
        if (creates.length > 0) {
          const lastVacateEnd = Math.max(-1, ...vacates.map((call) => call.endTick ?? Infinity));
          expect(lastVacateEnd).toBeLessThan(Math.min(...creates.map((call) => call.startTick)));
        }
        // Each planned action has exactly one final outcome, and only started actions are done.
        expect(report.plan).toBeDefined();
        expect(report.outcomes).toHaveLength(report.plan?.actions.length ?? -1);
        expect(report.outcomes.map((outcome) => outcome.action)).toEqual(report.plan?.actions);
        const done = report.outcomes.filter((outcome) => outcome.status === 'done').length;
        expect(done).toBe(mutating.length);
        const skipped = report.outcomes.filter((outcome) => outcome.status === 'skipped');
        expect(skipped.every((outcome) => outcome.skipReason === 'shutting-down')).toBe(true);
        expect(report.aborted).toBe(abortTick !== undefined);
        if (abortTick === undefined) {
          expect(skipped).toEqual([]);
        }
        expect(world.timeline.inFlight).toBe(0);
        expect(world.timeline.maxInFlight).toBeLessThanOrEqual(concurrency);
      }),
    );
  });
});
