/**
 * Multi-cycle rollouts in a small model of MacService and Swarming: plan,
 * apply the plan, let an hour pass, plan again. A vacated lease disappears
 * at once and a drained bot is dead at once (its task ends within the
 * hour). A created lease's VM has a live bot after the hour when its image
 * boots, and never when it does not. A lease that reaches its expiry
 * disappears. Live bots are counted right after the plan is applied, before
 * new VMs boot, which is when a pool is most exposed.
 */
import type { Action, Bot, Config, CountOrPercent, HostPolicy, Lease, Plan } from '@makemac/core';
import { HOST_POLICY_DEFAULTS, METADATA_HOSTNAME, listed, plan } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { HOUR, IMAGE_A, IMAGE_B, NOW, PUBLIC_HOST, botIdFor, makeConfig } from '../support/builders.js';
import { floorOf } from './oracle.js';

const HOSTNAME = 'darwin-amd64-14';
const OLD_IMAGE = IMAGE_A;
const NEW_IMAGE = IMAGE_B;

/** A lease of the model and the state of its VM's bot. */
interface ModelLease {
  readonly lease: Lease;
  /** `none` until the VM has booted, or forever when its image does not boot. */
  readonly bot: 'none' | 'live' | 'dead';
}

interface World {
  readonly now: number;
  readonly leases: readonly ModelLease[];
  readonly created: number;
}

/** What one run of the model varies. */
interface RolloutCase {
  readonly count: number;
  readonly policy: HostPolicy;
  /** Per cycle and lease position: whether a live bot runs a task in that cycle. */
  readonly busy: readonly (readonly boolean[])[];
}

const CYCLE = HOUR;

const configFor = (rollout: RolloutCase): Config => {
  const config = makeConfig([{ host: PUBLIC_HOST, images: [{ image: NEW_IMAGE, count: rollout.count, hostname: HOSTNAME }] }]);
  return { ...config, swarmingHosts: config.swarmingHosts.map((host) => ({ ...host, policy: rollout.policy })) };
};

/** The pool before the image changed: `count` old-image leases with live bots, renewed within the last hour. */
const initialWorld = (count: number): World => ({
  now: NOW,
  created: 0,
  leases: Array.from({ length: count }, (_, index) => ({
    lease: {
      leaseId: `old-${index}`,
      projectName: `makemac/${PUBLIC_HOST}`,
      image: OLD_IMAGE,
      expires: NOW + 22 * HOUR + index * 60_000,
      metadata: { [METADATA_HOSTNAME]: HOSTNAME },
    },
    bot: 'live',
  })),
});

const botOf = (entry: ModelLease, busy: boolean): Bot | undefined => {
  if (entry.bot === 'none') return undefined;
  const leaseId = entry.lease.leaseId;
  const live = entry.bot === 'live';
  return {
    botId: botIdFor(HOSTNAME, leaseId),
    leaseId,
    isDead: !live,
    taskId: live && busy ? `task-${leaseId}` : undefined,
    quarantined: false,
    maintenanceMessage: undefined,
  };
};

const planCycle = (config: Config, world: World, busy: readonly boolean[]): Plan => {
  const bots = world.leases.flatMap((entry, index) => {
    const bot = botOf(entry, busy[index] ?? false);
    return bot === undefined ? [] : [bot];
  });
  return plan(config, { now: world.now, leases: world.leases.map((entry) => entry.lease), swarming: [listed(PUBLIC_HOST, bots)] });
};

/** The world right after MacService and Swarming carried out `result`; new VMs have not booted yet. */
const applyPlan = (world: World, result: Plan): World => {
  const byId = new Map(world.leases.map((entry) => [entry.lease.leaseId, entry]));
  let created = world.created;

  for (const action of result.actions) {
    const entry = action._tag === 'Create' ? undefined : byId.get(action.leaseId);
    switch (action._tag) {
      case 'Vacate':
        byId.delete(action.leaseId);
        break;
      case 'Drain':
        if (entry !== undefined) byId.set(action.leaseId, { ...entry, bot: 'dead' });
        break;
      case 'Renew':
        if (entry !== undefined) byId.set(action.leaseId, { ...entry, lease: { ...entry.lease, expires: world.now + action.duration } });
        break;
      case 'Create':
        created += 1;
        byId.set(`new-${created}`, createdLease(world.now, action, created));
        break;
    }
  }

  return { now: world.now, leases: [...byId.values()], created };
};

/** The world an hour later: new VMs have booted if their image boots, and expired leases are gone. */
const passHour = (world: World, imageBoots: boolean): World => {
  const now = world.now + CYCLE;
  const leases = world.leases
    .filter((entry) => entry.lease.expires > now)
    .map((entry): ModelLease => (entry.bot === 'none' && imageBoots ? { ...entry, bot: 'live' } : entry));
  return { ...world, now, leases };
};

const createdLease = (now: number, action: Extract<Action, { _tag: 'Create' }>, serial: number): ModelLease => {
  const metadata: Record<string, string> = {};
  for (const entry of action.request.metadata) if (entry.value._tag === 'Plain') metadata[entry.key] = entry.value.value;
  return {
    lease: {
      leaseId: `new-${serial}`,
      projectName: action.request.namespace.projectName,
      image: action.request.image,
      expires: now + action.request.duration,
      metadata,
    },
    bot: 'none',
  };
};

