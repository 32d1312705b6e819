/**
 * Small builders for hand-written planner scenarios: a configuration, leases,
 * bots and listings with readable defaults, so each example test states only
 * the facts its rule depends on.
 *
 * Configurations built here carry `UNLIMITED_HOST_POLICY`, so the safety
 * policies (budgets, the sanity gate, rollouts, pacing) never hold anything
 * back and a plan shows the planning rules alone. Busy bots are still
 * drained instead of vacated for a voluntary reason.
 */
import type { Bot, Config, HostPolicy, ImageConfig, Lease, Plan, Snapshot, SwarmingHostConfig, SwarmingListing } from '@makemac/core';
import { CONFIG_DEFAULTS, UNLIMITED_HOST_POLICY, listed, plan } from '@makemac/core';

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** The time most examples plan at: 2026-03-08T17:00:00Z. */
export const NOW = Date.UTC(2026, 2, 8, 17, 0, 0);

/** The two production swarming hosts. */
export const PUBLIC_HOST = 'chromium-swarm.appspot.com';
export const INTERNAL_HOST = 'chrome-swarming.appspot.com';

/** Boot images: 64 lower-case hex digits each. */
export const IMAGE_A = 'a'.repeat(64);
export const IMAGE_B = 'b'.repeat(64);
export const IMAGE_C = 'c'.repeat(64);

/** One image entry of {@link makeConfig}. */
export interface ImageSpec {
  readonly image: string;
  readonly count: number;
  readonly hostname?: string;
}

/** One swarming host entry of {@link makeConfig}. */
export interface HostSpec {
  readonly host: string;
  readonly images: readonly ImageSpec[];
  /** `UNLIMITED_HOST_POLICY` when left out. */
  readonly policy?: HostPolicy;
}

/** The secret references the builders give an image's cert and key. */
export const certReference = (hostname: string): string => `secret:symbolic-datum-552/${hostname}-cert`;
export const keyReference = (hostname: string): string => `secret:symbolic-datum-552/${hostname}-key`;

/** A configuration with the defaults of `decodeConfig` and the given hosts. */
export const makeConfig = (hosts: readonly HostSpec[], overrides: Partial<Omit<Config, 'swarmingHosts'>> = {}): Config => ({
  ...CONFIG_DEFAULTS,
  ...overrides,
  swarmingHosts: hosts.map(
    (host, hostIndex): SwarmingHostConfig => ({
      host: host.host,
      pool: `pool-${hostIndex}`,
      images: host.images.map((spec, imageIndex): ImageConfig => {
        const hostname = spec.hostname ?? `darwin-${hostIndex}-${imageIndex}`;
        return { hostname, image: spec.image, count: spec.count, cert: certReference(hostname), key: keyReference(hostname) };
      }),
      policy: host.policy ?? UNLIMITED_HOST_POLICY,
    }),
  ),
});

/** The project name makemac gives leases of `host` under the default prefix. */
export const projectOf = (host: string, prefix: string = CONFIG_DEFAULTS.projectPrefix): string => `${prefix}/${host}`;

/** What {@link makeLease} needs: a lease id, a project (or a host under the default prefix), an image and the time left. */
export interface LeaseSpec {
  readonly leaseId: string;
  readonly host?: string;
  readonly projectName?: string;
  readonly image?: string;
  /** Milliseconds from {@link NOW} (or `now`) to the expiry; negative for an expired lease. */
  readonly expiresIn: number;
  readonly now?: number;
}

/** A lease as `leases:find` reports it, with its secret metadata already redacted. */
export const makeLease = (spec: LeaseSpec): Lease => ({
  leaseId: spec.leaseId,
  projectName: spec.projectName ?? projectOf(spec.host ?? PUBLIC_HOST),
  image: spec.image ?? IMAGE_A,
  expires: (spec.now ?? NOW) + spec.expiresIn,
  metadata: {},
});

/** The bot id a VM of `hostname` on lease `leaseId` registers as. */
export const botIdFor = (hostname: string, leaseId: string): string => `${hostname}--${leaseId}.golang.c3.macservice.goog`;

/** The state of a bot in {@link makeBot}. */
export type BotState = 'idle' | 'busy' | 'quarantined' | 'maintenance' | 'dead';

/** A bot that names `leaseId`. */
export const makeBot = (leaseId: string, state: BotState = 'idle', hostname = 'darwin-amd64-14'): Bot => ({
  botId: botIdFor(hostname, leaseId),
  leaseId,
  isDead: state === 'dead',
  taskId: state === 'busy' ? `task-${leaseId}` : undefined,
  quarantined: state === 'quarantined',
  maintenanceMessage: state === 'maintenance' ? 'disk check' : undefined,
});

/** A snapshot at {@link NOW} unless `now` is given. */
export const makeSnapshot = (leases: readonly Lease[], swarming: readonly SwarmingListing[], now: number = NOW): Snapshot => ({
  now,
  leases,
  swarming,
});

/** Plans with every host of `config` listed, each with the bots given for it (none when left out). */
export const planListed = (
  config: Config,
  leases: readonly Lease[],
  botsByHost: Readonly<Record<string, readonly Bot[]>> = {},
  now: number = NOW,
): Plan => {
  const hosts = new Set([...config.swarmingHosts.map((host) => host.host), ...Object.keys(botsByHost)]);
  const swarming = [...hosts].map((host) => listed(host, botsByHost[host] ?? []));
  return plan(config, makeSnapshot(leases, swarming, now));
};

/** The decision of `leaseId`, or a thrown error naming it, so a test fails with the lease in the message. */
export const decisionOf = (result: Plan, leaseId: string): Plan['decisions'][number] => {
  const found = result.decisions.find((decision) => decision.leaseId === leaseId);
  if (found === undefined) throw new Error(`the plan has no decision for lease ${leaseId}`);
  return found;
};

/** Every action of the plan as one short line, for `toEqual` checks that read like the plan. */
export const describeActions = (result: Plan): string[] =>
  result.actions.map((action) => {
    switch (action._tag) {
      case 'Vacate':
        return `vacate ${action.leaseId} ${action.reason}`;
      case 'Drain':
        return `drain ${action.leaseId} ${action.reason}`;
      case 'Renew':
        return `renew ${action.leaseId}`;
      case 'Create':
        return `create ${action.swarmingHost} ${action.hostname}`;
    }
  });
