/**
 * Stage 6 of the planner: which kept managed leases to renew. A lease is
 * due when at most the renew duration is left; renewing sets its expiry to
 * now + renew duration, so a renewal never shortens a lease. Leases being
 * vacated are not renewed. Leases of a host whose listing failed are still
 * renewed, which keeps them alive through a Swarming outage.
 */
import { OWNERSHIP_MANAGED, VACATE_NONE, type LeaseTable } from './types.js';

/** Marks every kept managed lease that is due for renewal. */
export const chooseRenewals = (table: LeaseTable, renewDuration: number): void => {
  for (let position = 0; position < table.leases.length; position += 1) {
    const due =
      table.ownership[position] === OWNERSHIP_MANAGED &&
      table.vacate[position] === VACATE_NONE &&
      (table.remaining[position] as number) <= renewDuration;
    table.renew[position] = due ? 1 : 0;
  }
};
