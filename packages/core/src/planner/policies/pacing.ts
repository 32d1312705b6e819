/**
 * Create pacing: at most `maxCreatesPerCycle` creates per swarming host and
 * cycle. When a host's groups need more, the creates are shared fairly: each
 * group gets the same number, a group that needs fewer gets what it needs,
 * and creates left over by rounding go one each to groups in configuration
 * order. A group that needs many leases (a new hostname) thus cannot starve
 * the others.
 */
import type { GroupCreates } from '../creates.js';
import type { WarningSink } from '../types.js';
import type { PolicyOutcome } from './state.js';

/** Limits each host's creates and records the creates each group defers. */
export const paceCreates = (creates: readonly GroupCreates[], outcome: PolicyOutcome, warnings: WarningSink): GroupCreates[] => {
  const paced = [...creates];

  for (const state of outcome.hosts) {
    const indices: number[] = [];
    let needed = 0;
    creates.forEach((entry, index) => {
      if (entry.group.host !== state.host || entry.create === 0) return;
      indices.push(index);
      needed += entry.create;
    });

    const limit = state.policy.maxCreatesPerCycle;
    if (needed <= limit) continue;

    const shares = shareFairly(indices.map((index) => (creates[index] as GroupCreates).create), limit);
    indices.forEach((index, position) => {
      const entry = creates[index] as GroupCreates;
      const share = shares[position] as number;
      paced[index] = { ...entry, create: share, deferred: entry.create - share };
    });

    const host = state.host.config.host;
    warnings.push({
      code: 'create-pacing',
      swarmingHost: host,
      message:
        'the groups of ' + host + ' need ' + String(needed) + ' creates and maxCreatesPerCycle is ' + String(limit) +
        ', so ' + String(needed - limit) + ' wait for a later cycle; each group shows its own in deferred',
    });
  }

  return paced;
};

/**
 * Splits `limit` among `needs` (all positive, `limit` below their sum): the
 * largest equal level all needs above it get, then one more each, in order,
 * while some remain.
 */
const shareFairly = (needs: readonly number[], limit: number): number[] => {
  const ascending = [...needs].sort((left, right) => left - right);
  let left = limit;
  let level = 0;
  let above = needs.length;

  for (const need of ascending) {
    if ((need - level) * above > left) break;
    left -= (need - level) * above;
    level = need;
    above -= 1;
  }
  level += Math.floor(left / above);
  left %= above;

  return needs.map((need) => {
    if (need <= level) return need;
    if (left === 0) return level;
    left -= 1;
    return level + 1;
  });
};
