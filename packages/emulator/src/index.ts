/**
 * `@makemac/emulator`: HTTP servers on 127.0.0.1 that behave like the
 * MacService leases API and LUCI Swarming's ListBots and TerminateBot
 * (pRPC over JSON), sharing one in-memory fleet driven by a virtual clock.
 * makemac's demo and end-to-end tests run against it.
 *
 * Start with {@link startEmulator}; seed scenarios through `emulator.fleet`
 * or {@link seedTroubledPool}, move time with `emulator.clock`, and inject
 * faults with `emulator.faults`.
 */
export { VirtualClock, type EventId, type PendingEvent } from './clock.js';
export { SeededRandom } from './random.js';
export { Fleet, DEFAULT_OS, DEFAULT_POOL, DEFAULT_DEAD_BOT_RETENTION } from './fleet.js';
export type {
  AddBotInput,
  AddLeaseInput,
  BootSkipReason,
  BootState,
  BotDeathCause,
  BotDimension,
  FleetBot,
  FleetEvent,
  FleetLease,
  FleetOptions,
  FleetSnapshot,
  ImageBehaviour,
  LeaseSpecification,
  MillisecondRange,
  TerminateResult,
} from './fleet-types.js';
export {
  FaultController,
  MACSERVICE_ENDPOINTS,
  SWARMING_METHODS,
  type EmulatedServer,
  type FaultAction,
  type FaultHandle,
  type FaultRule,
  type InstalledFault,
  type MatchedFault,
} from './faults.js';
export { RequestLog, redactJson, type RequestLogEntry, type RequestLogHandle } from './request-log.js';
export { formatTimestamp, parseDuration, GrpcCode, httpStatusOfGrpcCode } from './wire-format.js';
export { startMacServiceServer, type MacServiceServer, type MacServiceServerOptions } from './macservice-server.js';
export { startSwarmingServer, type SwarmingServer, type SwarmingServerOptions } from './swarming-server.js';
export {
  startEmulator,
  DEFAULT_API_KEY,
  DEFAULT_START_TIME,
  DEFAULT_SWARMING_HOST,
  DEFAULT_TOKEN,
  type Emulator,
  type EmulatorDescription,
  type EmulatorOptions,
  type SwarmingHostOptions,
} from './emulator.js';
export {
  seedTroubledPool,
  OBSOLETE_IMAGE,
  type SeededBotKind,
  type SeededLease,
  type SeededLeaseKind,
  type TroubledPool,
  type TroubledPoolHost,
  type TroubledPoolImage,
  type TroubledPoolInput,
} from './seed-pool.js';
