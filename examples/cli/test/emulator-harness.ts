/**
 * Helpers for end-to-end tests that run the built CLI against an emulator
 * started in the test process: a troubled production-shaped pool, the flags
 * and environment that point the CLI at it, and readers of its request log.
 */
import { readFileSync } from 'node:fs';

import { seedTroubledPool, startEmulator, type Emulator, type RequestLogEntry, type TroubledPool } from '@makemac/emulator';

import { PRODUCTION_CONFIG } from './cli-process.js';

/** The production configuration as plain JSON, for the emulator's seeding. */
interface ProductionConfig {
  readonly swarmingHosts: readonly {
    readonly host: string;
    readonly pool: string;
    readonly images: readonly { readonly hostname: string; readonly image: string; readonly count: number }[];
  }[];
}

export const productionConfig = (): ProductionConfig =>
  JSON.parse(readFileSync(PRODUCTION_CONFIG, 'utf8')) as ProductionConfig;

/** Name of the variable the tests pass the fake Swarming token in. */
export const TOKEN_ENV = 'MAKEMAC_TEST_SWARMING_TOKEN';

/** Endpoints that change the fleet. */
export const MUTATING_ENDPOINTS: readonly string[] = ['leases:create', 'leases:renew', 'leases:vacate', 'TerminateBot'];

/** A started emulator with a seeded troubled pool. */
export interface SeededEmulator {
  readonly emulator: Emulator;
  readonly pool: TroubledPool;
}

/**
 * Starts an emulator serving the production hosts, with its virtual clock at
 * the current wall-clock time (so `makemac run`, which reads the real clock,
 * plans with consistent expiries), and seeds a troubled pool.
 */
export const startSeededEmulator = async (options: { readonly latencyMs?: number; readonly seed?: number } = {}): Promise<SeededEmulator> => {
  const config = productionConfig();
  const emulator = await startEmulator({
    seed: options.seed ?? 11,
    startTime: Date.now(),
    swarmingHosts: config.swarmingHosts.map((host) => ({ host: host.host, pool: host.pool })),
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
  });
  const pool = seedTroubledPool(emulator, { swarmingHosts: config.swarmingHosts });
  return { emulator, pool };
};

/** The CLI flags that point `plan` or `run` at the emulator. */
export const liveFlags = (emulator: Emulator): string[] => [
  '--macservice-url',
  emulator.macServiceUrl,
  ...emulator.swarmingHosts.flatMap((entry) => ['--swarming-url', `${entry.host}=${entry.url}`]),
  '--swarming-token-env',
  TOKEN_ENV,
];

/** The environment with the emulator's fake credentials. */
export const liveEnv = (emulator: Emulator): Record<string, string> => ({
  MACSERVICE_API_KEY: emulator.apiKey,
  [TOKEN_ENV]: emulator.token,
});

/** The mutating requests of the emulator's log. */
export const mutatingEntries = (emulator: Emulator): RequestLogEntry[] =>
  emulator.requestLog.entries().filter((entry) => MUTATING_ENDPOINTS.includes(entry.endpoint));

/** Returns the lease id of a renew or vacate request body. */
export const leaseIdOf = (entry: RequestLogEntry): string | undefined => {
  const body = entry.body as { leaseId?: unknown } | null;
  return typeof body?.leaseId === 'string' ? body.leaseId : undefined;
};

/** An RFC 3339 form of the emulator's virtual time, for `--now`. */
export const virtualNow = (emulator: Emulator): string => new Date(emulator.clock.now()).toISOString();
