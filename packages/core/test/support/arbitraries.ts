/**
 * fast-check arbitraries for planner inputs: configurations, leases, bots,
 * listings and time. A scenario is a configuration plus a snapshot built
 * for it, so generated leases hit the cases the planner distinguishes.
 * Leases are managed (of configured or unconfigured images), unmanaged or
 * foreign-host, and expire on both sides of the booting and renew
 * boundaries. Bots are dead, busy, quarantined, missing or listed by
 * another host, and lease ids repeat and listings fail now and then.
 *
 * Sizes stay small (at most a dozen leases, three hosts) so a property runs
 * its global number of runs in well under a second.
 *
 * Valid configurations carry `UNLIMITED_HOST_POLICY`, so the properties
 * state the planning rules without the safety policies, which have their
 * own tests. Busy bots are still drained instead of vacated.
 */
import type { Bot, Config, ExcludedBot, ImageConfig, Lease, Snapshot, SwarmingHostConfig, SwarmingListing } from '@makemac/core';
import { UNLIMITED_HOST_POLICY, listed, listingFailed } from '@makemac/core';
import fc from 'fast-check';

import { HOUR, MINUTE, botIdFor, certReference, keyReference } from './builders.js';

/** Swarming hosts the generators draw from; a configuration uses one to three and the rest stay unconfigured. */
export const HOST_POOL: readonly string[] = [
  'chromium-swarm.appspot.com',
  'chrome-swarming.appspot.com',
  'swarm-a.example',
  'swarm-b.example',
  'swarm-c.example',
];

/** Images generated per configuration; each host configures one to four of them, so at least two stay unconfigured. */
const IMAGE_POOL_SIZE = 6;

const HEX_DIGITS = '0123456789abcdef'.split('');

/** A boot image: either one hex digit repeated (readable in counterexamples) or 64 random hex digits. */
export const imageArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HEX_DIGITS).map((digit) => digit.repeat(64)) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...HEX_DIGITS), minLength: 64, maxLength: 64 }) },
);

/** A lease id: a UUID as MacService writes them, or a short hex id that is easy to read. */
export const leaseIdArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.string({ unit: fc.constantFrom(...HEX_DIGITS, '-'), minLength: 1, maxLength: 4 }),
);

/** The time a plan is made for: any millisecond of 2025 and 2026. */
export const nowArbitrary: fc.Arbitrary<number> = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) });

/** Create and renew durations with renew shorter than create; the production 24 h and 23 h half of the time. */
export const durationsArbitrary: fc.Arbitrary<{ readonly createDuration: number; readonly renewDuration: number }> = fc.oneof(
  fc.constant({ createDuration: 24 * HOUR, renewDuration: 23 * HOUR }),
  fc
    .integer({ min: 2, max: 48 * 60 })
    .chain((createMinutes) =>
      fc
        .integer({ min: 1, max: createMinutes - 1 })
        .map((renewMinutes) => ({ createDuration: createMinutes * MINUTE, renewDuration: renewMinutes * MINUTE })),
    ),
);

/** One image entry before it is resolved against the image pool. */
interface ImageSlot {
  readonly slot: number;
  readonly count: number;
}

const hostImagesArbitrary: fc.Arbitrary<readonly ImageSlot[]> = fc.uniqueArray(
  fc.record({ slot: fc.integer({ min: 0, max: IMAGE_POOL_SIZE - 1 }), count: fc.integer({ min: 0, max: 6 }) }),
  { minLength: 1, maxLength: 4, selector: (entry) => entry.slot },
);

/**
 * A valid configuration (one `decodeConfig` would accept): one to three
 * distinct hosts, one to four distinct images per host, counts 0 to 6,
 * renew shorter than create. Hosts may share images, so the same image is
 * counted separately per host.
 */
