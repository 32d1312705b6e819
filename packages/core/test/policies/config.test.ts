/**
 * Decoding the `policy` object of a swarming host: defaults, counts and
 * percentages, and errors that name the JSON path and the fix.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import type { Config, HostPolicy } from '@makemac/core';
import { HOST_POLICY_DEFAULTS, decodeConfig, describeConfigError, encodeConfig } from '@makemac/core';

import { configArbitrary } from '../support/arbitraries.js';
import { hostPolicyArbitrary } from './arbitraries.js';

const SHA = 'b16a8a5f2d1e383667c3764d915551f4af56d63edd0679539703688a6b9f6754';

const configJson = (policy?: unknown): Record<string, unknown> => ({
  swarmingHosts: [
    {
      host: 'chromium-swarm.appspot.com',
      pool: 'luci.golang.shared-workers',
      images: [{ hostname: 'darwin-amd64-14', image: SHA, count: 20, cert: 'secret:p/cert', key: 'secret:p/key' }],
      ...(policy === undefined ? {} : { policy }),
    },
  ],
});

const decodedPolicy = (policy?: unknown): HostPolicy | undefined => {
  const result = decodeConfig(configJson(policy));
  if (E.isLeft(result)) throw new Error(result.left.map(describeConfigError).join('\n'));
  return result.right.swarmingHosts[0]?.policy;
};

const messagesOf = (policy: unknown): string[] => {
  const result = decodeConfig(configJson(policy));
  if (E.isRight(result)) throw new Error('expected the configuration to be rejected');
  return result.left.map(describeConfigError);
};

describe('host policy decoding', () => {
  it('fills in every default when the policy is left out', () => {
    expect(decodedPolicy()).toEqual({
      disruptionBudget: { _tag: 'Percent', percent: 20 },
      sanityGateThreshold: { _tag: 'Percent', percent: 20 },
      sanityGateAllowance: 2,
      maxSurge: { _tag: 'Percent', percent: 25 },
      maxUnavailable: { _tag: 'Count', count: 0 },
      rolloutPauseThreshold: 2,
      maxCreatesPerCycle: 20,
    });
  });

  it('fills in the keys an object leaves out', () => {
    expect(decodedPolicy({ disruptionBudget: 3 })).toEqual({ ...HOST_POLICY_DEFAULTS, disruptionBudget: { _tag: 'Count', count: 3 } });
  });

  it('reads counts and percentages', () => {
    const policy = decodedPolicy({
      disruptionBudget: '12.5%',
      sanityGateThreshold: 4,
      sanityGateAllowance: 0,
      maxSurge: '100%',
      maxUnavailable: '0%',
      rolloutPauseThreshold: 1,
      maxCreatesPerCycle: 5,
    });

    expect(policy).toEqual({
      disruptionBudget: { _tag: 'Percent', percent: 12.5 },
      sanityGateThreshold: { _tag: 'Count', count: 4 },
      sanityGateAllowance: 0,
      maxSurge: { _tag: 'Percent', percent: 100 },
      maxUnavailable: { _tag: 'Percent', percent: 0 },
      rolloutPauseThreshold: 1,
      maxCreatesPerCycle: 5,
    });
  });

  it.each([
    [{ disruptionBudget: '120%' }, 'swarmingHosts[0].policy.disruptionBudget: invalid value "120%"'],
    [{ disruptionBudget: -1 }, 'swarmingHosts[0].policy.disruptionBudget: invalid value -1'],
    [{ maxSurge: '25 %' }, 'swarmingHosts[0].policy.maxSurge: invalid value "25 %"'],
    [{ maxSurge: '1.125%' }, 'swarmingHosts[0].policy.maxSurge: invalid value "1.125%"'],
    [{ maxUnavailable: 1.5 }, 'swarmingHosts[0].policy.maxUnavailable: invalid value 1.5'],
    [{ sanityGateThreshold: true }, 'swarmingHosts[0].policy.sanityGateThreshold: expected a whole number such as 3'],
    [{ sanityGateAllowance: -2 }, 'swarmingHosts[0].policy.sanityGateAllowance: invalid value -2'],
    [{ rolloutPauseThreshold: 0 }, 'swarmingHosts[0].policy.rolloutPauseThreshold: invalid value 0; expected a whole number of at least 1'],
    [{ maxCreatesPerCycle: '20' }, 'swarmingHosts[0].policy.maxCreatesPerCycle: expected a whole number of at least 1, found "20"'],
  ])('rejects %j', (policy, message) => {
    const messages = messagesOf(policy);

    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(message);
  });

  it('rejects a policy that is not an object', () => {
    expect(messagesOf([])).toEqual(['swarmingHosts[0].policy: expected a policy object, found a list']);
  });

  it('rejects an unknown key and suggests the closest', () => {
    const [message] = messagesOf({ disruptionBudgt: 2 });

    expect(message).toContain('swarmingHosts[0].policy.disruptionBudgt: unknown key "disruptionBudgt" (did you mean "disruptionBudget"?)');
  });

  it('rejects a rollout that could never replace a lease', () => {
    expect(messagesOf({ maxSurge: 0, maxUnavailable: '0%' })).toEqual([
      'swarmingHosts[0].policy.maxSurge: invalid value 0; expected a value above 0 while maxUnavailable is 0, because otherwise an image change could never replace a lease',
    ]);
  });

  it('reports every bad key at once', () => {
    expect(messagesOf({ maxSurge: 'x', maxCreatesPerCycle: 0 })).toHaveLength(2);
  });

  it('reads back what it writes', () => {
    const withPolicies = fc
      .tuple(configArbitrary, fc.array(hostPolicyArbitrary, { minLength: 3, maxLength: 3 }))
      .map(([config, policies]): Config => ({
        ...config,
        swarmingHosts: config.swarmingHosts.map((host, index) => ({ ...host, policy: policies[index] })),
      }));

    fc.assert(
      fc.property(withPolicies, (config) => {
        expect(decodeConfig(JSON.parse(JSON.stringify(encodeConfig(config))))).toEqual(E.right(config));
      }),
    );
  });

  it('writes the defaults for a host built without a policy', () => {
    const config = decodeConfig(configJson());
    if (E.isLeft(config)) throw new Error('expected the configuration to decode');
    const { policy: _policy, ...withoutPolicy } = config.right.swarmingHosts[0] ?? { policy: undefined };
    const built: Config = { ...config.right, swarmingHosts: [withoutPolicy as Config['swarmingHosts'][number]] };

    expect(encodeConfig(built).swarmingHosts[0]?.policy).toEqual({
      disruptionBudget: '20%',
      sanityGateThreshold: '20%',
      sanityGateAllowance: 2,
      maxSurge: '25%',
      maxUnavailable: 0,
      rolloutPauseThreshold: 2,
      maxCreatesPerCycle: 20,
    });
  });
});
