/**
 * Builders and views shared by the policy tests: configurations with a host
 * policy, leases that carry the `golang.hostname` metadata makemac writes,
 * and the counts of a plan per host and reason.
 */
import type { Action, Bot, Config, Decision, HostPolicy, Lease, Plan, ReasonCode } from '@makemac/core';
import { HOST_POLICY_DEFAULTS, METADATA_HOSTNAME, UNLIMITED_HOST_POLICY } from '@makemac/core';

import { HOUR, NOW, PUBLIC_HOST, makeBot, makeLease, type BotState } from '../support/builders.js';

export { HOUR, NOW, PUBLIC_HOST };

/** `config` with `policy` (over the defaults) on every host. */
export const withPolicy = (config: Config, policy: Partial<HostPolicy> = {}): Config => ({
  ...config,
  swarmingHosts: config.swarmingHosts.map((host) => ({ ...host, policy: { ...HOST_POLICY_DEFAULTS, ...policy } })),
});

/** `config` with limits that never bind, except for the keys in `policy`. */
export const withOnly = (config: Config, policy: Partial<HostPolicy>): Config => ({
  ...config,
  swarmingHosts: config.swarmingHosts.map((host) => ({ ...host, policy: { ...UNLIMITED_HOST_POLICY, ...policy } })),
});

/** What {@link lease} needs. */
export interface PoolLeaseSpec {
  readonly leaseId: string;
  readonly image: string;
  /** The `golang.hostname` metadata; none when left out. */
  readonly hostname?: string;
  readonly host?: string;
  /** Time left; 22 h (renew due) by default. */
  readonly expiresIn?: number;
}

/** A managed lease with the metadata makemac writes on create. */
export const lease = (spec: PoolLeaseSpec): Lease => {
  const base = makeLease({ leaseId: spec.leaseId, image: spec.image, host: spec.host ?? PUBLIC_HOST, expiresIn: spec.expiresIn ?? 22 * HOUR });
  return spec.hostname === undefined ? base : { ...base, metadata: { [METADATA_HOSTNAME]: spec.hostname } };
};

/** `count` leases `<prefix>0`, `<prefix>1`, … that expire one minute apart, the first soonest. */
export const leases = (prefix: string, count: number, spec: Omit<PoolLeaseSpec, 'leaseId'>): Lease[] =>
  Array.from({ length: count }, (_, index) =>
    lease({ ...spec, leaseId: `${prefix}${index}`, expiresIn: (spec.expiresIn ?? 22 * HOUR) + index * 60_000 }),
  );

/** One bot per lease, in the given state. */
export const botsFor = (pool: readonly Lease[], state: BotState = 'idle'): Bot[] => pool.map((entry) => makeBot(entry.leaseId, state));

/** The decisions with `reason`. */
export const decisionsWith = (result: Plan, reason: ReasonCode): Decision[] => result.decisions.filter((decision) => decision.reason === reason);

/** The ids of the leases whose decision has `reason`, sorted. */
export const idsWith = (result: Plan, reason: ReasonCode): string[] => decisionsWith(result, reason).map((decision) => decision.leaseId);

/** The lease ids of the actions of one kind, in plan order. */
export const actionIds = (result: Plan, tag: 'Vacate' | 'Drain' | 'Renew'): string[] =>
  result.actions.flatMap((action: Action) => (action._tag === tag ? [action.leaseId] : []));

/** The number of create actions. */
export const createCount = (result: Plan): number => result.actions.filter((action) => action._tag === 'Create').length;

/** The warnings with `code`. */
export const warningsWith = (result: Plan, code: Plan['warnings'][number]['code']): Plan['warnings'] =>
  result.warnings.filter((warning) => warning.code === code);
