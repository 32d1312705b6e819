/**
 * `@makemac/runtime`: the reconcile runtime of makemac. It reads MacService
 * and Swarming through the ports, calls the pure planner for a plan, executes
 * the plan with bounded concurrency and safety checks, and reports every
 * outcome. `reconcileOnce` runs one cycle and `runLoop` runs them
 * periodically until an abort signal fires.
 */
export { reconcileOnce, type CycleOptions, type Planner, type RuntimeDeps } from './cycle.js';
export {
  runLoop,
  sleepUnlessAborted,
  type LoopDeps,
  type LoopOptions,
  type LoopResult,
  type LoopSchedule,
  type Sleep,
} from './loop.js';
export {
  DEFAULT_CONCURRENCY,
  drainReasonText,
  executeActions,
  type ExecuteDeps,
  type ExecuteOptions,
} from './execute.js';
export { createBatchSizes, isQuotaError } from './creates.js';
export {
  createMemoryDrainStore,
  DEFAULT_DRAIN_MAX_AGE,
  pruneDrained,
  skipAlreadyDraining,
  type DrainedBot,
  type DrainedBotKey,
  type DrainedBotStore,
  type DrainForgetReason,
  type DrainPrune,
} from './drains.js';
export { holdBackUnsafeActions, type ListingSafetyOptions, type SafetyDecision } from './safety.js';
export {
  buildLeaseRequest,
  createSecretCache,
  createSecretResolver,
  secretReferences,
  type SchemeResolver,
  type SecretCache,
  type SecretError,
  type SecretResolver,
  type SecretResolverOptions,
} from './secrets.js';
export {
  createMemoryPendingStore,
  pendingLease,
  prunePending,
  type ForgetReason,
  type PendingCreate,
  type PendingCreateStore,
  type PendingPrune,
} from './pending.js';
export { readServices, type FindFailure, type ServiceReading } from './snapshot.js';
export { actionFields, defaultLogger, logPortEvent, type PortEvent, type PortEventLevel } from './logging.js';
export {
  summarizeOutcomes,
  type ActionOutcome,
  type CycleReport,
  type CycleSummary,
  type ListingError,
  type OutcomeStatus,
  type SkipReason,
} from './report.js';
