/**
 * Properties of the fleet model under arbitrary sequences of create, renew,
 * vacate, advance, kill, terminate and busy operations. The live leases match
 * a simple model and none is past its expiry. Every live bot has a lease, ids
 * are unique, and history runs forward in time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { Fleet, VirtualClock, type FleetOptions } from '../src/index.js';

const HOUR = 3_600_000;
const HOSTS = ['chromium-swarm.appspot.com', 'chrome-swarming.appspot.com'];
const START = Date.UTC(2025, 0, 1);

type Operation =
  | { readonly _tag: 'Create'; readonly host: number; readonly duration: number }
  | { readonly _tag: 'Renew'; readonly lease: number; readonly duration: number }
  | { readonly _tag: 'Vacate'; readonly lease: number }
  | { readonly _tag: 'Advance'; readonly duration: number }
  | { readonly _tag: 'Kill'; readonly bot: number }
  | { readonly _tag: 'Terminate'; readonly bot: number }
  | { readonly _tag: 'Busy'; readonly bot: number; readonly duration: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ _tag: fc.constant('Create' as const), host: fc.nat(1), duration: fc.integer({ min: 1, max: 30 * HOUR }) }),
  fc.record({ _tag: fc.constant('Renew' as const), lease: fc.nat(50), duration: fc.integer({ min: -HOUR, max: 30 * HOUR }) }),
  fc.record({ _tag: fc.constant('Vacate' as const), lease: fc.nat(50) }),
  fc.record({ _tag: fc.constant('Advance' as const), duration: fc.integer({ min: 0, max: 10 * HOUR }) }),
  fc.record({ _tag: fc.constant('Kill' as const), bot: fc.nat(50) }),
  fc.record({ _tag: fc.constant('Terminate' as const), bot: fc.nat(50) }),
  fc.record({ _tag: fc.constant('Busy' as const), bot: fc.nat(50), duration: fc.integer({ min: 1, max: 2 * HOUR }) }),
);

const fleetOptions: fc.Arbitrary<FleetOptions> = fc.record({
  seed: fc.nat(1_000_000),
  neverBootProbability: fc.constantFrom(0, 0.3),
  deathProbabilityPerHour: fc.constantFrom(0, 0.2),
  taskProbabilityPerHour: fc.constantFrom(0, 0.5),
  deathDetectionDelayMs: fc.constantFrom(0, 600_000),
  bootDelayMs: fc.constantFrom({ min: 0, max: 0 }, { min: 60_000, max: 600_000 }),
});

const pick = <T>(items: readonly T[], index: number): T | undefined =>
  items.length === 0 ? undefined : items[index % items.length];

/** Applies one operation to the fleet and to the model of live lease expiries. */
const apply = (fleet: Fleet, clock: VirtualClock, model: Map<string, number>, op: Operation): void => {
  const bots = HOSTS.flatMap((host) => fleet.bots(host));
  const leaseIds = [...model.keys()].sort();

  switch (op._tag) {
    case 'Create': {
      const host = HOSTS[op.host] as string;
      const lease = fleet.createLease(
        {
          namespace: { customerName: 'golang', projectName: `makemac/${host}`, subCustomerName: '' },
          image: 'a'.repeat(64),
          profile: 'V1_MEDIUM_VM',
          accessLevel: 'GOLANG_OSS',
          metadata: [
            { key: 'golang.swarming', value: host },
            { key: 'golang.hostname', value: 'darwin-amd64-14' },
          ],
        },
        op.duration,
      );
      model.set(lease.leaseId, clock.now() + op.duration);
      return;
    }
    case 'Renew': {
      const leaseId = pick(leaseIds, op.lease);
      if (leaseId === undefined) return;
      fleet.renewLease(leaseId, op.duration);
      if (op.duration > 0) model.set(leaseId, clock.now() + op.duration);
      else model.delete(leaseId);
      return;
    }
    case 'Vacate': {
      const leaseId = pick(leaseIds, op.lease);
      if (leaseId === undefined) return;
      expect(fleet.vacateLease(leaseId)).toBe(true);
      model.delete(leaseId);
      return;
    }
    case 'Advance': {
      clock.advance(op.duration);
      for (const [leaseId, expires] of model) if (expires <= clock.now()) model.delete(leaseId);
      return;
    }
    case 'Kill': {
      const bot = pick(bots, op.bot);
      if (bot !== undefined) fleet.killBot(bot.botId, bot.swarmingHost);
      return;
    }
    case 'Terminate': {
      const bot = pick(bots, op.bot);
      if (bot !== undefined) fleet.terminateBot(bot.swarmingHost, bot.botId, 'property test');
      return;
    }
    case 'Busy': {
      const bot = pick(
        bots.filter((candidate) => !candidate.isDead && fleet.lease(candidate.leaseId ?? '') !== undefined),
        op.bot,
      );
      if (bot !== undefined) fleet.setBusy(bot.botId, undefined, { swarmingHost: bot.swarmingHost, durationMs: op.duration });
      return;
    }
  }
};