export const configArbitrary: fc.Arbitrary<Config> = fc
  .record({
    hosts: fc.shuffledSubarray([...HOST_POOL], { minLength: 1, maxLength: 3 }),
    imagePool: fc.uniqueArray(imageArbitrary, { minLength: IMAGE_POOL_SIZE, maxLength: IMAGE_POOL_SIZE }),
    images: fc.array(hostImagesArbitrary, { minLength: 3, maxLength: 3 }),
    durations: durationsArbitrary,
    projectPrefix: fc.constantFrom('makemac', 'makemac', 'mm-test'),
  })
  .map(({ hosts, imagePool, images, durations, projectPrefix }) => ({
    customer: 'golang',
    projectPrefix,
    ...durations,
    profile: 'V1_MEDIUM_VM',
    accessLevel: 'GOLANG_OSS',
    swarmingHosts: hosts.map(
      (host, hostIndex): SwarmingHostConfig => ({
        host,
        pool: `pool-${hostIndex}`,
        images: (images[hostIndex] ?? []).map(({ slot, count }): ImageConfig => {
          const hostname = `darwin-${hostIndex}-${slot}`;
          return { hostname, image: imagePool[slot] as string, count, cert: certReference(hostname), key: keyReference(hostname) };
        }),
        policy: UNLIMITED_HOST_POLICY,
      }),
    ),
  }));

/** The images a configuration mentions on any host, plus ones it never mentions. */
const imagesOf = (config: Config): string[] => [
  ...new Set(config.swarmingHosts.flatMap((host) => host.images.map((image) => image.image))),
];

/** How a generated lease's project relates to the configuration. */
export type ProjectKind =
  /** `<prefix>/<configured host>` and an image configured for that host. */
  | 'managed'
  /** `<prefix>/<configured host>` and an image the host does not configure (or none). */
  | 'managed-obsolete'
  /** `<prefix>/<host the configuration does not list>`. */
  | 'foreign-host'
  /** Anything else: another prefix, the bare prefix, look-alikes. */
  | 'unmanaged';

/** The state of one generated bot. */
export type BotState = 'idle' | 'busy' | 'quarantined' | 'maintenance' | 'dead';

interface BotSpec {
  readonly state: BotState;
  /** `own` is the lease's host (or the first pool host when its project names none). */
  readonly listedBy: string;
}

const botSpecArbitrary: fc.Arbitrary<BotSpec> = fc.record({
  state: fc.constantFrom<BotState>('idle', 'idle', 'busy', 'quarantined', 'maintenance', 'dead'),
  listedBy: fc.oneof({ weight: 4, arbitrary: fc.constant('own') }, { weight: 1, arbitrary: fc.constantFrom(...HOST_POOL) }),
});

/** Mostly one bot per lease; sometimes none (never connected or booting) and sometimes two (listed twice, or a dead and a live one). */
const botsArbitrary: fc.Arbitrary<readonly BotSpec[]> = fc.oneof(
  { weight: 2, arbitrary: fc.constant([]) },
  { weight: 6, arbitrary: botSpecArbitrary.map((bot) => [bot]) },
  { weight: 1, arbitrary: fc.array(botSpecArbitrary, { minLength: 2, maxLength: 2 }) },
);

/** Unmanaged projects, including look-alikes of managed ones. `<p>` is the prefix and `<h>` a configured host. */
const UNMANAGED_PROJECTS: readonly string[] = ['other', '<p>', '<p>/', '/<h>', '<p>x/<h>', 'x<p>/<h>', 'other/<h>', '', ' <p>/<h>'];

/** Foreign-host projects: the prefix and a slash, then something that is not a configured host. */
const FOREIGN_PROJECTS: readonly string[] = ['<p>/<u>', '<p>//<h>', '<p>/<h>/x', '<p>/<H>', '<p>/<h> ', '<p>/hôst'];

interface LeaseDraft {
  readonly leaseId: string;
  readonly kind: ProjectKind;
  /** Index into the configured hosts (modulo their number). */
  readonly hostIndex: number;
  /** Index into the configured or unconfigured images of the host (modulo their number). */
  readonly imageIndex: number;
  /** Index into the project templates of its kind. */
  readonly templateIndex: number;
  readonly expiresIn: number;
  readonly bots: readonly BotSpec[];
}

