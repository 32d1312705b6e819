/**
 * In-memory fakes of MacService and Swarming for the runtime tests. They
 * keep leases and bots and can fail or delay any call. Every call goes on a
 * shared timeline with its start, its end and the mutating calls in flight.
 * A simple planner and fixtures keep the tests independent of every rule of
 * the real planner.
 */
import {
  METADATA_CERT,
  METADATA_HOSTNAME,
  METADATA_KEY,
  METADATA_SWARMING,
  REDACTED,
  SECRET_METADATA_KEYS,
  type Action,
  type Bot,
  type BotListing,
  type Config,
  type CreatedLease,
  type Lease,
  type LeaseRequest,
  type ListBotsQuery,
  type MacServiceError,
  type MacServicePort,
  type Plan,
  type PlannedLeaseRequest,
  type PortError,
  type RenewedLease,
  type Snapshot,
  type SwarmingError,
  type SwarmingPort,
} from '@makemac/core';
import type { Either } from 'fp-ts/lib/Either.js';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { pino, type Logger } from 'pino';

export const HOUR = 60 * 60 * 1000;

/** The port methods the fakes record. */
export type Method = 'find' | 'create' | 'renew' | 'vacate' | 'listBots' | 'terminateBot';

const MUTATING: readonly Method[] = ['create', 'renew', 'vacate', 'terminateBot'];

/** One port call as the fakes saw it. Ticks count starts and ends across both fakes. */
export interface CallRecord {
  readonly method: Method;
  /** The lease id, swarming host or `<host> <image>` of a create. */
  readonly target: string;
  readonly startTick: number;
  endTick?: number;
}

/** Injected behaviour for one call: an error to return instead of doing the call. */
export type FailWith = (call: CallRecord) => PortError | undefined;

/** Injected delay for one call, awaited between its start and its end. */
export type Delay = (call: CallRecord) => Promise<void>;

/** The call log both fakes share. */
export class Timeline {
  tick = 0;
  readonly calls: CallRecord[] = [];
  inFlight = 0;
  maxInFlight = 0;
  failWith: FailWith = () => undefined;
  delay: Delay = () => Promise.resolve();

  /** Runs one call: records the start, waits the delay, applies an injected error or the body, records the end. */
  async run<L extends PortError, R>(method: Method, target: string, body: () => Either<L, R>): Promise<Either<L, R>> {
    const record: CallRecord = { method, target, startTick: this.tick++ };
    this.calls.push(record);
    const mutating = MUTATING.includes(method);
    if (mutating) {
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    }

    try {
      await this.delay(record);
      const injected = this.failWith(record);
      return injected === undefined ? body() : E.left(injected as L);
    } finally {
      if (mutating) {
        this.inFlight -= 1;
      }
      record.endTick = this.tick++;
    }
  }

  /** Returns the calls of some methods, in start order. */
  callsOf(...methods: Method[]): CallRecord[] {
    return this.calls.filter((call) => methods.includes(call.method));
  }
}

/** A model MacService holding leases. */
export class FakeMacService implements MacServicePort {
  readonly leases = new Map<string, Lease>();
  /** Every create request exactly as received, secret values included. */
  readonly createRequests: LeaseRequest[] = [];
  /** Leases hidden from the next n find calls, by lease id. */
  private readonly hiddenFromFind = new Map<string, number>();
  /** How many find calls a new lease stays hidden from; 0 lists it at once. */
  findLag = 0;
  /** Called with each created lease, for example to start its bot. */
  onCreate: (lease: Lease) => void = () => undefined;
  private nextLease = 1;

  constructor(
    readonly timeline: Timeline,
    private readonly clock: () => number,
  ) {}

  addLease(lease: Lease): void {
    this.leases.set(lease.leaseId, lease);
  }

  find(_customerName: string): TaskEither<MacServiceError, readonly Lease[]> {
    return () =>
      this.timeline.run('find', '', () => {
        const visible: Lease[] = [];
        for (const lease of this.leases.values()) {
          const hidden = this.hiddenFromFind.get(lease.leaseId) ?? 0;
          if (hidden > 0) {
            this.hiddenFromFind.set(lease.leaseId, hidden - 1);
          } else {
            visible.push(lease);
          }
        }
        return E.right(visible);
      });
  }

