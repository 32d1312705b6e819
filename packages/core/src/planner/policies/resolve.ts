/**
 * Turns a {@link CountOrPercent} into a whole number of leases.
 */
import type { CountOrPercent } from '../../config-types.js';

/**
 * The number of leases `value` stands for out of `total`. A percentage is
 * rounded down for limits on disruption and up for limits on surplus, as
 * `rounding` says; a count is used as it is.
 */
export const resolveCountOrPercent = (value: CountOrPercent, total: number, rounding: 'down' | 'up'): number => {
  if (value._tag === 'Count') return value.count;

  // Whole basis points keep the arithmetic exact, so "20%" of 15 is 3, not 2.9999999999999996.
  const basisPoints = Math.round(value.percent * 100);
  const share = (basisPoints * total) / 10_000;
  return rounding === 'down' ? Math.floor(share) : Math.ceil(share);
};