/** Times left on both sides of the booting and renew boundary, past `now` and beyond a new lease. */
const expiresInArbitrary = (config: Config): fc.Arbitrary<number> => {
  const renew = config.renewDuration;
  const create = config.createDuration;
  return fc.oneof(
    fc.integer({ min: -2, max: 2 }).map((offset) => renew + offset),
    fc.integer({ min: -3 * HOUR, max: 3 * HOUR }).map((offset) => renew + offset),
    fc.integer({ min: renew + 1, max: create }),
    fc.integer({ min: 0, max: renew }),
    fc.integer({ min: -48 * HOUR, max: -1 }),
    fc.integer({ min: create, max: create + 2 * HOUR }),
  );
};

const leaseDraftArbitrary = (config: Config): fc.Arbitrary<LeaseDraft> =>
  fc.record({
    leaseId: leaseIdArbitrary,
    kind: fc.constantFrom<ProjectKind>('managed', 'managed', 'managed', 'managed-obsolete', 'foreign-host', 'unmanaged'),
    hostIndex: fc.nat({ max: 5 }),
    imageIndex: fc.nat({ max: 7 }),
    templateIndex: fc.nat({ max: 9 }),
    expiresIn: expiresInArbitrary(config),
    bots: botsArbitrary,
  });

/** How one host of {@link HOST_POOL} appears in the snapshot's listings. */
export type ListingState = 'listed' | 'failed' | 'missing' | 'listed-and-failed';

/** Options of {@link scenarioArbitrary}. */
export interface ScenarioOptions {
  /** When true, every configured host is listed successfully. */
  readonly allListed?: boolean;
  /** Maximum leases per snapshot, before duplicates; 12 by default. */
  readonly maxLeases?: number;
  /**
   * When true, the configuration has one host with one or two images of
   * count 0 to 2, and the snapshot at least six leases, so groups often
   * exceed their count.
   */
  readonly crowded?: boolean;
}

/** A configuration and a snapshot generated for it. */
export interface Scenario {
  readonly config: Config;
  readonly snapshot: Snapshot;
}

const listingStateArbitrary = (configured: boolean, allListed: boolean): fc.Arbitrary<ListingState> => {
  if (configured && allListed) return fc.constant('listed');
  if (!configured) return fc.constantFrom<ListingState>('listed', 'missing');
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant<ListingState>('listed') },
    { weight: 1, arbitrary: fc.constantFrom<ListingState>('failed', 'missing', 'listed-and-failed') },
  );
};

interface DuplicateDraft {
  readonly source: number;
  readonly expiryShift: number;
  readonly unmanagedCopy: boolean;
}

const duplicateArbitrary: fc.Arbitrary<DuplicateDraft> = fc.record({
  source: fc.nat(),
  expiryShift: fc.oneof(fc.constant(0), fc.integer({ min: -2 * HOUR, max: 2 * HOUR })),
  unmanagedCopy: fc.boolean(),
});

interface OrphanDraft {
  readonly leaseId: string;
  readonly dead: boolean;
  readonly host: string;
}

const EXCLUDED_BOT_IDS: readonly string[] = [
  'swarm-bot-7',
  'darwin-amd64-14--39B47CF6.golang.c3.macservice.goog',
  'darwin-amd64-14--39b47cf6.golang.c3.macservicexgoog',
];

/** A snapshot for `config`: leases, their bots spread over the listings, orphan bots and unparsed bot ids. */
export const snapshotArbitrary = (config: Config, options: ScenarioOptions = {}): fc.Arbitrary<Snapshot> =>
  fc
    .record({
      now: nowArbitrary,
      drafts: fc.uniqueArray(leaseDraftArbitrary(config), {
        minLength: options.crowded === true ? 6 : 0,
        maxLength: options.maxLeases ?? 12,
        selector: (draft) => draft.leaseId,
      }),
      duplicates: fc.array(duplicateArbitrary, { maxLength: 2 }),
      listings: fc.tuple(
        ...HOST_POOL.map((host) => listingStateArbitrary(config.swarmingHosts.some((entry) => entry.host === host), options.allListed === true)),
      ),
      orphans: fc.array(fc.record({ leaseId: leaseIdArbitrary, dead: fc.boolean(), host: fc.constantFrom(...HOST_POOL) }), { maxLength: 2 }),
      excluded: fc.array(fc.record({ botId: fc.constantFrom(...EXCLUDED_BOT_IDS), host: fc.constantFrom(...HOST_POOL) }), { maxLength: 2 }),
    })
    .map(({ now, drafts, duplicates, listings, orphans, excluded }) =>
      buildSnapshot(config, now, drafts, duplicates, listings, orphans, excluded),
    );

