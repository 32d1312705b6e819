/**
 * Swarming failures over many cycles: a 30-hour ListBots outage on every
 * host loses no lease and the pool converges afterwards, and a listing that
 * succeeds with no bots at all vacates nothing.
 *
 * Each cycle reconciles, then the virtual clock moves one hour.
 */
import { afterEach, describe, expect, it } from 'vitest';

import {
  bodyField,
  configJson,
  decode,
  HOUR,
  IMAGE_NEW,
  IMAGE_OLD,
  planConverged,
  startSimulation,
  SWARMING_HOST,
  type Simulation,
} from './harness.js';

const HOSTNAME_A = 'darwin-amd64-14';
const HOSTNAME_B = 'darwin-arm64-15';
const COUNT_A = 6;
const COUNT_B = 4;
const OUTAGE_HOURS = 30;

/** gRPC UNAVAILABLE, which the Swarming adapter retries before it gives up. */
const UNAVAILABLE = 14;

let simulation: Simulation | undefined;
afterEach(async () => {
  await simulation?.stop();
  simulation = undefined;
});

const twoHostnames = () =>
  decode(
    configJson([
      { hostname: HOSTNAME_A, image: IMAGE_OLD, count: COUNT_A },
      { hostname: HOSTNAME_B, image: IMAGE_NEW, count: COUNT_B },
    ]),
  );

describe('swarming outage simulation', () => {
  it('keeps every lease through 30 hours', async () => {
    const sim = await startSimulation(twoHostnames());
    simulation = sim;
    sim.seed({ hostname: HOSTNAME_A, image: IMAGE_OLD, count: COUNT_A });
    sim.seed({ hostname: HOSTNAME_B, image: IMAGE_NEW, count: COUNT_B });
    expect(planConverged(await sim.cycle())).toBe(true);
    sim.advance(HOUR);

    const before = sim.managedLeases().map((lease) => lease.leaseId);
    const mutatingBefore = ['leases:vacate', 'leases:create', 'TerminateBot'].map((endpoint) => sim.succeeded(endpoint).length);
    const outage = sim.emulator.faults.add({
      server: 'swarming',
      endpoint: 'ListBots',
      action: { _tag: 'GrpcError', code: UNAVAILABLE, message: 'backend unavailable' },
    });
    const crashed: string[] = [];
    for (let hour = 0; hour < OUTAGE_HOURS; hour++) {
      const report = await sim.cycle();
      expect(report.listingErrors).toHaveLength(1);
      // Two bots crash in the middle of the outage; nothing can notice until it ends.
      if (hour === 10) {
        const victims = sim.emulator.fleet.bots(SWARMING_HOST).filter((bot) => bot.botId.startsWith(`${HOSTNAME_A}--`));
        for (const bot of victims.slice(0, 2)) {
          sim.emulator.fleet.killBot(bot.botId);
          crashed.push(bot.leaseId ?? '');
        }
      }
      sim.advance(HOUR);
    }
    outage.remove();

    // Leases last 24 hours, so only the renewals during the outage kept them.
    const after = new Set(sim.managedLeases().map((lease) => lease.leaseId));
    expect(before.filter((leaseId) => !after.has(leaseId))).toEqual([]);
    const mutatingAfter = ['leases:vacate', 'leases:create', 'TerminateBot'].map((endpoint) => sim.succeeded(endpoint).length);
    expect(mutatingAfter).toEqual(mutatingBefore);
    expect(crashed).toHaveLength(2);

    let cycles = 0;
    let converged = false;
    while (!converged && cycles < 4) {
      converged = planConverged(await sim.cycle());
      cycles += 1;
      sim.advance(HOUR);
    }
    expect(converged).toBe(true);
    expect(sim.liveBots(HOSTNAME_A)).toBe(COUNT_A);
    expect(sim.liveBots(HOSTNAME_B)).toBe(COUNT_B);
    const vacated = sim.succeeded('leases:vacate').map((entry) => bodyField(entry, 'leaseId'));
    expect(vacated.sort()).toEqual([...crashed].sort());
    console.info(
      `${OUTAGE_HOURS}-hour outage: ${before.length} leases kept, ${sim.succeeded('leases:renew').length} renewals in all, ` +
        `converged ${cycles} cycles after the outage`,
    );
  });

  it('vacates nothing for an empty bot list', async () => {
    const sim = await startSimulation(twoHostnames());
    simulation = sim;
    // Leases 4 hours old: without their bots, each would count as never connected.
    sim.seed({ hostname: HOSTNAME_A, image: IMAGE_OLD, count: COUNT_A, ageMs: 4 * HOUR });
    sim.seed({ hostname: HOSTNAME_B, image: IMAGE_NEW, count: COUNT_B, ageMs: 4 * HOUR });
    const before = sim.managedLeases().map((lease) => lease.leaseId);
    sim.emulator.faults.add({ server: 'swarming', endpoint: 'ListBots', action: { _tag: 'EmptyBotList' }, times: 1 });

    const empty = await sim.cycle();
    sim.advance(HOUR);
    const next = await sim.cycle();

    expect(empty.listingErrors).toEqual([]);
    expect(sim.succeeded('leases:vacate')).toEqual([]);
    expect(sim.succeeded('TerminateBot')).toEqual([]);
    expect(sim.succeeded('leases:create')).toEqual([]);
    expect(sim.managedLeases().map((lease) => lease.leaseId).sort()).toEqual([...before].sort());
    expect(empty.plan?.warnings.map((warning) => warning.code)).toContain('sanity-gate');
    expect(empty.plan?.decisions.every((decision) => decision.reason === 'sanity-gate')).toBe(true);
    expect(planConverged(next)).toBe(true);
    expect(sim.liveBots(HOSTNAME_A) + sim.liveBots(HOSTNAME_B)).toBe(COUNT_A + COUNT_B);
  });
});
