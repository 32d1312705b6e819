/**
 * fast-check arbitraries for configurations, leases, bots, listings and
 * time. Worlds mix managed, unmanaged and foreign-host leases, configured
 * and obsolete images, expiries around the booting boundary, bots in every
 * state (some listed by another host, some dead without a lease) and failed
 * or missing listings, so the planner's properties meet the awkward cases.
 */
import fc from 'fast-check';

import type { Bot, Config, ExcludedBot, HostPolicy, ImageConfig, Lease, Snapshot, SwarmingHostConfig, SwarmingListing } from '../src/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Swarming hosts a configuration may list. */
export const CONFIGURABLE_HOSTS = ['alpha.swarm.example', 'beta.swarm.example', 'gamma.swarm.example'] as const;

/** A host that no configuration lists: leases tagged with it are foreign-host. */
export const FOREIGN_HOST = 'retired.swarm.example';

/** Boot images a configuration may list, plus one it never does. */
export const IMAGES = [
  'b16a8a5f2d1e383667c3764d915551f4af56d63edd0679539703688a6b9f6754',
  '203520220bdfe6b42592d2ae731c9cb985768c701c569ff1bc572d1573e63ad6',
  'edbf519386cb968127d9e682ac5bbc9ca9fbc9b8e8657bade9488089bb842405',
] as const;
export const UNCONFIGURED_IMAGE = '0000000000000000000000000000000000000000000000000000000000000000';

/** A lease id that sorts like its number. */
export const leaseIdOf = (number: number): string => `${number.toString(16).padStart(8, '0')}-2aaa-4c80-b9cb-b800844fb104`;

const hostnameOf = (host: string, image: string): string => `${host.split('.')[0] ?? 'mac'}-${image.slice(0, 6)}`;

const imageConfigArbitrary = (host: string, image: string): fc.Arbitrary<ImageConfig> =>
  fc.integer({ min: 0, max: 4 }).map((count) => {
    const hostname = hostnameOf(host, image);
    return { hostname, cert: `secret:project/${hostname}-cert`, key: `secret:project/${hostname}-key`, image, count };
  });

/**
 * A safety policy that holds nothing back, so the properties of the base
 * rules hold; the policies have their own laws. Busy bots are still drained
 * instead of vacated, which the properties allow for.
 */
export const OPEN_POLICY: HostPolicy = {
  disruptionBudget: { _tag: 'Percent', percent: 100 },
  sanityGateThreshold: { _tag: 'Percent', percent: 100 },
  sanityGateAllowance: 1_000_000,
  maxSurge: { _tag: 'Percent', percent: 100 },
  maxUnavailable: { _tag: 'Percent', percent: 100 },
  rolloutPauseThreshold: 1_000_000,
  maxCreatesPerCycle: 1_000_000,
};

const hostConfigArbitrary = (host: string): fc.Arbitrary<SwarmingHostConfig> =>
  fc
    .uniqueArray(fc.constantFrom(...IMAGES), { maxLength: IMAGES.length })
    .chain((images) => fc.tuple(...images.map((image) => imageConfigArbitrary(host, image))))
    .map((images) => ({ host, pool: `pool.${host}`, images, policy: OPEN_POLICY }));

/** The production durations most of the time, otherwise any create > renew in whole minutes. */
const durationsArbitrary: fc.Arbitrary<{ createDuration: number; renewDuration: number }> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ createDuration: 24 * HOUR, renewDuration: 23 * HOUR }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 2 * 60, max: 48 * 60 })
      .chain((createMinutes) => fc.tuple(fc.constant(createMinutes), fc.integer({ min: 1, max: createMinutes - 1 })))
      .map(([createMinutes, renewMinutes]) => ({ createDuration: createMinutes * MINUTE, renewDuration: renewMinutes * MINUTE })),
  },
);

/** Valid configurations with `minHosts` to three hosts. */
export const configsArbitrary = (minHosts: number): fc.Arbitrary<Config> =>
  fc
    .record({
      hosts: fc.uniqueArray(fc.constantFrom(...CONFIGURABLE_HOSTS), { minLength: minHosts, maxLength: CONFIGURABLE_HOSTS.length }),
      durations: durationsArbitrary,
      projectPrefix: fc.constantFrom('makemac', 'macpool'),
    })
    .chain(({ hosts, durations, projectPrefix }) =>
      fc.tuple(...hosts.map(hostConfigArbitrary)).map((swarmingHosts) => ({
        customer: 'golang',
        projectPrefix,
        ...durations,
        profile: 'V1_MEDIUM_VM',
        accessLevel: 'GOLANG_OSS',
        swarmingHosts,
      })),
    );

