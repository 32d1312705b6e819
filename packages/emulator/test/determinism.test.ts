/**
 * Determinism: the same seed and the same requests give the same lease ids,
 * the same bots and the same history; another seed gives others.
 */
import { describe, expect, it } from 'vitest';

import { startEmulator, type Emulator, type FleetEvent } from '../src/index.js';
import { createRequest, hours, listAllBots, macServiceJson, minutes } from './http.js';

const HOST = 'chromium-swarm.appspot.com';

interface Run {
  readonly leaseIds: string[];
  readonly botIds: string[];
  readonly history: readonly FleetEvent[];
}

/** Drives one emulator through a fixed scenario with randomness switched on. */
const runScenario = async (seed: number): Promise<Run> => {
  const emulator: Emulator = await startEmulator({
    seed,
    neverBootProbability: 0.2,
    deathProbabilityPerHour: 0.1,
    taskProbabilityPerHour: 0.3,
  });
  try {
    const leaseIds: string[] = [];
    for (let index = 0; index < 12; index += 1) {
      const created = await macServiceJson(emulator, 'leases:create', createRequest({ duration: `${3600 * (2 + index)}s` }));
      leaseIds.push(created.pendingLease.leaseId);
      emulator.clock.advance(minutes(3));
    }
    await macServiceJson(emulator, 'leases:vacate', { leaseId: leaseIds[0] });
    await macServiceJson(emulator, 'leases:renew', { leaseId: leaseIds[1], duration: '82800s' });
    emulator.clock.advance(hours(6));

    const botIds = (await listAllBots(emulator, HOST)).items.map((bot) => `${bot.botId}:${bot.isDead === true}`);
    return { leaseIds, botIds, history: emulator.fleet.history() };
  } finally {
    await emulator.stop();
  }
};

describe('determinism', () => {
  it('repeats lease ids, bots and history for the same seed', async () => {
    const first = await runScenario(1234);
    const second = await runScenario(1234);

    expect(second.leaseIds).toEqual(first.leaseIds);
    expect(second.botIds).toEqual(first.botIds);
    expect(second.history).toEqual(first.history);
    expect(first.history.some((event) => event._tag === 'BotDied' && event.cause === 'crashed')).toBe(true);
    expect(first.history.some((event) => event._tag === 'LeaseExpired')).toBe(true);
  });

  it('differs for another seed', async () => {
    const first = await runScenario(1234);
    const other = await runScenario(4321);
    expect(other.leaseIds).not.toEqual(first.leaseIds);
  });

  it('gives unique lease ids', async () => {
    const { leaseIds } = await runScenario(99);
    expect(new Set(leaseIds).size).toBe(leaseIds.length);
  });
});
