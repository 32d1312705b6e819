/**
 * Image rollouts over many cycles: a hostname with 20 leases changes its
 * image, and the pool replaces them with surge while live bots stay above
 * the floor `count - maxUnavailable`. A rollout to an image that never boots
 * pauses and keeps every old lease.
 *
 * Each cycle reconciles, then the virtual clock moves one hour; new leases
 * boot 2 to 8 virtual minutes after their create.
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { CycleReport } from '../../src/index.js';
import {
  configJson,
  countByImage,
  decode,
  HOUR,
  IMAGE_NEW,
  IMAGE_OLD,
  planConverged,
  startSimulation,
  type Simulation,
} from './harness.js';

const HOSTNAME = 'darwin-amd64-14';
const COUNT = 20;
const MAX_SURGE = 4;
const MAX_UNAVAILABLE = 2;
const POLICY = { maxSurge: MAX_SURGE, maxUnavailable: MAX_UNAVAILABLE };

/**
 * Cycles the rollout of 20 leases may take. Each wave replaces at least
 * `maxSurge` old leases and takes at most two cycles (create the surge, then
 * retire old leases once the new bots are live), plus one cycle that finds
 * nothing to do: 2 * ceil(20 / 4) + 1 = 11.
 */
const ROLLOUT_CYCLE_BOUND = 2 * Math.ceil(COUNT / MAX_SURGE) + 1;

let simulation: Simulation | undefined;
afterEach(async () => {
  await simulation?.stop();
  simulation = undefined;
});

describe('image rollout simulation', () => {
  it('replaces 20 leases above the floor', async () => {
    const config = decode(configJson([{ hostname: HOSTNAME, image: IMAGE_OLD, count: COUNT }], POLICY));
    const sim = await startSimulation(config);
    simulation = sim;
    const oldLeases = sim.seed({ hostname: HOSTNAME, image: IMAGE_OLD, count: COUNT });
    await sim.cycle();
    expect(sim.liveBots(HOSTNAME)).toBe(COUNT);

    sim.config = decode(configJson([{ hostname: HOSTNAME, image: IMAGE_NEW, count: COUNT }], POLICY));
    const floors: number[] = [];
    const sizes: number[] = [];
    const observe = (): void => {
      floors.push(sim.liveBots(HOSTNAME));
      sizes.push(sim.managedLeases().length);
    };

    let cycles = 0;
    let converged = false;
    while (!converged && cycles < ROLLOUT_CYCLE_BOUND) {
      const report = await sim.cycle();
      cycles += 1;
      observe();
      converged = planConverged(report);
      sim.advance(HOUR);
      observe();
    }

    expect(converged).toBe(true);
    expect(cycles).toBeLessThanOrEqual(ROLLOUT_CYCLE_BOUND);
    expect(Math.min(...floors)).toBeGreaterThanOrEqual(COUNT - MAX_UNAVAILABLE);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(COUNT + MAX_SURGE);
    expect(countByImage(sim.managedLeases())).toEqual({ [IMAGE_NEW]: COUNT });
    expect(sim.liveBots(HOSTNAME)).toBe(COUNT);
    const remaining = new Set(sim.managedLeases().map((lease) => lease.leaseId));
    expect(oldLeases.filter((leaseId) => remaining.has(leaseId))).toEqual([]);
    console.info(
      `rollout of ${COUNT} leases: converged after ${cycles} cycles (bound ${ROLLOUT_CYCLE_BOUND}), ` +
        `lowest live bots ${Math.min(...floors)} (floor ${COUNT - MAX_UNAVAILABLE}), most leases ${Math.max(...sizes)}`,
    );
  });

  it('pauses a rollout to an image that never boots', async () => {
    const count = 10;
    // With no unavailability allowed, an old lease may leave only once a new bot is live.
    const policy = { maxSurge: 2, maxUnavailable: 0 };
    const config = decode(configJson([{ hostname: HOSTNAME, image: IMAGE_OLD, count }], policy));
    const sim = await startSimulation(config, { images: { [IMAGE_NEW]: { neverBoots: true } } });
    simulation = sim;
    const oldLeases = sim.seed({ hostname: HOSTNAME, image: IMAGE_OLD, count });
    await sim.cycle();

    sim.config = decode(configJson([{ hostname: HOSTNAME, image: IMAGE_NEW, count }], policy));
    const floors: number[] = [];
    const newLeases: number[] = [];
    const observe = (): void => {
      floors.push(sim.liveBots(HOSTNAME));
      newLeases.push(countByImage(sim.managedLeases())[IMAGE_NEW] ?? 0);
    };
    const reports: CycleReport[] = [];
    for (let cycle = 0; cycle < 8; cycle++) {
      reports.push(await sim.cycle());
      observe();
      sim.advance(HOUR);
      observe();
    }

    const remaining = new Set(sim.managedLeases().map((lease) => lease.leaseId));
    expect(oldLeases.filter((leaseId) => !remaining.has(leaseId))).toEqual([]);
    expect(sim.liveBots(HOSTNAME)).toBe(count);
    expect(Math.min(...floors)).toBe(count);
    expect(Math.max(...newLeases)).toBeLessThanOrEqual(policy.maxSurge);
    expect(sim.succeeded('TerminateBot')).toEqual([]);

    // The new leases fail to connect, so the rollout pauses, and a paused plan keeps every old lease.
    const paused = reports.filter((report) => report.plan?.warnings.some((warning) => warning.code === 'rollout-paused'));
    expect(paused.length).toBeGreaterThan(0);
    expect(reports.slice(-2).some((report) => paused.includes(report))).toBe(true);
    for (const report of paused) {
      const oldDecisions = report.plan?.decisions.filter((decision) => oldLeases.includes(decision.leaseId)) ?? [];
      expect(oldDecisions).toHaveLength(count);
      expect(oldDecisions.every((decision) => decision.reason === 'rollout-paused')).toBe(true);
    }
    console.info(
      `never-booting rollout: paused in ${paused.length} of 8 cycles, ${sim.succeeded('leases:create').length} creates ` +
        `of the new image, at most ${Math.max(...newLeases)} new leases at once, old leases intact, ` +
        `lowest live bots ${Math.min(...floors)}`,
    );
  });
});