/** Any valid configuration, including one with no hosts. */
export const configArbitrary: fc.Arbitrary<Config> = configsArbitrary(0);

/** The state of a lease's bot. */
export type BotState = 'none' | 'idle' | 'busy' | 'quarantined' | 'maintenance' | 'dead';

/** How a generated lease is tagged. */
export type Ownership = 'managed' | 'foreign-host' | 'unmanaged';

/** One generated lease before it is turned into domain values. */
interface LeaseSpec {
  readonly idNumber: number;
  readonly ownership: Ownership;
  readonly hostChoice: number;
  readonly imageChoice: number;
  readonly unmanagedChoice: number;
  readonly remaining: number;
  readonly bot: BotState;
  /** -1: the lease's own host; otherwise an index into the listed hosts. */
  readonly botHostChoice: number;
  /** A second, dead bot that names the same lease. */
  readonly staleTwin: boolean;
}

/** Time left, with extra weight on the renew and create boundaries. */
const remainingArbitrary = (config: Config): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(
      config.renewDuration,
      config.renewDuration + 1,
      config.renewDuration - 1,
      config.createDuration,
      0,
      -1,
      -3 * HOUR,
    ),
    fc.integer({ min: -2 * HOUR, max: config.createDuration + HOUR }),
    fc.integer({ min: config.renewDuration - 2 * HOUR, max: config.renewDuration + HOUR }),
  );

const leaseSpecArbitrary = (config: Config, idCount: number): fc.Arbitrary<LeaseSpec> =>
  fc.record({
    idNumber: fc.integer({ min: 0, max: idCount - 1 }),
    ownership: fc.constantFrom<Ownership>('managed', 'managed', 'managed', 'managed', 'foreign-host', 'unmanaged'),
    hostChoice: fc.nat(),
    imageChoice: fc.nat({ max: 9 }),
    unmanagedChoice: fc.nat(),
    remaining: remainingArbitrary(config),
    bot: fc.constantFrom<BotState>('none', 'idle', 'idle', 'idle', 'busy', 'busy', 'quarantined', 'maintenance', 'dead'),
    botHostChoice: fc.oneof({ weight: 5, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat({ max: 3 }) }),
    staleTwin: fc.boolean(),
  });

/** How each configured host's listing turns out. */
export type ListingOutcome = 'Listed' | 'ListingFailed' | 'missing';

/** A configuration and a snapshot to plan. */
export interface World {
  readonly config: Config;
  readonly snapshot: Snapshot;
}

export interface WorldOptions {
  /** Whether every configured host's listing succeeds. */
  readonly allListed?: boolean;
  /** Whether lease ids may repeat. */
  readonly duplicates?: boolean;
  readonly maxLeases?: number;
}

/** Worlds to plan: a configuration with at least one host and a snapshot at `now`. */
export const worldArbitrary = (options: WorldOptions = {}): fc.Arbitrary<World> =>
  configsArbitrary(1).chain((config) => {
    const idCount = options.duplicates === false ? 1_000_000 : 40;
    const outcome: fc.Arbitrary<ListingOutcome> =
      options.allListed === true ? fc.constant('Listed') : fc.constantFrom<ListingOutcome>('Listed', 'Listed', 'Listed', 'ListingFailed', 'missing');

    return fc
      .record({
        now: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }),
        leases: fc.array(leaseSpecArbitrary(config, idCount), { maxLength: options.maxLeases ?? 30 }),
        outcomes: fc.array(outcome, { minLength: config.swarmingHosts.length, maxLength: config.swarmingHosts.length }),
        foreignListing: fc.boolean(),
        orphans: fc.array(fc.record({ dead: fc.boolean(), hostChoice: fc.nat() }), { maxLength: 4 }),
        excluded: fc.array(fc.constantFrom('build-mac-1', 'vm-without-lease'), { maxLength: 2 }),
      })
      .map((parts) => buildWorld(config, parts, options.duplicates !== false));
  });

interface WorldParts {
  readonly now: number;
  readonly leases: readonly LeaseSpec[];
  readonly outcomes: readonly ListingOutcome[];
  readonly foreignListing: boolean;
  readonly orphans: readonly { readonly dead: boolean; readonly hostChoice: number }[];
  readonly excluded: readonly string[];
}

