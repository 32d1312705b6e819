/**
 * fast-check arbitraries for the policy tests: host policies that
 * `decodeConfig` accepts, and planner scenarios whose hosts carry them and
 * whose leases carry `golang.hostname` metadata, so leases of unconfigured
 * images can be matched to a rollout.
 */
import type { Config, CountOrPercent, HostPolicy, Lease } from '@makemac/core';
import { METADATA_HOSTNAME } from '@makemac/core';
import fc from 'fast-check';

import { scenarioArbitrary, type Scenario, type ScenarioOptions } from '../support/arbitraries.js';

/** A count up to `maxCount`, or a percentage with at most two decimals. */
export const countOrPercentArbitrary = (maxCount: number): fc.Arbitrary<CountOrPercent> =>
  fc.oneof(
    fc.nat({ max: maxCount }).map((count): CountOrPercent => ({ _tag: 'Count', count })),
    fc.constantFrom(0, 20, 25, 50, 100).map((percent): CountOrPercent => ({ _tag: 'Percent', percent })),
    fc.integer({ min: 0, max: 10_000 }).map((basisPoints): CountOrPercent => ({ _tag: 'Percent', percent: basisPoints / 100 })),
  );

const isZero = (value: CountOrPercent): boolean => (value._tag === 'Count' ? value.count === 0 : value.percent === 0);

/** A host policy `decodeConfig` accepts: small limits, so they bind in small scenarios. */
export const hostPolicyArbitrary: fc.Arbitrary<HostPolicy> = fc
  .record({
    disruptionBudget: countOrPercentArbitrary(4),
    sanityGateThreshold: countOrPercentArbitrary(6),
    sanityGateAllowance: fc.nat({ max: 3 }),
    maxSurge: countOrPercentArbitrary(3),
    maxUnavailable: countOrPercentArbitrary(3),
    rolloutPauseThreshold: fc.integer({ min: 1, max: 3 }),
    maxCreatesPerCycle: fc.integer({ min: 1, max: 8 }),
  })
  .filter((policy) => !(isZero(policy.maxSurge) && isZero(policy.maxUnavailable)));

/** Every hostname the configuration names, on any host. */
const hostnamesOf = (config: Config): string[] => [...new Set(config.swarmingHosts.flatMap((host) => host.images.map((image) => image.hostname)))];

/**
 * A scenario of the shared arbitraries with a policy on each host (or none,
 * meaning the defaults) and `golang.hostname` metadata on most leases.
 */
export const policyScenarioArbitrary = (options: ScenarioOptions = {}): fc.Arbitrary<Scenario> =>
  scenarioArbitrary(options).chain((scenario) =>
    fc
      .record({
        policies: fc.array(fc.option(hostPolicyArbitrary, { nil: undefined }), { minLength: 3, maxLength: 3 }),
        hostnameChoices: fc.array(fc.nat({ max: 8 }), { minLength: scenario.snapshot.leases.length, maxLength: scenario.snapshot.leases.length }),
      })
      .map(({ policies, hostnameChoices }) => {
        const hostnames = hostnamesOf(scenario.config);
        const config: Config = {
          ...scenario.config,
          swarmingHosts: scenario.config.swarmingHosts.map((host, index) => {
            const policy = policies[index];
            return policy === undefined ? host : { ...host, policy };
          }),
        };
        const leases = scenario.snapshot.leases.map((lease, index): Lease => {
          const choice = hostnameChoices[index] ?? 0;
          const hostname = choice === 0 || hostnames.length === 0 ? undefined : hostnames[(choice - 1) % hostnames.length];
          return hostname === undefined ? lease : { ...lease, metadata: { ...lease.metadata, [METADATA_HOSTNAME]: hostname } };
        });
        return { config, snapshot: { ...scenario.snapshot, leases } };
      }),
  );