  create(request: LeaseRequest): TaskEither<MacServiceError, CreatedLease> {
    return () =>
      this.timeline.run('create', `${request.namespace.projectName.split('/')[1] ?? ''} ${request.image}`, () => {
        this.createRequests.push(request);
        const leaseId = `lease-${String(this.nextLease++).padStart(4, '0')}`;
        const expires = this.clock() + request.duration;
        const metadata: Record<string, string> = {};
        for (const entry of request.metadata) {
          metadata[entry.key] = SECRET_METADATA_KEYS.includes(entry.key) ? REDACTED : entry.value;
        }
        const lease: Lease = { leaseId, projectName: request.namespace.projectName, image: request.image, expires, metadata };
        this.leases.set(leaseId, lease);
        this.onCreate(lease);
        if (this.findLag > 0) {
          this.hiddenFromFind.set(leaseId, this.findLag);
        }
        return E.right({ leaseId, expires });
      });
  }

  renew(leaseId: string, duration: number): TaskEither<MacServiceError, RenewedLease> {
    return () =>
      this.timeline.run<MacServiceError, RenewedLease>('renew', leaseId, () => {
        const lease = this.leases.get(leaseId);
        if (lease === undefined) {
          return E.left(httpError(404, `lease ${leaseId} not found`));
        }
        const expires = this.clock() + duration;
        this.leases.set(leaseId, { ...lease, expires });
        return E.right({ expires });
      });
  }

  vacate(leaseId: string): TaskEither<MacServiceError, void> {
    return () =>
      this.timeline.run<MacServiceError, void>('vacate', leaseId, () => {
        this.leases.delete(leaseId);
        return E.right(undefined);
      });
  }
}

/** A model Swarming holding bots per swarming host. */
export class FakeSwarming implements SwarmingPort {
  readonly bots = new Map<string, Bot[]>();

  constructor(readonly timeline: Timeline) {}

  addBot(swarmingHost: string, bot: Bot): void {
    this.bots.set(swarmingHost, [...(this.bots.get(swarmingHost) ?? []), bot]);
  }

  listBots(query: ListBotsQuery): TaskEither<SwarmingError, BotListing> {
    return () =>
      this.timeline.run<SwarmingError, BotListing>('listBots', query.swarmingHost, () =>
        E.right({ swarmingHost: query.swarmingHost, bots: this.bots.get(query.swarmingHost) ?? [], excluded: [] }),
      );
  }

  /** Every TerminateBot request that succeeded, in order. */
  readonly terminated: { readonly swarmingHost: string; readonly botId: string; readonly reason: string }[] = [];

  terminateBot(swarmingHost: string, botId: string, reason: string): TaskEither<SwarmingError, void> {
    return () =>
      this.timeline.run<SwarmingError, void>('terminateBot', botId, () => {
        this.terminated.push({ swarmingHost, botId, reason });
        return E.right(undefined);
      });
  }

  /** Replaces the bot of a lease on a swarming host, for example to mark it dead. */
  updateBot(swarmingHost: string, leaseId: string, change: Partial<Bot>): void {
    const bots = this.bots.get(swarmingHost) ?? [];
    this.bots.set(
      swarmingHost,
      bots.map((bot) => (bot.leaseId === leaseId ? { ...bot, ...change } : bot)),
    );
  }
}

/** An HTTP error as the MacService adapter reports it. */
export const httpError = (status: number, bodyExcerpt: string): MacServiceError => ({
  _tag: 'HttpError',
  url: 'http://127.0.0.1:1/v1/leases',
  status,
  bodyExcerpt,
  retryable: status === 429 || status >= 500,
});

/** A gRPC UNAVAILABLE error as the Swarming adapter reports it. */
export const unavailable = (swarmingHost: string): SwarmingError => ({
  _tag: 'RpcError',
  url: `http://127.0.0.1:1/prpc/swarming.v2.Bots/ListBots?host=${swarmingHost}`,
  code: 14,
  codeName: 'UNAVAILABLE',
  httpStatus: 503,
  message: 'backend unavailable',
  retryable: true,
});