/** Checks the invariants that must hold between any two operations. */
const checkInvariants = (fleet: Fleet, clock: VirtualClock, model: Map<string, number>, detectionDelay: number): void => {
  const now = clock.now();
  const leases = fleet.leases();

  // The live leases are exactly the model's, with the model's expiries.
  expect(leases.map((lease) => [lease.leaseId, lease.expires])).toEqual([...model.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  for (const lease of leases) expect(lease.expires).toBeGreaterThan(now);
  expect(fleet.findLeases('golang').map((lease) => lease.leaseId)).toEqual(leases.map((lease) => lease.leaseId));

  for (const host of HOSTS) {
    const bots = fleet.bots(host);
    expect(new Set(bots.map((bot) => bot.botId)).size).toBe(bots.length);

    for (const bot of bots) {
      // A live bot has a lease, unless it went silent within the detection delay.
      if (!bot.isDead && fleet.lease(bot.leaseId ?? '') === undefined) {
        expect(now - bot.lastSeen).toBeLessThan(detectionDelay);
      }
      if (bot.isDead) expect(bot.taskId).toBeUndefined();
      expect(bot.lastSeen).toBeLessThanOrEqual(now);
    }
  }

  const history = fleet.history();
  for (let index = 1; index < history.length; index += 1) {
    expect((history[index] as { at: number }).at).toBeGreaterThanOrEqual((history[index - 1] as { at: number }).at);
  }
};

describe('fleet properties', () => {
  it('keeps its invariants under any operation sequence', () => {
    fc.assert(
      fc.property(fleetOptions, fc.array(operation, { maxLength: 40 }), (options, operations) => {
        const clock = new VirtualClock(START);
        const fleet = new Fleet(clock, options);
        const model = new Map<string, number>();

        for (const op of operations) {
          apply(fleet, clock, model, op);
          checkInvariants(fleet, clock, model, options.deathDetectionDelayMs ?? 0);
        }
      }),
    );
  });

  it('registers no bot before its lease boots', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.array(fc.integer({ min: 0, max: HOUR }), { maxLength: 20 }), (seed, steps) => {
        const clock = new VirtualClock(START);
        const fleet = new Fleet(clock, { seed, bootDelayMs: { min: 120_000, max: 480_000 } });

        for (const step of steps) {
          fleet.createLease(
            {
              namespace: { customerName: 'golang', projectName: 'makemac/h', subCustomerName: '' },
              image: 'i',
              profile: 'p',
              accessLevel: 'a',
              metadata: [
                { key: 'golang.swarming', value: 'h' },
                { key: 'golang.hostname', value: 'n' },
              ],
            },
            24 * HOUR,
          );
          clock.advance(step);
        }

        for (const bot of fleet.bots('h')) {
          const lease = fleet.lease(bot.leaseId ?? '');
          expect(lease).toBeDefined();
          expect(bot.firstSeen - (lease?.createdAt ?? 0)).toBeGreaterThanOrEqual(120_000);
          expect(bot.firstSeen - (lease?.createdAt ?? 0)).toBeLessThanOrEqual(480_000);
        }
      }),
    );
  });
});
