/**
 * Busy bots over many cycles: leases of an image the configuration dropped
 * leave the pool, idle bots' leases at once and busy bots through a drain.
 * A drained bot finishes its task, Swarming marks it dead, and only then is
 * its lease vacated. Each busy bot gets exactly one TerminateBot.
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
  IMAGE_OTHER,
  planConverged,
  startSimulation,
  SWARMING_HOST,
  type Simulation,
} from './harness.js';

const HOSTNAME_KEPT = 'darwin-arm64-15';
const HOSTNAME_DROPPED = 'darwin-amd64-13';
/** Tasks end 2.5 hours after the first cycle, between the third and the fourth cycle. */
const TASK_MS = 2.5 * HOUR;

let simulation: Simulation | undefined;
afterEach(async () => {
  await simulation?.stop();
  simulation = undefined;
});

describe('drain simulation', () => {
  it('drains busy bots, then vacates', async () => {
    const config = decode(
      configJson([{ hostname: HOSTNAME_KEPT, image: IMAGE_NEW, count: 2 }], { disruptionBudget: 10 }),
    );
    const sim = await startSimulation(config);
    simulation = sim;
    const kept = sim.seed({ hostname: HOSTNAME_KEPT, image: IMAGE_NEW, count: 2 });
    const dropped = sim.seed({ hostname: HOSTNAME_DROPPED, image: IMAGE_OTHER, count: 4 });
    const busy = dropped.slice(0, 2);
    const idle = dropped.slice(2);
    const botOf = (leaseId: string): string => sim.emulator.fleet.botIdOf(HOSTNAME_DROPPED, leaseId);
    for (const leaseId of busy) {
      sim.emulator.fleet.setBusy(botOf(leaseId), `task-${leaseId}`, { durationMs: TASK_MS });
    }

    const first = await sim.cycle();

    const drains = first.outcomes.filter((outcome) => outcome.action._tag === 'Drain');
    expect(drains.map((outcome) => outcome.action._tag === 'Drain' && outcome.action.leaseId).sort()).toEqual([...busy].sort());
    expect(drains.every((outcome) => outcome.status === 'done')).toBe(true);
    const firstVacates = sim.succeeded('leases:vacate').map((entry) => bodyField(entry, 'leaseId'));
    expect(firstVacates.sort()).toEqual([...idle].sort());
    for (const leaseId of busy) {
      expect(sim.emulator.fleet.lease(leaseId)).toBeDefined();
    }

    // While the tasks run, the planner plans the drains again, but no second TerminateBot goes out.
    for (let cycle = 2; cycle <= 3; cycle++) {
      sim.advance(HOUR);
      const report = await sim.cycle();
      const repeated = report.outcomes.filter((outcome) => outcome.action._tag === 'Drain');
      expect(repeated).toHaveLength(busy.length);
      expect(repeated.every((outcome) => outcome.skipReason === 'already-draining')).toBe(true);
      for (const leaseId of busy) {
        expect(sim.emulator.fleet.lease(leaseId)).toBeDefined();
      }
    }

    // The tasks ended half an hour ago, and the terminated bots are dead.
    sim.advance(HOUR);
    const fourth = await sim.cycle();
    const vacates = fourth.outcomes.filter((outcome) => outcome.action._tag === 'Vacate' && outcome.status === 'done');
    expect(vacates.map((outcome) => outcome.action._tag === 'Vacate' && outcome.action.leaseId).sort()).toEqual([...busy].sort());
    expect(vacates.every((outcome) => outcome.action._tag === 'Vacate' && outcome.action.reason === 'bot-dead')).toBe(true);
    sim.advance(HOUR);
    expect(planConverged(await sim.cycle())).toBe(true);

    const terminated = sim.succeeded('TerminateBot').map((entry) => bodyField(entry, 'botId'));
    expect(terminated.sort()).toEqual(busy.map(botOf).sort());
    const died = new Map(
      sim.emulator.fleet
        .history()
        .flatMap((event) => (event._tag === 'BotDied' && event.cause === 'terminated' ? [[event.botId, event.at] as const] : [])),
    );
    for (const leaseId of busy) {
      const vacate = sim.succeeded('leases:vacate').find((entry) => bodyField(entry, 'leaseId') === leaseId);
      const diedAt = died.get(botOf(leaseId));
      expect(diedAt).toBeDefined();
      expect(vacate?.virtualTime).toBeGreaterThanOrEqual(diedAt ?? Infinity);
      expect(sim.emulator.fleet.lease(leaseId)).toBeUndefined();
    }
    expect(sim.managedLeases().map((lease) => lease.leaseId).sort()).toEqual([...kept].sort());
    console.info(
      `drains: ${terminated.length} TerminateBot requests for ${busy.length} busy bots over 5 cycles; ` +
        `their leases were vacated in cycle 4, after the bots died`,
    );
  });
});
