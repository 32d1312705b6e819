/**
 * The order in which policies let leases go: the over-count victim order of
 * the vacate stage (quarantined or in maintenance, booting, idle, busy),
 * then earliest expiry, then lease id.
 */
import type { LeaseTable } from '../types.js';

/** Leases split into those a policy lets go and those it holds. */
export interface VictimChoice {
  readonly chosen: number[];
  readonly rest: number[];
}

/**
 * Chooses `wanted` positions from `buckets`, taking whole buckets in order.
 * Only the bucket where `wanted` runs out is ordered, by earliest expiry
 * (a missing expiry counts as the latest) and then lease id, so the cost is
 * one numeric sort of that bucket.
 */
export const chooseInVictimOrder = (table: LeaseTable, buckets: readonly (readonly number[])[], wanted: number): VictimChoice => {
  const chosen: number[] = [];
  const rest: number[] = [];
  let left = Math.max(0, wanted);

  for (const bucket of buckets) {
    if (bucket.length <= left) {
      for (const position of bucket) chosen.push(position);
      left -= bucket.length;
      continue;
    }
    if (left === 0) {
      for (const position of bucket) rest.push(position);
      continue;
    }

    splitBucket(table, bucket, left, chosen, rest);
    left = 0;
  }

  return { chosen, rest };
};

/** Moves the `wanted` earliest-expiring positions of `bucket` to `chosen` and the others to `rest`. */
const splitBucket = (table: LeaseTable, bucket: readonly number[], wanted: number, chosen: number[], rest: number[]): void => {
  const remaining = new Float64Array(bucket.length);
  bucket.forEach((position, index) => {
    remaining[index] = sortableRemaining(table, position);
  });
  const cutOff = remaining.slice().sort()[wanted - 1] as number;

  let taken = 0;
  const atCutOff: number[] = [];
  bucket.forEach((position, index) => {
    const value = remaining[index] as number;
    if (value < cutOff) {
      chosen.push(position);
      taken += 1;
    } else if (value === cutOff) atCutOff.push(position);
    else rest.push(position);
  });

  atCutOff.sort((left, right) => (table.slotOf[left] as number) - (table.slotOf[right] as number));
  atCutOff.forEach((position, index) => {
    if (index < wanted - taken) chosen.push(position);
    else rest.push(position);
  });
};

const sortableRemaining = (table: LeaseTable, position: number): number => {
  const remaining = table.remaining[position] as number;
  return Number.isNaN(remaining) ? Infinity : remaining;
};
