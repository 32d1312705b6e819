/**
 * Wiring: `startEmulator` builds the virtual clock, the fleet, the fault
 * controller and the request log, then starts one MacService server and one
 * Swarming server per swarming host, all on 127.0.0.1.
 */
import type { Timestamp } from '@makemac/core';

import { VirtualClock } from './clock.js';
import { FaultController, type EmulatedServer } from './faults.js';
import type { FleetOptions } from './fleet-types.js';
import { DEFAULT_POOL, Fleet } from './fleet.js';
import { startMacServiceServer, type MacServiceServer } from './macservice-server.js';
import { RequestLog } from './request-log.js';
import { startSwarmingServer, type SwarmingServer } from './swarming-server.js';
import { formatTimestamp } from './wire-format.js';

/** The default virtual start time of an emulator: 2025-01-06T09:00:00Z. */
export const DEFAULT_START_TIME: Timestamp = Date.UTC(2025, 0, 6, 9, 0, 0);

/** The API key the MacService server expects by default. It is a fixed test value, not a secret. */
export const DEFAULT_API_KEY = 'emulator-api-key';

/** The bearer token the Swarming servers expect by default. It is a fixed test value, not a secret. */
export const DEFAULT_TOKEN = 'emulator-token';

/** The swarming host served when none is configured. */
export const DEFAULT_SWARMING_HOST = 'chromium-swarm.appspot.com';

/** One swarming host to serve. */
export interface SwarmingHostOptions {
  /** Host name, for example `chromium-swarm.appspot.com`. */
  readonly host: string;
  /** The `pool` dimension of bots that register on it. @defaultValue the fleet's `defaultPool` */
  readonly pool?: string;
  /** @defaultValue 0, a free port */
  readonly port?: number;
}

/**
 * Options of {@link startEmulator}. The fleet options (boot delay,
 * probabilities, images, site and so on) are accepted here too.
 */
export interface EmulatorOptions extends FleetOptions {
  /** Virtual time at start, in milliseconds since the Unix epoch. @defaultValue {@link DEFAULT_START_TIME} */
  readonly startTime?: Timestamp;
  /** The `x-goog-api-key` value MacService accepts. @defaultValue {@link DEFAULT_API_KEY} */
  readonly apiKey?: string;
  /** The bearer token Swarming accepts. @defaultValue {@link DEFAULT_TOKEN} */
  readonly token?: string;
  /** @defaultValue 0, a free port */
  readonly macServicePort?: number;
  /** @defaultValue `'/v1alpha1/'` */
  readonly macServiceBasePath?: string;
  /** Swarming hosts, each served on its own port. @defaultValue one host, `chromium-swarm.appspot.com` with pool `luci.golang.shared-workers` */
  readonly swarmingHosts?: readonly SwarmingHostOptions[];
  /** Whether `leases:find` returns bot certificate and key metadata values. @defaultValue true */
  readonly echoSecretMetadata?: boolean;
  /** `deathTimeout` in ListBots responses, in seconds. @defaultValue 600 */
  readonly deathTimeoutSeconds?: number;
  /** Wall-clock delay in milliseconds before each request is handled, for all or per server. @defaultValue 0 */
  readonly latencyMs?: number | { readonly macservice?: number; readonly swarming?: number };
  /** Caps the bots per ListBots page below the requested limit. @defaultValue no cap */
  readonly listBotsPageSize?: number;
  /** How many request log entries to keep. @defaultValue 10,000 */
  readonly requestLogLimit?: number;
  /**
   * Advances the virtual clock by `stepMs` every `everyMs` of wall-clock
   * time, for a long-running emulator that no test drives. @defaultValue off
   */
  readonly autoAdvance?: { readonly everyMs: number; readonly stepMs: number };
}

/** URLs, seed and virtual time of a running emulator, for printing. It leaves out the API key and token. */
export interface EmulatorDescription {
  readonly macServiceUrl: string;
  readonly swarming: readonly { readonly host: string; readonly pool: string; readonly url: string }[];
  readonly seed: number;
  /** The virtual time, RFC 3339. */
  readonly now: string;
}

/** A running emulator. */
export interface Emulator {
  /** MacService base URL ending in `/v1alpha1/` (or the configured base path). */
  readonly macServiceUrl: string;
  /** Returns the service URL of a swarming host, like `http://127.0.0.1:40124`; throws for a host not served. */
  swarmingUrl(host: string): string;
  /** The served swarming hosts in option order. */
  readonly swarmingHosts: readonly { readonly host: string; readonly pool: string; readonly url: string }[];
  readonly fleet: Fleet;
  readonly clock: VirtualClock;
  readonly faults: FaultController;
  readonly requestLog: RequestLog;
  /** The `x-goog-api-key` value MacService accepts. */
  readonly apiKey: string;
  /** The bearer token Swarming accepts. */
  readonly token: string;
  readonly seed: number;
  /** Lists the URLs and seed, without the API key and token. */
  describe(): EmulatorDescription;
  /** Stops every server, drops held requests and stops auto-advance. Calling it again does nothing. */
  stop(): Promise<void>;
}

const requireHeaderValue = (name: string, value: string): void => {
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new RangeError(`${name} must be non-empty printable ASCII without spaces, so it fits in an HTTP header`);
  }
};