const buildWorld = (config: Config, parts: WorldParts, allowDuplicates: boolean): World => {
  const configuredHosts = config.swarmingHosts.map((host) => host.host);
  const listingHosts = parts.foreignListing ? [...configuredHosts, FOREIGN_HOST] : configuredHosts;
  const botsByHost = new Map<string, Bot[]>(listingHosts.map((host) => [host, []]));
  const leases: Lease[] = [];
  const usedIds = new Set<number>();

  parts.leases.forEach((spec, index) => {
    const idNumber = allowDuplicates ? spec.idNumber : index;
    if (!allowDuplicates && usedIds.has(idNumber)) return;
    usedIds.add(idNumber);

    const hostConfig = config.swarmingHosts[spec.hostChoice % config.swarmingHosts.length] as SwarmingHostConfig;
    const lease = makeLease(config, parts.now, spec, leaseIdOf(idNumber), hostConfig);
    leases.push(lease);

    const botHost = spec.botHostChoice === -1 ? hostConfig.host : (listingHosts[spec.botHostChoice % listingHosts.length] as string);
    if (spec.bot !== 'none') botsByHost.get(botHost)?.push(makeBot(lease.leaseId, spec.bot, 'darwin'));
    if (spec.staleTwin) botsByHost.get(botHost)?.push(makeBot(lease.leaseId, 'dead', 'stale'));
  });

  parts.orphans.forEach((orphan, index) => {
    const host = listingHosts[orphan.hostChoice % listingHosts.length] as string;
    botsByHost.get(host)?.push(makeBot(leaseIdOf(5_000_000 + index), orphan.dead ? 'dead' : 'idle', 'darwin'));
  });

  const swarming: SwarmingListing[] = [];
  listingHosts.forEach((host, index) => {
    const outcome = host === FOREIGN_HOST ? 'Listed' : (parts.outcomes[index] ?? 'Listed');
    const excluded: ExcludedBot[] = index === 0 ? parts.excluded.map((botId) => ({ botId, reason: 'does not match the bot id pattern' })) : [];
    if (outcome === 'Listed') swarming.push({ _tag: 'Listed', swarmingHost: host, bots: botsByHost.get(host) ?? [], excluded });
    if (outcome === 'ListingFailed') swarming.push({ _tag: 'ListingFailed', swarmingHost: host, reason: 'UNAVAILABLE' });
  });

  return { config, snapshot: { now: parts.now, leases, swarming } };
};

const makeLease = (config: Config, now: number, spec: LeaseSpec, leaseId: string, hostConfig: SwarmingHostConfig): Lease => {
  const prefix = config.projectPrefix;
  const unmanagedProjects = ['other-team/ci', prefix, `${prefix}/`, `${prefix}x/${hostConfig.host}`, ''];
  const projectName =
    spec.ownership === 'managed'
      ? `${prefix}/${hostConfig.host}`
      : spec.ownership === 'foreign-host'
        ? `${prefix}/${FOREIGN_HOST}`
        : (unmanagedProjects[spec.unmanagedChoice % unmanagedProjects.length] as string);

  // Mostly a configured image of the lease's host, sometimes another one or none.
  const configured = hostConfig.images.map((image) => image.image);
  const choices = [...configured, ...configured, ...configured, UNCONFIGURED_IMAGE, ...IMAGES, ''];
  const image = choices[spec.imageChoice % choices.length] as string;

  return { leaseId, projectName, image, expires: now + spec.remaining, metadata: {} };
};

/** A bot in `state` ('none' is never passed) whose id names `leaseId`. */
export const makeBot = (leaseId: string, state: Exclude<BotState, 'none'>, hostname: string): Bot => ({
  botId: `${hostname}--${leaseId}.golang.c3.macservice.goog`,
  leaseId,
  isDead: state === 'dead',
  taskId: state === 'busy' ? `task-${leaseId.slice(0, 8)}` : undefined,
  quarantined: state === 'quarantined',
  maintenanceMessage: state === 'maintenance' ? 'disk check' : undefined,
});

/** A seeded permutation of `items`, for shuffling inputs in determinism properties. */
export const shuffled = <T>(items: readonly T[], seed: number): T[] => {
  const result = [...items];
  let state = seed >>> 0 || 1;
  for (let index = result.length - 1; index > 0; index -= 1) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const other = state % (index + 1);
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
};
