/**
 * A multi-cycle simulation of makemac: the emulator on 127.0.0.1, the real
 * MacService and Swarming adapters over HTTP, core's `decodeConfig` and
 * `plan`, and the runtime's `reconcileOnce`. Time is the emulator's virtual
 * clock, so a cycle per virtual hour costs only the HTTP round trips.
 *
 * The adapters' retry sleeps return at once, so a fault that makes them retry
 * costs no wall-clock time either.
 */
import {
  decodeConfig,
  METADATA_HOSTNAME,
  METADATA_SWARMING,
  plan,
  type Config,
} from '@makemac/core';
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type FleetLease,
  type RequestLogEntry,
} from '@makemac/emulator';
import { createMacServiceClient } from '@makemac/macservice';
import { createSwarmingClient, staticToken } from '@makemac/swarming';
import * as E from 'fp-ts/lib/Either.js';
import { pino } from 'pino';

import {
  createMemoryDrainStore,
  createMemoryPendingStore,
  createSecretResolver,
  reconcileOnce,
  type CycleReport,
  type RuntimeDeps,
} from '../../src/index.js';

export const HOUR = 60 * 60 * 1000;

/** The one swarming host of the simulations. */
export const SWARMING_HOST = 'chromium-swarm.appspot.com';
export const POOL = 'luci.golang.shared-workers';

/** Boot image SHA-256s. */
export const IMAGE_OLD = 'a'.repeat(64);
export const IMAGE_NEW = 'b'.repeat(64);
export const IMAGE_OTHER = 'c'.repeat(64);

/** Fake PEM-shaped values for the `env:` secret references of the configuration. */
const SECRETS: Record<string, string> = {
  SIM_CERT: '-----BEGIN CERTIFICATE-----\nsimulation\n-----END CERTIFICATE-----\n',
  SIM_KEY: '-----BEGIN PRIVATE KEY-----\nsimulation\n-----END PRIVATE KEY-----\n',
};

/** One configured image of the simulation's swarming host. */
export interface ImageEntry {
  readonly hostname: string;
  readonly image: string;
  readonly count: number;
}

/**
 * Builds the JSON configuration of one swarming host. `policy` is passed
 * through as the host's `policy` object, so it uses the JSON keys that
 * `decodeConfig` reads.
 */
export const configJson = (images: readonly ImageEntry[], policy?: Record<string, unknown>): unknown => ({
  customer: 'golang',
  projectPrefix: 'makemac',
  createDuration: '24h',
  renewDuration: '23h',
  swarmingHosts: [
    {
      host: SWARMING_HOST,
      pool: POOL,
      images: images.map((entry) => ({ ...entry, cert: 'env:SIM_CERT', key: 'env:SIM_KEY' })),
      ...(policy === undefined ? {} : { policy }),
    },
  ],
});

/** Decodes a configuration, throwing with every error when it is invalid. */
export const decode = (json: unknown): Config => {
  const decoded = decodeConfig(json);
  if (E.isLeft(decoded)) {
    throw new Error(`invalid simulation configuration: ${decoded.left.map((error) => JSON.stringify(error)).join('; ')}`);
  }
  return decoded.right;
};

/** A running simulation. */
export interface Simulation {
  readonly emulator: Emulator;
  /** The configuration the next cycle uses; tests replace it to roll out an image. */
  config: Config;
  /** Every cycle's report, in order. */
  readonly reports: CycleReport[];
  /** Runs one reconcile cycle against the emulator. */
  cycle(): Promise<CycleReport>;
  /** Moves virtual time forward, running due boots, task ends and expiries. */
  advance(ms: number): void;
  /**
   * Adds `count` managed leases that already run a live bot, as if makemac
   * had created them `ageMs` ago. Returns their lease ids.
   */
  seed(entry: ImageEntry & { readonly ageMs?: number }): string[];
  /** Live bots of a hostname whose lease still exists. */
  liveBots(hostname: string): number;
  /** The managed leases of the swarming host, as the emulator holds them. */
  managedLeases(): readonly FleetLease[];
  /** Requests to one endpoint (`leases:vacate`, `TerminateBot`, ...) that got HTTP 200 from the emulator. */
  succeeded(endpoint: string): readonly RequestLogEntry[];
  stop(): Promise<void>;
}