/** A mutable clock for tests. */
export class FakeClock {
  constructor(public time: number) {}
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

/** Creates a logger that parses each JSON line into `lines` and keeps the raw output for `text()`. */
export const captureLogger = (): { logger: Logger; lines: Record<string, unknown>[]; text: () => string } => {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write: (line: string) => {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines, text: () => raw.join('') };
};

export const HOST_A = 'swarm-a.example';
export const HOST_B = 'swarm-b.example';
export const IMAGE_1 = '1111111111111111111111111111111111111111111111111111111111111111';
export const IMAGE_2 = '2222222222222222222222222222222222222222222222222222222222222222';

/** A configuration with two swarming hosts: A wants 2 of image 1 and 1 of image 2, B wants 2 of image 1. */
export const testConfig = (counts: { a1?: number; a2?: number; b1?: number } = {}): Config => ({
  customer: 'golang',
  projectPrefix: 'makemac',
  createDuration: 24 * HOUR,
  renewDuration: 23 * HOUR,
  profile: 'V1_MEDIUM_VM',
  accessLevel: 'GOLANG_OSS',
  swarmingHosts: [
    {
      host: HOST_A,
      pool: 'pool-a',
      images: [
        { hostname: 'darwin-amd64-14', cert: 'env:A1_CERT', key: 'env:A1_KEY', image: IMAGE_1, count: counts.a1 ?? 2 },
        { hostname: 'darwin-arm64-15', cert: 'env:A2_CERT', key: 'env:A2_KEY', image: IMAGE_2, count: counts.a2 ?? 1 },
      ],
    },
    {
      host: HOST_B,
      pool: 'pool-b',
      images: [
        { hostname: 'darwin-amd64-13', cert: 'env:B1_CERT', key: 'env:B1_KEY', image: IMAGE_1, count: counts.b1 ?? 2 },
      ],
    },
  ],
});

/** Environment values for the references of {@link testConfig}. */
export const testSecrets: Record<string, string> = {
  A1_CERT: '-----BEGIN CERTIFICATE-----a1-cert-value',
  A1_KEY: '-----BEGIN PRIVATE KEY-----a1-key-value',
  A2_CERT: '-----BEGIN CERTIFICATE-----a2-cert-value',
  A2_KEY: '-----BEGIN PRIVATE KEY-----a2-key-value',
  B1_CERT: '-----BEGIN CERTIFICATE-----b1-cert-value',
  B1_KEY: '-----BEGIN PRIVATE KEY-----b1-key-value',
};

/** A managed lease of a swarming host. */
export const managedLease = (leaseId: string, swarmingHost: string, image: string, expires: number): Lease => ({
  leaseId,
  projectName: `makemac/${swarmingHost}`,
  image,
  expires,
  metadata: { [METADATA_SWARMING]: swarmingHost },
});

/** A live, idle bot for a lease. */
export const aliveBot = (leaseId: string, isDead = false): Bot => ({
  botId: `darwin--${leaseId}.golang.c3.macservice.goog`,
  leaseId,
  isDead,
  quarantined: false,
});

/** Builds the planned request of a create for one configured image. */
export const plannedRequest = (config: Config, swarmingHost: string, image: string): PlannedLeaseRequest => {
  const host = config.swarmingHosts.find((entry) => entry.host === swarmingHost);
  const imageConfig = host?.images.find((entry) => entry.image === image);
  if (imageConfig === undefined) {
    throw new Error(`no image ${image} on ${swarmingHost} in the test configuration`);
  }
  return {
    namespace: { customerName: config.customer, projectName: `${config.projectPrefix}/${swarmingHost}`, subCustomerName: '' },
    image,
    profile: config.profile,
    accessLevel: config.accessLevel,
    duration: config.createDuration,
    metadata: [
      { key: METADATA_SWARMING, value: { _tag: 'Plain', value: swarmingHost } },
      { key: METADATA_HOSTNAME, value: { _tag: 'Plain', value: imageConfig.hostname } },
      { key: METADATA_CERT, value: { _tag: 'SecretReference', reference: imageConfig.cert } },
      { key: METADATA_KEY, value: { _tag: 'SecretReference', reference: imageConfig.key } },
    ],
  };
};

/** Builders of actions for executor tests. */
export const vacateAction = (leaseId: string, swarmingHost = HOST_A, image = IMAGE_1): Action => ({
  _tag: 'Vacate',
  leaseId,
  swarmingHost,
  image,
  reason: 'bot-dead',
});

/** A drain of the bot that {@link aliveBot} builds for the lease. */
export const drainAction = (leaseId: string, swarmingHost = HOST_A, image = IMAGE_1): Action => ({
  _tag: 'Drain',
  leaseId,
  botId: aliveBot(leaseId).botId,
  swarmingHost,
  image,
  reason: 'image-obsolete',
});

export const renewAction = (leaseId: string, expires: number, swarmingHost = HOST_A, image = IMAGE_1): Action => ({
  _tag: 'Renew',
  leaseId,
  swarmingHost,
  image,
  expires,
  duration: 23 * HOUR,
});

export const createAction = (config: Config, swarmingHost: string, image: string): Action => {
  const request = plannedRequest(config, swarmingHost, image);
  const hostname = request.metadata.find((entry) => entry.key === METADATA_HOSTNAME)?.value;
  return {
    _tag: 'Create',
    swarmingHost,
    image,
    hostname: hostname?._tag === 'Plain' ? hostname.value : '',
    request,
  };
};

/** A plan with only actions. */
export const planOf = (now: number, actions: readonly Action[]): Plan => ({
  now,
  actions,
  decisions: [],
  groups: [],
  warnings: [],
});

/**
 * Plans with deliberately simple rules for runtime tests. It ignores whether
 * a listing failed, because the runtime must hold back what that makes unsafe.
 * It vacates managed leases whose bot is dead, or that have no bot and are
 * past their first hour. It renews managed leases with `renewDuration` or less
 * left, and creates what each configured (host, image) lacks.
 */
export const simplePlanner = (config: Config, snapshot: Snapshot): Plan => {
  const bots = new Map<string, Bot>();
  for (const listing of snapshot.swarming) {
    if (listing._tag === 'Listed') {
      listing.bots.forEach((bot) => bots.set(bot.leaseId, bot));
    }
  }

  const prefix = `${config.projectPrefix}/`;
  const managed = snapshot.leases
    .filter((lease) => lease.projectName.startsWith(prefix))
    .sort((a, b) => a.leaseId.localeCompare(b.leaseId));

  const vacates: Action[] = [];
  const renews: Action[] = [];
  const kept: Lease[] = [];
  for (const lease of managed) {
    const swarmingHost = lease.projectName.slice(prefix.length);
    const bot = bots.get(lease.leaseId);
    const left = lease.expires - snapshot.now;
    const booting = left > config.renewDuration;
    if (bot?.isDead === true) {
      vacates.push({ _tag: 'Vacate', leaseId: lease.leaseId, swarmingHost, image: lease.image, reason: 'bot-dead' });
      continue;
    }
    if (bot === undefined && !booting) {
      vacates.push({ _tag: 'Vacate', leaseId: lease.leaseId, swarmingHost, image: lease.image, reason: 'never-connected' });
      continue;
    }
    kept.push(lease);
    if (!booting) {
      renews.push({
        _tag: 'Renew',
        leaseId: lease.leaseId,
        swarmingHost,
        image: lease.image,
        expires: lease.expires,
        duration: config.renewDuration,
      });
    }
  }

  const creates: Action[] = [];
  for (const host of config.swarmingHosts) {
    for (const image of host.images) {
      const have = kept.filter(
        (lease) => lease.projectName === `${prefix}${host.host}` && lease.image === image.image,
      ).length;
      for (let i = have; i < image.count; i++) {
        creates.push(createAction(config, host.host, image.image));
      }
    }
  }

  return planOf(snapshot.now, [...vacates, ...renews, ...creates]);
};
