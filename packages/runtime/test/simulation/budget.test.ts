/**
 * A disruption budget over many cycles. A group of 20 leases whose count
 * drops to 5 loses at most `disruptionBudget` leases per cycle. So the 15
 * over-count leases leave over several cycles, and the group never goes
 * below its new count.
 *
 * Each cycle reconciles, then the virtual clock moves one hour.
 */
import { afterEach, describe, expect, it } from 'vitest';

import {
  configJson,
  decode,
  HOUR,
  IMAGE_OLD,
  planConverged,
  startSimulation,
  type Simulation,
} from './harness.js';

const HOSTNAME = 'darwin-amd64-14';
const BEFORE = 20;
const AFTER = 5;
const BUDGET = 4;

let simulation: Simulation | undefined;
afterEach(async () => {
  await simulation?.stop();
  simulation = undefined;
});

describe('disruption budget simulation', () => {
  it('spreads an over-count reduction', async () => {
    const config = decode(configJson([{ hostname: HOSTNAME, image: IMAGE_OLD, count: AFTER }], { disruptionBudget: BUDGET }));
    const sim = await startSimulation(config);
    simulation = sim;
    sim.seed({ hostname: HOSTNAME, image: IMAGE_OLD, count: BEFORE });

    const vacatedPerCycle: number[] = [];
    const floors: number[] = [];
    let converged = false;
    // 15 surplus leases at 4 per cycle leave in 4 cycles; a fifth finds nothing to do.
    const bound = Math.ceil((BEFORE - AFTER) / BUDGET) + 1;
    while (!converged && vacatedPerCycle.length < bound + 2) {
      const vacatesBefore = sim.succeeded('leases:vacate').length;
      const report = await sim.cycle();
      vacatedPerCycle.push(sim.succeeded('leases:vacate').length - vacatesBefore);
      floors.push(sim.liveBots(HOSTNAME));
      converged = planConverged(report);
      if (vacatedPerCycle.length === 1) {
        expect(report.plan?.warnings.map((warning) => warning.code)).toContain('disruption-budget');
        expect(report.plan?.decisions.filter((decision) => decision.reason === 'budget')).toHaveLength(BEFORE - AFTER - BUDGET);
      }
      sim.advance(HOUR);
      floors.push(sim.liveBots(HOSTNAME));
    }

    expect(converged).toBe(true);
    expect(vacatedPerCycle).toEqual([4, 4, 4, 3, 0]);
    expect(vacatedPerCycle).toHaveLength(bound);
    expect(Math.min(...floors)).toBe(AFTER);
    expect(sim.managedLeases()).toHaveLength(AFTER);
    expect(sim.succeeded('leases:create')).toEqual([]);
    console.info(`disruption budget ${BUDGET}: vacated ${vacatedPerCycle.join(', ')} per cycle, lowest live bots ${Math.min(...floors)}`);
  });
});