const requirePort = (name: string, port: number): void => {
  if (!(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    throw new RangeError(`${name} must be a port between 0 and 65535 (0 picks a free one), got ${String(port)}`);
  }
};

const validateHosts = (hosts: readonly SwarmingHostOptions[]): void => {
  const seen = new Set<string>();
  for (const entry of hosts) {
    if (!/^[A-Za-z0-9.-]+$/.test(entry.host)) {
      throw new RangeError(`swarming host "${entry.host}" must be a host name such as chromium-swarm.appspot.com`);
    }
    if (seen.has(entry.host)) throw new RangeError(`swarming host ${entry.host} is listed twice; list each host once`);
    seen.add(entry.host);
    requirePort(`the port of swarming host ${entry.host}`, entry.port ?? 0);
  }
};

const validateAutoAdvance = (autoAdvance: EmulatorOptions['autoAdvance']): void => {
  if (autoAdvance === undefined) return;

  const { everyMs, stepMs } = autoAdvance;
  if (!(Number.isFinite(everyMs) && everyMs >= 1 && Number.isFinite(stepMs) && stepMs >= 0)) {
    throw new RangeError(`autoAdvance needs everyMs >= 1 and stepMs >= 0, got everyMs ${everyMs} and stepMs ${stepMs}`);
  }
};

const applyLatency = (faults: FaultController, latency: EmulatorOptions['latencyMs']): void => {
  if (latency === undefined) return;
  if (typeof latency === 'number') {
    faults.setLatency(latency);
    return;
  }
  const servers: readonly EmulatedServer[] = ['macservice', 'swarming'];
  for (const server of servers) {
    const milliseconds = latency[server];
    if (milliseconds !== undefined) faults.setLatency(milliseconds, server);
  }
};

/**
 * Starts an emulator: a MacService server and one Swarming server per
 * swarming host, sharing one fleet and virtual clock. Throws a RangeError
 * naming any invalid option, or the listen error when a port is taken.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ seed: 7 });
 * // point makemac at emulator.macServiceUrl and emulator.swarmingUrl('chromium-swarm.appspot.com')
 * emulator.clock.advance(10 * 60_000); // created leases boot
 * await emulator.stop();
 * ```
 */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const seed = options.seed ?? 1;
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const token = options.token ?? DEFAULT_TOKEN;
  const hostOptions = options.swarmingHosts ?? [{ host: DEFAULT_SWARMING_HOST }];
  const defaultPool = options.defaultPool ?? DEFAULT_POOL;

  requireHeaderValue('apiKey', apiKey);
  requireHeaderValue('token', token);
  requirePort('macServicePort', options.macServicePort ?? 0);
  validateHosts(hostOptions);
  validateAutoAdvance(options.autoAdvance);
  const deathTimeoutSeconds = options.deathTimeoutSeconds ?? 600;
  if (!(Number.isInteger(deathTimeoutSeconds) && deathTimeoutSeconds > 0)) {
    throw new RangeError(`deathTimeoutSeconds must be a positive whole number, got ${String(deathTimeoutSeconds)}`);
  }

  const pools: Record<string, string> = { ...options.pools };
  for (const entry of hostOptions) if (entry.pool !== undefined) pools[entry.host] = entry.pool;

  const clock = new VirtualClock(options.startTime ?? DEFAULT_START_TIME);
  const fleet = new Fleet(clock, { ...options, seed, pools, defaultPool });
  const faults = new FaultController(seed);
  applyLatency(faults, options.latencyMs);
  faults.setListBotsPageSize(options.listBotsPageSize);
  const requestLog = new RequestLog(() => [apiKey, token], options.requestLogLimit);

  const started: { close(): Promise<void> }[] = [];
  let macService: MacServiceServer;
  const swarmingServers: SwarmingServer[] = [];
  try {
    macService = await startMacServiceServer({
      fleet,
      faults,
      requestLog,
      apiKey,
      basePath: options.macServiceBasePath,
      echoSecretMetadata: options.echoSecretMetadata,
      port: options.macServicePort,
    });
    started.push(macService);

    for (const entry of hostOptions) {
      const server = await startSwarmingServer({
        swarmingHost: entry.host,
        fleet,
        faults,
        requestLog,
        token,
        deathTimeoutSeconds,
        port: entry.port,
      });
      started.push(server);
      swarmingServers.push(server);
    }
  } catch (error) {
    await Promise.all(started.map((server) => server.close()));
    throw error;
  }

  const timer = startAutoAdvance(clock, options.autoAdvance);
  const swarmingHosts = swarmingServers.map((server) => ({
    host: server.swarmingHost,
    pool: fleet.poolOf(server.swarmingHost),
    url: server.url,
  }));
  let stopping: Promise<void> | undefined;

  return {
    macServiceUrl: macService.url,
    swarmingUrl: (host) => {
      const entry = swarmingHosts.find((candidate) => candidate.host === host);
      if (entry === undefined) {
        const served = swarmingHosts.map((candidate) => candidate.host).join(', ');
        throw new RangeError(`the emulator does not serve swarming host ${host}; it serves ${served}`);
      }
      return entry.url;
    },
    swarmingHosts,
    fleet,
    clock,
    faults,
    requestLog,
    apiKey,
    token,
    seed,
    describe: () => ({
      macServiceUrl: macService.url,
      swarming: swarmingHosts,
      seed,
      now: formatTimestamp(clock.now()),
    }),
    stop: () => {
      if (timer !== undefined) clearInterval(timer);
      stopping ??= Promise.all(started.map((server) => server.close())).then(() => undefined);
      return stopping;
    },
  };
};

const startAutoAdvance = (
  clock: VirtualClock,
  autoAdvance: EmulatorOptions['autoAdvance'],
): ReturnType<typeof setInterval> | undefined => {
  if (autoAdvance === undefined) return undefined;

  const { everyMs, stepMs } = autoAdvance;
  const timer = setInterval(() => clock.advance(stepMs), everyMs);
  // A forgotten emulator must not keep the process alive.
  timer.unref();
  return timer;
};
