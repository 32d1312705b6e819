/**
 * The in-memory fleet that both emulated services share: MacService leases
 * and the Swarming bots that run on them, driven by the virtual clock.
 *
 * A created lease boots after a seeded delay and registers a bot on the
 * swarming host named in its `golang.swarming` metadata. A lease that is
 * vacated or not renewed in time disappears, and its bot goes dead but stays
 * listed, as Swarming keeps dead bots. Every random choice comes from the
 * seeded generator, so the same seed and the same calls give the same fleet.
 */
import {
  METADATA_HOSTNAME,
  METADATA_SWARMING,
  type Duration,
  type MetadataEntry,
  type Timestamp,
} from '@makemac/core';

import type { EventId, VirtualClock } from './clock.js';
import type {
  AddBotInput,
  AddLeaseInput,
  BootSkipReason,
  BootState,
  BotDeathCause,
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
import { SeededRandom } from './random.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The `os` dimension of a bot whose image has no override: macOS 14.3. */
export const DEFAULT_OS: readonly string[] = ['Mac', 'Mac-14', 'Mac-14.3'];

/** The pool of a swarming host that has no pool configured. */
export const DEFAULT_POOL = 'luci.golang.shared-workers';

/** How long Swarming keeps a dead bot listed: 4 weeks and 4 hours. */
export const DEFAULT_DEAD_BOT_RETENTION: Duration = (28 * 24 + 4) * HOUR;

/** At most this many history events are kept; older ones are dropped first. */
const HISTORY_LIMIT = 100_000;

interface LeaseState {
  readonly leaseId: string;
  readonly customerName: string;
  readonly projectName: string;
  readonly subCustomerName: string;
  readonly image: string;
  readonly profile: string;
  readonly accessLevel: string;
  readonly metadata: readonly MetadataEntry[];
  readonly createdAt: Timestamp;
  expires: Timestamp;
  boot: BootState;
  bootEvent?: EventId | undefined;
  expiryEvent?: EventId | undefined;
}

interface BotState {
  readonly swarmingHost: string;
  readonly botId: string;
  readonly leaseId?: string | undefined;
  readonly firstSeen: Timestamp;
  dimensions: Map<string, readonly string[]>;
  isDead: boolean;
  /** False once the bot stopped polling; it may still be listed alive until death is detected. */
  checkingIn: boolean;
  lastSeen: Timestamp;
  taskId?: string | undefined;
  quarantined: boolean;
  maintenanceMsg?: string | undefined;
  terminationTaskId?: string | undefined;
  terminationPending: boolean;
  /** Scheduled crash, task start or task end, cancelled when the bot stops. */
  lifeEvents: Set<EventId>;
  removalEvent?: EventId | undefined;
}

interface ResolvedOptions {
  readonly seed: number;
  readonly site: string;
  readonly pools: Readonly<Record<string, string>>;
  readonly defaultPool: string;
  readonly defaultOs: readonly string[];
  readonly bootDelayMs: MillisecondRange;
  readonly neverBootProbability: number;
  readonly deathProbabilityPerHour: number;
  readonly taskProbabilityPerHour: number;
  readonly taskDurationMs: MillisecondRange;
  readonly images: Readonly<Record<string, ImageBehaviour>>;
  readonly deathDetectionDelayMs: Duration;
  readonly deadBotRetentionMs: Duration;
}

const requireProbability = (name: string, value: number): void => {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be a probability between 0 and 1, got ${String(value)}`);
  }
};

const requireRange = (name: string, range: MillisecondRange): void => {
  if (!(Number.isFinite(range.min) && Number.isFinite(range.max) && range.min >= 0 && range.min <= range.max)) {
    throw new RangeError(`${name} must have 0 <= min <= max milliseconds, got min ${range.min} and max ${range.max}`);
  }
};

const requireNonNegative = (name: string, value: number): void => {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`${name} must be 0 or more milliseconds, got ${String(value)}`);
  }
};

/** Fills in the defaults of {@link FleetOptions} and rejects invalid values. */
const resolveOptions = (options: FleetOptions): ResolvedOptions => {
  const resolved: ResolvedOptions = {
    seed: options.seed ?? 1,
    site: options.site ?? 'c3',
    pools: options.pools ?? {},
    defaultPool: options.defaultPool ?? DEFAULT_POOL,
    defaultOs: options.defaultOs ?? DEFAULT_OS,
    bootDelayMs: options.bootDelayMs ?? { min: 2 * MINUTE, max: 8 * MINUTE },
    neverBootProbability: options.neverBootProbability ?? 0,
    deathProbabilityPerHour: options.deathProbabilityPerHour ?? 0,
    taskProbabilityPerHour: options.taskProbabilityPerHour ?? 0,
    taskDurationMs: options.taskDurationMs ?? { min: 5 * MINUTE, max: 30 * MINUTE },
    images: options.images ?? {},
    deathDetectionDelayMs: options.deathDetectionDelayMs ?? 0,
    deadBotRetentionMs: options.deadBotRetentionMs ?? DEFAULT_DEAD_BOT_RETENTION,
  };

  if (!/^[a-z0-9-]+$/.test(resolved.site)) {
    throw new RangeError(`site must be lower-case letters, digits and dashes, like "c3", got "${resolved.site}"`);
  }
  requireRange('bootDelayMs', resolved.bootDelayMs);
  requireRange('taskDurationMs', resolved.taskDurationMs);
  requireProbability('neverBootProbability', resolved.neverBootProbability);
  requireProbability('deathProbabilityPerHour', resolved.deathProbabilityPerHour);
  requireProbability('taskProbabilityPerHour', resolved.taskProbabilityPerHour);
  requireNonNegative('deathDetectionDelayMs', resolved.deathDetectionDelayMs);
  requireNonNegative('deadBotRetentionMs', resolved.deadBotRetentionMs);

  return resolved;
};

const metadataValue = (metadata: readonly MetadataEntry[], key: string): string | undefined =>
  metadata.find((entry) => entry.key === key)?.value;

const toMetadataEntries = (metadata: AddLeaseInput['metadata']): readonly MetadataEntry[] => {
  if (metadata === undefined) return [];
  if (Array.isArray(metadata)) return metadata.map(({ key, value }) => ({ key, value }));
  return Object.entries(metadata as Readonly<Record<string, string>>).map(([key, value]) => ({ key, value }));
};

const leaseView = (lease: LeaseState): FleetLease => ({
  leaseId: lease.leaseId,
  customerName: lease.customerName,
  projectName: lease.projectName,
  subCustomerName: lease.subCustomerName,
  image: lease.image,
  profile: lease.profile,
  accessLevel: lease.accessLevel,
  metadata: lease.metadata,
  createdAt: lease.createdAt,
  expires: lease.expires,
  boot: lease.boot,
});

/** Orders strings by UTF-16 code units, like Swarming and Go sort ids, not by locale. */
const compareText = (a: string, b: string): number => {
  if (a < b) return -1;
  return a > b ? 1 : 0;
};

const byLeaseId = (a: { leaseId: string }, b: { leaseId: string }): number => compareText(a.leaseId, b.leaseId);

const byBotId = (a: { botId: string }, b: { botId: string }): number => compareText(a.botId, b.botId);

/**
 * The fleet model. Servers call {@link Fleet.createLease} and friends; tests
 * and demos seed state with {@link Fleet.addLease}, {@link Fleet.addBot} and
 * the other setters, and read it back with {@link Fleet.snapshot}.
 *
 * @remarks
 * Methods that name a bot take an optional swarming host. Without one, the
 * bot id must be unique across hosts, else the method throws.
 */
export class Fleet {
  readonly #clock: VirtualClock;
  readonly #options: ResolvedOptions;
  readonly #leaseIds: SeededRandom;
  readonly #lifecycle: SeededRandom;
  readonly #taskIds: SeededRandom;
  readonly #leases = new Map<string, LeaseState>();
  readonly #bots = new Map<string, Map<string, BotState>>();
  #history: FleetEvent[] = [];

  /** Creates an empty fleet driven by `clock`. Throws a RangeError naming any invalid option. */
  constructor(clock: VirtualClock, options: FleetOptions = {}) {
    this.#clock = clock;
    this.#options = resolveOptions(options);
    this.#leaseIds = new SeededRandom(this.#options.seed, 'lease-ids');
    this.#lifecycle = new SeededRandom(this.#options.seed, 'lifecycle');
    this.#taskIds = new SeededRandom(this.#options.seed, 'task-ids');
  }

  /** Returns the current virtual time. */
  now(): Timestamp {
    return this.#clock.now();
  }

  /** Returns the pool that bots on `swarmingHost` get. */
  poolOf(swarmingHost: string): string {
    return this.#options.pools[swarmingHost] ?? this.#options.defaultPool;
  }

  /** Builds the bot id of a lease: `<hostname>--<leaseId>.golang.<site>.macservice.goog`. */
  botIdOf(hostname: string, leaseId: string): string {
    return `${hostname}--${leaseId}.golang.${this.#options.site}.macservice.goog`;
  }

  // --- Operations of the MacService API ---------------------------------

  /**
   * Creates a lease that ends `duration` milliseconds from now and schedules
   * its boot. Throws a RangeError when the duration is not positive.
   */
  createLease(specification: LeaseSpecification, duration: Duration): FleetLease {
    if (!(Number.isFinite(duration) && duration > 0)) {
      throw new RangeError(`a lease needs a positive duration, got ${String(duration)} ms`);
    }

    const now = this.#clock.now();
    const lease = this.#storeLease({
      leaseId: this.#newLeaseId(),
      customerName: specification.namespace.customerName,
      projectName: specification.namespace.projectName,
      subCustomerName: specification.namespace.subCustomerName,
      image: specification.image,
      profile: specification.profile,
      accessLevel: specification.accessLevel,
      metadata: specification.metadata.map(({ key, value }) => ({ key, value })),
      createdAt: now,
      expires: now + duration,
      boot: 'pending',
    });

    const skip = this.#bootSkipReason(lease);
    if (skip === undefined) {
      const delay = this.#lifecycle.integer(this.#options.bootDelayMs.min, this.#options.bootDelayMs.max);
      this.#scheduleBoot(lease, now + delay);
    } else {
      lease.boot = 'never';
      this.#record({ _tag: 'BootSkipped', at: now, leaseId: lease.leaseId, reason: skip });
    }

    return leaseView(lease);
  }

  /**
   * Sets a lease to end `duration` milliseconds from now (not from its old
   * expiry). A duration of 0 or less ends it at once. Returns undefined when
   * no such lease exists.
   */
  renewLease(leaseId: string, duration: Duration): FleetLease | undefined {
    const lease = this.#leases.get(leaseId);
    if (lease === undefined) return undefined;

    const now = this.#clock.now();
    lease.expires = now + duration;
    this.#record({ _tag: 'LeaseRenewed', at: now, leaseId, expires: lease.expires });

    this.#clock.cancel(lease.expiryEvent);
    if (lease.expires <= now) {
      this.#endLease(lease, 'LeaseExpired');
    } else {
      lease.expiryEvent = this.#clock.schedule(lease.expires, `expire lease ${leaseId}`, () =>
        this.#endLease(lease, 'LeaseExpired'),
      );
    }
    return leaseView(lease);
  }

  /** Ends a lease now; its bot goes dead. Returns false when no such lease exists. */
  vacateLease(leaseId: string): boolean {
    const lease = this.#leases.get(leaseId);
    if (lease === undefined) return false;

    this.#endLease(lease, 'LeaseVacated');
    return true;
  }

  /**
   * Lists the live leases of a customer, sorted by lease id. An empty
   * `projectName` or `subCustomerName` matches every value.
   */
  findLeases(customerName: string, projectName = '', subCustomerName = ''): readonly FleetLease[] {
    const now = this.#clock.now();
    return [...this.#leases.values()]
      .filter(
        (lease) =>
          lease.customerName === customerName &&
          (projectName === '' || lease.projectName === projectName) &&
          (subCustomerName === '' || lease.subCustomerName === subCustomerName) &&
          lease.expires > now,
      )
      .sort(byLeaseId)
      .map(leaseView);
  }

  // --- Operations of the Swarming API -------------------------------------

  /** Lists every bot of a swarming host, dead ones included, sorted by bot id. */
  bots(swarmingHost: string): readonly FleetBot[] {
    const bots = this.#bots.get(swarmingHost);
    if (bots === undefined) return [];
    return [...bots.values()].sort(byBotId).map((bot) => this.#botView(bot));
  }

  /**
   * Asks a bot to shut down after its current task, or at once when it is
   * idle. Returns the id of the termination task. A bot that is already dead
   * stays dead and still gets a task id, which never runs.
   */
  terminateBot(swarmingHost: string, botId: string, reason = ''): TerminateResult {
    const bot = this.#bots.get(swarmingHost)?.get(botId);
    if (bot === undefined) return { _tag: 'BotNotFound' };

    const now = this.#clock.now();
    const taskId = this.#newTaskId();
    if (bot.checkingIn) bot.terminationTaskId = taskId;
    this.#record({ _tag: 'TerminationRequested', at: now, swarmingHost, botId, taskId, reason });

    if (bot.checkingIn && bot.taskId === undefined) this.#stopBot(bot, 'terminated');
    else if (bot.checkingIn) bot.terminationPending = true;

    return { _tag: 'TerminationQueued', taskId };
  }

  // --- Seeding and state for tests ---------------------------------------

  /**
   * Adds a lease of any project with an explicit expiry, for seeding a
   * scenario. Throws when the lease id is taken or `expires` is not in the
   * future.
   */
  addLease(input: AddLeaseInput): FleetLease {
    const now = this.#clock.now();
    if (!(input.expires > now)) {
      throw new RangeError(
        `lease expires must be after the current virtual time ${new Date(now).toISOString()}, got ${String(input.expires)}`,
      );
    }
    if (input.leaseId !== undefined && this.#leases.has(input.leaseId)) {
      throw new Error(`lease ${input.leaseId} already exists; pass another leaseId or omit it`);
    }

    const boot = input.boot ?? 'never';
    const lease = this.#storeLease({
      leaseId: input.leaseId ?? this.#newLeaseId(),
      customerName: input.customerName ?? 'golang',
      projectName: input.projectName,
      subCustomerName: input.subCustomerName ?? '',
      image: input.image,
      profile: input.profile ?? 'V1_MEDIUM_VM',
      accessLevel: input.accessLevel ?? 'GOLANG_OSS',
      metadata: toMetadataEntries(input.metadata),
      createdAt: input.createdAt ?? now,
      expires: input.expires,
      boot: boot === 'never' ? 'never' : 'pending',
    });

    if (boot === 'now') this.#bootLease(lease);
    if (boot === 'scheduled') {
      const delay = this.#lifecycle.integer(this.#options.bootDelayMs.min, this.#options.bootDelayMs.max);
      this.#scheduleBoot(lease, now + delay);
    }
    return leaseView(lease);
  }

  /**
   * Adds a bot to a swarming host, for seeding a scenario. The bot may name
   * a lease that does not exist. Throws when the id is taken on that host or
   * cannot be built.
   */
  addBot(input: AddBotInput): FleetBot {
    const botId = input.botId ?? this.#defaultBotId(input);
    if (this.#bots.get(input.swarmingHost)?.has(botId) === true) {
      throw new Error(`bot ${botId} already exists on ${input.swarmingHost}; pass another botId`);
    }

    const now = this.#clock.now();
    const isDead = input.isDead ?? false;
    const bot: BotState = {
      swarmingHost: input.swarmingHost,
      botId,
      leaseId: input.leaseId,
      firstSeen: input.firstSeen ?? now,
      dimensions: this.#dimensions(botId, input.swarmingHost, input.pool, input.os, input.dimensions),
      isDead,
      checkingIn: !isDead,
      lastSeen: isDead ? (input.lastSeen ?? now) : now,
      taskId: isDead ? undefined : input.taskId,
      quarantined: input.quarantined ?? false,
      maintenanceMsg: input.maintenanceMsg,
      terminationPending: false,
      lifeEvents: new Set(),
    };
    this.#hostBots(input.swarmingHost).set(botId, bot);

    if (isDead) this.#scheduleRemoval(bot);
    else this.#scheduleLife(bot);
    return this.#botView(bot);
  }

  /** Kills a live bot now, as if its VM crashed and Swarming noticed. Throws when the bot is unknown. */
  killBot(botId: string, swarmingHost?: string): FleetBot {
    const bot = this.#findBot(botId, swarmingHost);
    this.#stopBot(bot, 'killed');
    return this.#botView(bot);
  }

  /**
   * Makes a live bot busy with a task. The task id defaults to a fresh one;
   * with `durationMs` the task ends by itself, else call {@link Fleet.setIdle}.
   */
  setBusy(botId: string, taskId?: string, options: { swarmingHost?: string; durationMs?: Duration } = {}): FleetBot {
    const bot = this.#findBot(botId, options.swarmingHost);
    if (!bot.checkingIn) {
      throw new Error(`bot ${botId} is not running, so it cannot start a task; add a live bot first`);
    }
    if (bot.taskId !== undefined) this.#finishTask(bot);

    this.#startTask(bot, taskId ?? this.#newTaskId(), options.durationMs);
    return this.#botView(bot);
  }

  /** Ends the bot's task, if any. A bot whose termination was requested then shuts down. */
  setIdle(botId: string, swarmingHost?: string): FleetBot {
    const bot = this.#findBot(botId, swarmingHost);
    if (bot.taskId !== undefined) this.#finishTask(bot);
    return this.#botView(bot);
  }

  /** Sets the `quarantined` flag of a bot. */
  setQuarantined(botId: string, quarantined: boolean, swarmingHost?: string): FleetBot {
    const bot = this.#findBot(botId, swarmingHost);
    bot.quarantined = quarantined;
    return this.#botView(bot);
  }

  /** Puts a bot into maintenance with `message`, or takes it out with undefined. */
  setMaintenance(botId: string, message: string | undefined, swarmingHost?: string): FleetBot {
    const bot = this.#findBot(botId, swarmingHost);
    bot.maintenanceMsg = message === '' ? undefined : message;
    return this.#botView(bot);
  }

  /** Removes a bot from its host's listing, as Swarming's DeleteBot does. */
  removeBot(botId: string, swarmingHost?: string): void {
    const bot = this.#findBot(botId, swarmingHost);
    this.#dropBot(bot);
  }

  /** Lists the live leases of every customer, sorted by lease id. */
  leases(): readonly FleetLease[] {
    return [...this.#leases.values()].sort(byLeaseId).map(leaseView);
  }

  /** Returns one lease, or undefined when it does not exist (any more). */
  lease(leaseId: string): FleetLease | undefined {
    const lease = this.#leases.get(leaseId);
    return lease === undefined ? undefined : leaseView(lease);
  }

  /** Lists the swarming hosts that have at least one bot, sorted. */
  swarmingHosts(): readonly string[] {
    return [...this.#bots.entries()]
      .filter(([, bots]) => bots.size > 0)
      .map(([host]) => host)
      .sort();
  }

  /** Copies the whole state, for assertions and for printing. */
  snapshot(): FleetSnapshot {
    const bots: Record<string, readonly FleetBot[]> = {};
    for (const host of this.swarmingHosts()) bots[host] = this.bots(host);

    return {
      now: this.#clock.now(),
      leases: this.leases(),
      bots,
      pending: this.#clock.pending().map(({ at, label }) => ({ at, label })),
    };
  }

  /** Lists what happened so far, oldest first (the latest 100,000 events). */
  history(): readonly FleetEvent[] {
    return [...this.#history];
  }

  // --- Internals -----------------------------------------------------------

  #record(event: FleetEvent): void {
    this.#history.push(event);
    if (this.#history.length > HISTORY_LIMIT) this.#history = this.#history.slice(-HISTORY_LIMIT);
  }

  #newLeaseId(): string {
    for (;;) {
      const leaseId = this.#leaseIds.uuid();
      if (!this.#leases.has(leaseId)) return leaseId;
    }
  }

  /** Returns an id shaped like a Swarming task id: 16 hex digits ending in 0. */
  #newTaskId(): string {
    return `${this.#taskIds.hex(15)}0`;
  }

  #storeLease(lease: LeaseState): LeaseState {
    this.#leases.set(lease.leaseId, lease);
    lease.expiryEvent = this.#clock.schedule(lease.expires, `expire lease ${lease.leaseId}`, () =>
      this.#endLease(lease, 'LeaseExpired'),
    );
    this.#record({
      _tag: 'LeaseCreated',
      at: this.#clock.now(),
      leaseId: lease.leaseId,
      projectName: lease.projectName,
      image: lease.image,
      expires: lease.expires,
    });
    return lease;
  }

  #bootSkipReason(lease: LeaseState): BootSkipReason | undefined {
    // Draw the number even when an override decides, so one image's override
    // does not shift the random choices of every later lease.
    const unlucky = this.#lifecycle.chance(this.#options.neverBootProbability);

    if (this.#options.images[lease.image]?.neverBoots === true) return 'image-never-boots';
    if (metadataValue(lease.metadata, METADATA_SWARMING) === undefined) return 'metadata-missing';
    if (metadataValue(lease.metadata, METADATA_HOSTNAME) === undefined) return 'metadata-missing';
    return unlucky ? 'never-boot-probability' : undefined;
  }

  #scheduleBoot(lease: LeaseState, at: Timestamp): void {
    lease.bootEvent = this.#clock.schedule(at, `boot lease ${lease.leaseId}`, () => this.#bootLease(lease));
  }

  /** Registers the lease's bot, or marks the lease as never booting when its metadata names no host. */
  #bootLease(lease: LeaseState): void {
    lease.bootEvent = undefined;

    const swarmingHost = metadataValue(lease.metadata, METADATA_SWARMING);
    const hostname = metadataValue(lease.metadata, METADATA_HOSTNAME);
    if (swarmingHost === undefined || hostname === undefined) {
      lease.boot = 'never';
      this.#record({ _tag: 'BootSkipped', at: this.#clock.now(), leaseId: lease.leaseId, reason: 'metadata-missing' });
      return;
    }

    lease.boot = 'booted';
    this.#registerBot(swarmingHost, this.botIdOf(hostname, lease.leaseId), lease);
  }

  #registerBot(swarmingHost: string, botId: string, lease: LeaseState): void {
    const now = this.#clock.now();
    const hostBots = this.#hostBots(swarmingHost);
    const previous = hostBots.get(botId);
    if (previous !== undefined) this.#cancelBotEvents(previous);

    const os = this.#options.images[lease.image]?.os;
    const bot: BotState = {
      swarmingHost,
      botId,
      leaseId: lease.leaseId,
      firstSeen: previous?.firstSeen ?? now,
      dimensions: this.#dimensions(botId, swarmingHost, undefined, os, undefined),
      isDead: false,
      checkingIn: true,
      lastSeen: now,
      quarantined: false,
      terminationPending: false,
      lifeEvents: new Set(),
    };
    hostBots.set(botId, bot);

    this.#record({ _tag: 'BotRegistered', at: now, swarmingHost, botId, leaseId: lease.leaseId });
    this.#scheduleLife(bot);
  }

  #dimensions(
    botId: string,
    swarmingHost: string,
    pool: string | undefined,
    os: readonly string[] | undefined,
    extra: Readonly<Record<string, readonly string[]>> | undefined,
  ): Map<string, readonly string[]> {
    const dimensions = new Map<string, readonly string[]>([
      ['id', [botId]],
      ['os', os ?? this.#options.defaultOs],
      ['pool', [pool ?? this.poolOf(swarmingHost)]],
    ]);
    for (const [key, values] of Object.entries(extra ?? {})) dimensions.set(key, values);

    // Swarming lists dimension values sorted and without duplicates.
    for (const [key, values] of dimensions) dimensions.set(key, [...new Set(values)].sort());
    return dimensions;
  }

  /** Schedules the bot's next random crash and task, when those probabilities are above 0. */
  #scheduleLife(bot: BotState): void {
    const crashIn = this.#lifecycle.waitPerHourChance(this.#options.deathProbabilityPerHour);
    if (Number.isFinite(crashIn)) {
      this.#addLifeEvent(bot, crashIn, `crash bot ${bot.botId}`, () => this.#stopBot(bot, 'crashed'));
    }
    this.#scheduleNextTask(bot);
  }

  #scheduleNextTask(bot: BotState): void {
    const startIn = this.#lifecycle.waitPerHourChance(this.#options.taskProbabilityPerHour);
    if (!Number.isFinite(startIn)) return;

    this.#addLifeEvent(bot, startIn, `start task on bot ${bot.botId}`, () => {
      if (bot.taskId !== undefined) return;
      const duration = this.#lifecycle.integer(this.#options.taskDurationMs.min, this.#options.taskDurationMs.max);
      this.#startTask(bot, this.#newTaskId(), duration);
    });
  }

  #addLifeEvent(bot: BotState, delay: Duration, label: string, run: () => void): void {
    const id = this.#clock.schedule(this.#clock.now() + delay, label, () => {
      bot.lifeEvents.delete(id);
      run();
    });
    bot.lifeEvents.add(id);
  }

  #startTask(bot: BotState, taskId: string, duration: Duration | undefined): void {
    bot.taskId = taskId;
    this.#record({ _tag: 'TaskStarted', at: this.#clock.now(), swarmingHost: bot.swarmingHost, botId: bot.botId, taskId });

    if (duration !== undefined) {
      this.#addLifeEvent(bot, duration, `finish task ${taskId} on bot ${bot.botId}`, () => {
        if (bot.taskId === taskId) this.#finishTask(bot);
      });
    }
  }

  #finishTask(bot: BotState): void {
    const taskId = bot.taskId;
    if (taskId === undefined) return;

    bot.taskId = undefined;
    this.#record({ _tag: 'TaskFinished', at: this.#clock.now(), swarmingHost: bot.swarmingHost, botId: bot.botId, taskId });

    if (bot.terminationPending) this.#stopBot(bot, 'terminated');
    else if (bot.checkingIn) this.#scheduleNextTask(bot);
  }

  /**
   * Stops a bot from checking in. A shutdown (kill or termination) is marked
   * dead at once. A bot that just vanished is marked dead after the death
   * detection delay, because Swarming notices only that it stopped polling.
   */
  #stopBot(bot: BotState, cause: BotDeathCause): void {
    if (!bot.checkingIn) return;

    this.#cancelBotEvents(bot);
    bot.checkingIn = false;
    bot.lastSeen = this.#clock.now();
    bot.taskId = undefined;
    bot.terminationPending = false;

    const delay = cause === 'killed' || cause === 'terminated' ? 0 : this.#options.deathDetectionDelayMs;
    if (delay === 0) {
      this.#markDead(bot, cause);
    } else {
      this.#addLifeEvent(bot, delay, `mark bot ${bot.botId} dead`, () => this.#markDead(bot, cause));
    }
  }

  #markDead(bot: BotState, cause: BotDeathCause): void {
    bot.isDead = true;
    this.#record({ _tag: 'BotDied', at: this.#clock.now(), swarmingHost: bot.swarmingHost, botId: bot.botId, cause });
    this.#scheduleRemoval(bot);
  }

  #scheduleRemoval(bot: BotState): void {
    bot.removalEvent = this.#clock.schedule(
      this.#clock.now() + this.#options.deadBotRetentionMs,
      `drop dead bot ${bot.botId}`,
      () => this.#dropBot(bot),
    );
  }

  #dropBot(bot: BotState): void {
    this.#cancelBotEvents(bot);
    const hostBots = this.#bots.get(bot.swarmingHost);
    if (hostBots?.get(bot.botId) !== bot) return;

    hostBots.delete(bot.botId);
    this.#record({ _tag: 'BotRemoved', at: this.#clock.now(), swarmingHost: bot.swarmingHost, botId: bot.botId });
  }

  #cancelBotEvents(bot: BotState): void {
    for (const id of bot.lifeEvents) this.#clock.cancel(id);
    bot.lifeEvents.clear();
    this.#clock.cancel(bot.removalEvent);
    bot.removalEvent = undefined;
  }

  #endLease(lease: LeaseState, tag: 'LeaseVacated' | 'LeaseExpired'): void {
    if (this.#leases.get(lease.leaseId) !== lease) return;

    this.#leases.delete(lease.leaseId);
    this.#clock.cancel(lease.bootEvent);
    this.#clock.cancel(lease.expiryEvent);
    this.#record({ _tag: tag, at: this.#clock.now(), leaseId: lease.leaseId });

    for (const bots of this.#bots.values()) {
      for (const bot of bots.values()) {
        if (bot.leaseId === lease.leaseId) this.#stopBot(bot, 'lease-ended');
      }
    }
  }

  #hostBots(swarmingHost: string): Map<string, BotState> {
    let bots = this.#bots.get(swarmingHost);
    if (bots === undefined) {
      bots = new Map();
      this.#bots.set(swarmingHost, bots);
    }
    return bots;
  }

  #defaultBotId(input: AddBotInput): string {
    if (input.hostname === undefined || input.leaseId === undefined) {
      throw new Error('addBot needs a botId, or both a hostname and a leaseId to build one');
    }
    return this.botIdOf(input.hostname, input.leaseId);
  }

  #findBot(botId: string, swarmingHost: string | undefined): BotState {
    const hosts = swarmingHost === undefined ? [...this.#bots.keys()] : [swarmingHost];
    const matches = hosts
      .map((host) => this.#bots.get(host)?.get(botId))
      .filter((bot): bot is BotState => bot !== undefined);

    if (matches.length === 0) {
      throw new Error(`no bot ${botId} on ${swarmingHost ?? 'any swarming host'}`);
    }
    if (matches.length > 1) {
      const names = matches.map((bot) => bot.swarmingHost).join(', ');
      throw new Error(`bot ${botId} is listed on several swarming hosts (${names}); pass the swarming host`);
    }
    return matches[0] as BotState;
  }

  #botView(bot: BotState): FleetBot {
    const dimensions = [...bot.dimensions.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([key, value]) => ({ key, value }));

    return {
      swarmingHost: bot.swarmingHost,
      botId: bot.botId,
      leaseId: bot.leaseId,
      isDead: bot.isDead,
      taskId: bot.taskId,
      quarantined: bot.quarantined,
      maintenanceMsg: bot.maintenanceMsg,
      firstSeen: bot.firstSeen,
      lastSeen: bot.checkingIn ? this.#clock.now() : bot.lastSeen,
      dimensions,
      terminationTaskId: bot.terminationTaskId,
    };
  }
}