/** One host of a generated configuration with at most two images of count 0 to 2. */
const crowdedConfigArbitrary: fc.Arbitrary<Config> = configArbitrary.map((config) => {
  const host = config.swarmingHosts[0] as SwarmingHostConfig;
  const images = host.images.slice(0, 2).map((image) => ({ ...image, count: image.count % 3 }));
  return { ...config, swarmingHosts: [{ ...host, images }] };
});

/** A configuration and a snapshot for it. */
export const scenarioArbitrary = (options: ScenarioOptions = {}): fc.Arbitrary<Scenario> =>
  (options.crowded === true ? crowdedConfigArbitrary : configArbitrary).chain((config) =>
    snapshotArbitrary(config, options).map((snapshot) => ({ config, snapshot })),
  );

const buildSnapshot = (
  config: Config,
  now: number,
  drafts: readonly LeaseDraft[],
  duplicates: readonly DuplicateDraft[],
  listingStates: readonly ListingState[],
  orphans: readonly OrphanDraft[],
  excluded: readonly { readonly botId: string; readonly host: string }[],
): Snapshot => {
  const leases: Lease[] = [];
  const botsByHost = new Map<string, Bot[]>(HOST_POOL.map((host) => [host, []]));

  for (const draft of drafts) {
    const { lease, host, hostname } = resolveLease(config, now, draft);
    leases.push(lease);
    for (const spec of draft.bots) {
      const listedBy = spec.listedBy === 'own' ? host : spec.listedBy;
      botsByHost.get(listedBy)?.push(botOf(lease.leaseId, spec.state, hostname));
    }
  }

  for (const duplicate of duplicates) {
    const source = leases[duplicate.source % Math.max(leases.length, 1)];
    if (source === undefined) continue;
    leases.push({
      ...source,
      expires: source.expires + duplicate.expiryShift,
      projectName: duplicate.unmanagedCopy ? 'other' : source.projectName,
    });
  }

  for (const orphan of orphans) {
    botsByHost.get(orphan.host)?.push(botOf(orphan.leaseId, orphan.dead ? 'dead' : 'idle', 'darwin-orphan'));
  }

  const swarming: SwarmingListing[] = [];
  HOST_POOL.forEach((host, index) => {
    const state = listingStates[index] ?? 'missing';
    const excludedHere: ExcludedBot[] = excluded
      .filter((entry) => entry.host === host)
      .map((entry) => ({ botId: entry.botId, reason: 'does not match the bot id pattern' }));
    if (state === 'listed' || state === 'listed-and-failed') swarming.push(listed(host, botsByHost.get(host) ?? [], excludedHere));
    if (state === 'failed' || state === 'listed-and-failed') swarming.push(listingFailed(host, `HTTP 503 from ${host}`));
  });

  return { now, leases, swarming };
};

/** Fills `<p>`, `<h>`, `<H>` and `<u>` in a project template. */
const fillProject = (template: string, prefix: string, host: string, unconfiguredHost: string): string =>
  template.replaceAll('<p>', prefix).replaceAll('<h>', host).replaceAll('<H>', host.toUpperCase()).replaceAll('<u>', unconfiguredHost);

