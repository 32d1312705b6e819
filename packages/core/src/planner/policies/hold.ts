/**
 * The one way a policy changes a lease's fate: it holds the lease back from
 * a vacate, or turns the vacate into a drain. Both are recorded in the
 * {@link PolicyOutcome}; the renewal and create stages then see a held lease
 * as kept and a drained lease as leaving.
 */
import { VACATE_NONE, type LeaseTable } from '../types.js';
import { HOLD_NONE, type PolicyOutcome } from './state.js';

/** Keeps a lease that a rule would vacate or drain, for the reason `hold` (a `HOLD_*` code). */
export const holdLease = (table: LeaseTable, outcome: PolicyOutcome, position: number, hold: number): void => {
  if (outcome.hold[position] === HOLD_NONE) outcome.heldVacate[position] = table.vacate[position] as number;
  table.vacate[position] = VACATE_NONE;
  outcome.drain[position] = 0;
  outcome.hold[position] = hold;
  outcome.marked[position] = 1;
};

/** Drains the lease's busy bot instead of vacating the lease; the vacate code stays as the reason it leaves. */
export const drainLease = (outcome: PolicyOutcome, position: number): void => {
  outcome.drain[position] = 1;
  outcome.marked[position] = 1;
};