const liveBots = (world: World): number => world.leases.filter((entry) => entry.bot === 'live').length;

const percentOrCount = (maxCount: number, percents: readonly number[]): fc.Arbitrary<CountOrPercent> =>
  fc.oneof(
    fc.nat({ max: maxCount }).map((count): CountOrPercent => ({ _tag: 'Count', count })),
    fc.constantFrom(...percents).map((percent): CountOrPercent => ({ _tag: 'Percent', percent })),
  );

/**
 * Rollout limits and a disruption budget no larger than the sanity gate's
 * default limit, so drained bots (dead one cycle later) cannot close it.
 */
const rolloutCaseArbitrary: fc.Arbitrary<RolloutCase> = fc
  .record({
    count: fc.integer({ min: 1, max: 8 }),
    maxSurge: percentOrCount(3, [0, 25, 50, 100]),
    maxUnavailable: percentOrCount(2, [0, 25, 50]),
    disruptionBudget: percentOrCount(2, [10, 20]),
    rolloutPauseThreshold: fc.integer({ min: 1, max: 3 }),
    maxCreatesPerCycle: fc.integer({ min: 1, max: 10 }),
    busy: fc.array(fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), { minLength: 40, maxLength: 40 }),
  })
  .filter(({ maxSurge, maxUnavailable }) => !(isZero(maxSurge) && isZero(maxUnavailable)))
  .map(({ count, busy, ...limits }) => ({ count, busy, policy: { ...HOST_POLICY_DEFAULTS, ...limits } }));

const isZero = (value: CountOrPercent): boolean => (value._tag === 'Count' ? value.count === 0 : value.percent === 0);

/** Enough cycles for a rollout of `count` leases: a live replacement, then a drain, then the vacate, per lease. */
const cyclesFor = (count: number): number => 3 * count + 4;

describe('rollout over many cycles', () => {
  it('keeps the floor and completes when the new image boots', () => {
    fc.assert(
      fc.property(rolloutCaseArbitrary, (rollout) => {
        const config = configFor(rollout);
        const floor = floorOf(rollout.policy, rollout.count);
        let world = initialWorld(rollout.count);

        for (let cycle = 0; cycle < cyclesFor(rollout.count); cycle += 1) {
          const result = planCycle(config, world, rollout.busy[cycle] ?? []);
          expect(result.warnings.filter((warning) => warning.code === 'sanity-gate' || warning.code === 'rollout-paused')).toEqual([]);

          world = applyPlan(world, result);
          expect(liveBots(world), `live bots after cycle ${cycle}`).toBeGreaterThanOrEqual(floor);
          world = passHour(world, true);
        }

        expect(world.leases.map((entry) => entry.lease.image)).toEqual(Array.from({ length: rollout.count }, () => NEW_IMAGE));
        expect(liveBots(world)).toBe(rollout.count);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the old leases when the new image never boots', () => {
    fc.assert(
      fc.property(rolloutCaseArbitrary, (rollout) => {
        const config = configFor(rollout);
        const floor = floorOf(rollout.policy, rollout.count);
        let world = initialWorld(rollout.count);

        for (let cycle = 0; cycle < cyclesFor(rollout.count); cycle += 1) {
          const result = planCycle(config, world, rollout.busy[cycle] ?? []);
          world = applyPlan(world, result);
          expect(liveBots(world), `live bots after cycle ${cycle}`).toBeGreaterThanOrEqual(floor);
          world = passHour(world, false);

          const old = world.leases.filter((entry) => entry.lease.image === OLD_IMAGE);
          expect(old.length, `old leases after cycle ${cycle}`).toBeGreaterThanOrEqual(floor);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('keeps every old lease when no bot may be unavailable', () => {
    const rollout: RolloutCase = { count: 6, policy: HOST_POLICY_DEFAULTS, busy: [] };
    const config = configFor(rollout);
    let world = initialWorld(rollout.count);
    const paused: number[] = [];

    for (let cycle = 0; cycle < 10; cycle += 1) {
      const result = planCycle(config, world, []);
      if (result.warnings.some((warning) => warning.code === 'rollout-paused')) paused.push(cycle);
      world = passHour(applyPlan(world, result), false);

      expect(world.leases.filter((entry) => entry.lease.image === OLD_IMAGE)).toHaveLength(6);
    }
    // Surge leases are created in one cycle, fail to connect in the next and are vacated, so the pause shows every other cycle.
    expect(paused).toEqual([1, 3, 5, 7, 9]);
  });

  it('replaces 20 leases in 5 cycles', () => {
    const rollout: RolloutCase = { count: 20, policy: HOST_POLICY_DEFAULTS, busy: [] };
    const config = configFor(rollout);
    let world = initialWorld(rollout.count);
    let cycles = 0;

    while (world.leases.some((entry) => entry.lease.image === OLD_IMAGE) && cycles < 30) {
      world = applyPlan(world, planCycle(config, world, []));
      expect(liveBots(world)).toBeGreaterThanOrEqual(20);
      world = passHour(world, true);
      cycles += 1;
    }

    // maxSurge 25% of 20 is 5 and the budget 20% of 25 managed leases is 5, so 5 old leases go per cycle after the first.
    expect(cycles).toBe(5);
    expect(world.leases).toHaveLength(20);
  });
});