const resolveLease = (config: Config, now: number, draft: LeaseDraft): { lease: Lease; host: string; hostname: string } => {
  const hosts = config.swarmingHosts;
  const hostConfig = hosts[draft.hostIndex % hosts.length] as SwarmingHostConfig;
  const configuredHosts = new Set(hosts.map((entry) => entry.host));
  const unconfiguredHosts = HOST_POOL.filter((host) => !configuredHosts.has(host));
  const unconfiguredHost = unconfiguredHosts[draft.hostIndex % unconfiguredHosts.length] as string;
  const hostImages = hostConfig.images;
  const obsoleteImages = [...imagesOf(config), '', 'f'.repeat(64)].filter((image) => !hostImages.some((entry) => entry.image === image));
  const anyImage = [...hostImages.map((entry) => entry.image), ...obsoleteImages];

  let projectName: string;
  let image: string;
  let host = hostConfig.host;
  let hostname = 'darwin-other';

  switch (draft.kind) {
    case 'managed': {
      const imageConfig = hostImages[draft.imageIndex % hostImages.length] as ImageConfig;
      projectName = `${config.projectPrefix}/${hostConfig.host}`;
      image = imageConfig.image;
      hostname = imageConfig.hostname;
      break;
    }
    case 'managed-obsolete':
      projectName = `${config.projectPrefix}/${hostConfig.host}`;
      image = obsoleteImages[draft.imageIndex % obsoleteImages.length] as string;
      break;
    case 'foreign-host': {
      const template = FOREIGN_PROJECTS[draft.templateIndex % FOREIGN_PROJECTS.length] as string;
      projectName = fillProject(template, config.projectPrefix, hostConfig.host, unconfiguredHost);
      image = anyImage[draft.imageIndex % anyImage.length] as string;
      if (template === '<p>/<u>') host = unconfiguredHost;
      break;
    }
    case 'unmanaged': {
      const template = UNMANAGED_PROJECTS[draft.templateIndex % UNMANAGED_PROJECTS.length] as string;
      projectName = fillProject(template, config.projectPrefix, hostConfig.host, unconfiguredHost);
      image = anyImage[draft.imageIndex % anyImage.length] as string;
      break;
    }
  }

  return { lease: { leaseId: draft.leaseId, projectName, image, expires: now + draft.expiresIn, metadata: {} }, host, hostname };
};

const botOf = (leaseId: string, state: BotState, hostname: string): Bot => ({
  botId: botIdFor(hostname, leaseId),
  leaseId,
  isDead: state === 'dead',
  taskId: state === 'busy' ? `task-${leaseId}` : undefined,
  quarantined: state === 'quarantined',
  maintenanceMessage: state === 'maintenance' ? 'disk check' : undefined,
});

/** A permutation of `items` chosen by fast-check, so a failing order shrinks and prints. */
export const shuffledArbitrary = <T>(items: readonly T[]): fc.Arbitrary<T[]> =>
  fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

/** The same snapshot with its leases, listings and the bots of each listing in another order. */
export const shuffledSnapshotArbitrary = (snapshot: Snapshot): fc.Arbitrary<Snapshot> =>
  fc
    .record({
      leases: shuffledArbitrary(snapshot.leases),
      swarming: shuffledArbitrary(snapshot.swarming),
      botOrders: fc.tuple(
        ...snapshot.swarming.map((listing) => (listing._tag === 'Listed' ? shuffledArbitrary(listing.bots) : fc.constant([]))),
      ),
    })
    .map(({ leases, swarming, botOrders }) => ({
      now: snapshot.now,
      leases,
      swarming: swarming.map((listing) => {
        if (listing._tag !== 'Listed') return listing;
        const bots = botOrders[snapshot.swarming.indexOf(listing)] ?? [];
        return { ...listing, bots };
      }),
    }));

/** Project names that sit on the edges of the `<prefix>/<host>` rule. */
export const EDGE_PROJECT_NAMES: readonly string[] = [
  'makemac/',
  '/x',
  'makemac//h',
  'makemac',
  '',
  '/',
  'makemac/chromium-swarm.appspot.com/',
  'makemac/ĥøšt',
  'makemac/\u{1F600}',
  'мейкмак/chromium-swarm.appspot.com',
  'makemac/\ud800',
  'makemac/\u0000',
];

/** Strings of any UTF-16 code units, lone surrogates included. */
const codeUnitString = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength });

const oddStringArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...EDGE_PROJECT_NAMES),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  codeUnitString(6),
);

/** Numbers a well-typed snapshot may still hold: huge, negative, fractional, infinite and NaN. */
const oddNumberArbitrary: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -2 * 24 * HOUR, max: 2 * 24 * HOUR }),
  fc.double(),
  fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_SAFE_INTEGER),
);

/**
 * Counts `decodeConfig` would reject, but none large: plan() builds one
 * create action per missing lease, so a count of 1e15 exhausts memory.
 */
const oddCountArbitrary: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -2, max: 6 }),
  fc.constantFrom(2.5, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);