/** Starts the emulator and connects the runtime to it through the real adapters. */
export const startSimulation = async (
  config: Config,
  emulatorOptions: Omit<EmulatorOptions, 'swarmingHosts'> = {},
): Promise<Simulation> => {
  const emulator = await startEmulator({ seed: 7, ...emulatorOptions, swarmingHosts: [{ host: SWARMING_HOST, pool: POOL }] });
  const instant = (): Promise<void> => Promise.resolve();

  const deps: RuntimeDeps = {
    macService: createMacServiceClient({ apiKey: emulator.apiKey, baseUrl: emulator.macServiceUrl, sleep: instant }),
    swarming: createSwarmingClient({
      tokenProvider: staticToken(emulator.token),
      serviceUrls: { [SWARMING_HOST]: emulator.swarmingUrl(SWARMING_HOST) },
      sleep: instant,
    }),
    resolveSecret: createSecretResolver({ env: SECRETS }),
    now: () => emulator.clock.now(),
    logger: pino({ level: 'silent' }),
    pending: createMemoryPendingStore(),
    drains: createMemoryDrainStore(),
    planner: plan,
  };

  const project = `makemac/${SWARMING_HOST}`;
  const simulation: Simulation = {
    emulator,
    config,
    reports: [],
    cycle: async () => {
      const report = await reconcileOnce(deps, { config: simulation.config });
      simulation.reports.push(report);
      return report;
    },
    advance: (ms) => {
      emulator.clock.advance(ms);
    },
    seed: ({ hostname, image, count, ageMs = 2 * HOUR }) => {
      const now = emulator.clock.now();
      return Array.from({ length: count }, () =>
        emulator.fleet.addLease({
          projectName: project,
          image,
          createdAt: now - ageMs,
          expires: now - ageMs + 24 * HOUR,
          metadata: { [METADATA_SWARMING]: SWARMING_HOST, [METADATA_HOSTNAME]: hostname },
          boot: 'now',
        }).leaseId,
      );
    },
    liveBots: (hostname) =>
      emulator.fleet
        .bots(SWARMING_HOST)
        .filter(
          (bot) =>
            !bot.isDead &&
            bot.botId.startsWith(`${hostname}--`) &&
            bot.leaseId !== undefined &&
            emulator.fleet.lease(bot.leaseId) !== undefined,
        ).length,
    managedLeases: () => emulator.fleet.leases().filter((lease) => lease.projectName === project),
    succeeded: (endpoint) =>
      emulator.requestLog.entries().filter((entry) => entry.endpoint === endpoint && entry.status === 200),
    stop: () => emulator.stop(),
  };
  return simulation;
};

/** Managed leases per image. */
export const countByImage = (leases: readonly FleetLease[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const lease of leases) {
    counts[lease.image] = (counts[lease.image] ?? 0) + 1;
  }
  return counts;
};

/** Returns a string field of a logged request body, such as `leaseId` or `botId`. */
export const bodyField = (entry: RequestLogEntry, field: string): string | undefined => {
  const body = entry.body;
  if (typeof body !== 'object' || body === null) {
    return undefined;
  }
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
};

/** Tells whether a cycle's plan leaves the pool as configured: no vacate, drain or create, and every group at its count. */
export const planConverged = (report: CycleReport): boolean =>
  report.plan !== undefined &&
  report.plan.actions.every((action) => action._tag === 'Renew') &&
  report.plan.groups.every((group) => group.have === group.want) &&
  report.listingErrors.length === 0 &&
  report.summary.failed === 0;