/**
 * Well-typed but odd input, for totality: configurations that `decodeConfig`
 * would reject (no hosts, repeated hosts and images, odd counts and
 * durations), with the default or the unlimited policy, and snapshots with
 * edge-case project names, lease ids of any code units, non-finite expiries
 * and bots of any shape.
 */
export const oddScenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .record({
    projectPrefix: fc.oneof(fc.constant('makemac'), oddStringArbitrary),
    createDuration: oddNumberArbitrary,
    renewDuration: oddNumberArbitrary,
    hosts: fc.array(
      fc.record({
        host: fc.oneof(fc.constantFrom(...HOST_POOL), oddStringArbitrary),
        policy: fc.constantFrom(undefined, UNLIMITED_HOST_POLICY),
        images: fc.array(
          fc.record({ image: fc.oneof(imageArbitrary, oddStringArbitrary), count: oddCountArbitrary }),
          { maxLength: 3 },
        ),
      }),
      { maxLength: 3 },
    ),
    now: oddNumberArbitrary,
    leases: fc.array(
      fc.record({
        leaseId: fc.oneof(leaseIdArbitrary, oddStringArbitrary),
        project: fc.oneof(oddStringArbitrary, fc.constant('<managed>')),
        image: fc.oneof(imageArbitrary, oddStringArbitrary),
        expires: oddNumberArbitrary,
      }),
      { maxLength: 10 },
    ),
    bots: fc.array(
      fc.record({
        leaseIndex: fc.nat(),
        leaseId: fc.option(oddStringArbitrary),
        isDead: fc.boolean(),
        quarantined: fc.boolean(),
        taskId: fc.option(oddStringArbitrary, { nil: undefined }),
        maintenanceMessage: fc.option(oddStringArbitrary, { nil: undefined }),
        host: fc.oneof(fc.constantFrom(...HOST_POOL), oddStringArbitrary),
      }),
      { maxLength: 10 },
    ),
    failedHosts: fc.array(fc.oneof(fc.constantFrom(...HOST_POOL), oddStringArbitrary), { maxLength: 2 }),
  })
  .map(({ projectPrefix, createDuration, renewDuration, hosts, now, leases, bots, failedHosts }) => {
    const config: Config = {
      customer: 'golang',
      projectPrefix,
      createDuration,
      renewDuration,
      profile: 'V1_MEDIUM_VM',
      accessLevel: 'GOLANG_OSS',
      swarmingHosts: hosts.map((host, hostIndex) => ({
        host: host.host,
        pool: `pool-${hostIndex}`,
        policy: host.policy,
        images: host.images.map((image, imageIndex) => ({
          hostname: `darwin-${hostIndex}-${imageIndex}`,
          image: image.image,
          count: image.count,
          cert: 'secret:p/cert',
          key: 'secret:p/key',
        })),
      })),
    };
    const firstHost = hosts[0]?.host ?? HOST_POOL[0];
    const snapshotLeases: Lease[] = leases.map((lease) => ({
      leaseId: lease.leaseId,
      projectName: lease.project === '<managed>' ? `${projectPrefix}/${firstHost}` : lease.project,
      image: lease.image,
      expires: lease.expires,
      metadata: {},
    }));
    const botsByHost = new Map<string, Bot[]>();
    for (const bot of bots) {
      const leaseId = bot.leaseId ?? snapshotLeases[bot.leaseIndex % Math.max(snapshotLeases.length, 1)]?.leaseId ?? '';
      const hostBots = botsByHost.get(bot.host) ?? [];
      hostBots.push({
        botId: `bot--${leaseId}`,
        leaseId,
        isDead: bot.isDead,
        quarantined: bot.quarantined,
        taskId: bot.taskId,
        maintenanceMessage: bot.maintenanceMessage,
      });
      botsByHost.set(bot.host, hostBots);
    }
    const swarming: SwarmingListing[] = [
      ...[...botsByHost].map(([host, hostBots]) => listed(host, hostBots)),
      ...failedHosts.map((host) => listingFailed(host, 'unreachable')),
    ];
    return { config, snapshot: { now, leases: snapshotLeases, swarming } };
  });
