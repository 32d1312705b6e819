/**
 * Stage 5 of the planner: which managed leases to vacate, and why. Only
 * leases of hosts whose bots were listed are considered; a host whose
 * listing failed or is missing loses no lease this cycle.
 *
 * Safety policies (disruption budgets, a sanity gate, drains of busy bots)
 * belong after this stage: they may reset `vacate` of a lease to
 * `VACATE_NONE`, and the renewal and create stages then treat it as kept.
 */
import {
  BOT_DEAD,
  BOT_NONE,
  OWNERSHIP_MANAGED,
  VACATE_BOT_DEAD,
  VACATE_IMAGE_OBSOLETE,
  VACATE_NEVER_CONNECTED,
  VACATE_NONE,
  VACATE_OVER_COUNT,
  type GroupState,
  type HostIndex,
  type LeaseTable,
} from './types.js';

/**
 * Marks leases to vacate, each for the first rule that applies:
 * never connected (no bot anywhere and no longer booting), bot dead, image
 * obsolete (not configured for its host), then over count (more leases of a
 * group in use than its count; the victim order is in `chooseSurplus`).
 */
export const chooseVacates = (table: LeaseTable, hostIndex: HostIndex, renewDuration: number): void => {
  for (let position = 0; position < table.leases.length; position += 1) {
    if (table.ownership[position] !== OWNERSHIP_MANAGED) continue;
    const host = hostIndex.hosts[table.hostOf[position] as number];
    if (host?.listing._tag !== 'Listed') continue;
    table.vacate[position] = healthVacateCode(table, position, renewDuration);
  }

  for (const group of hostIndex.groups) chooseSurplus(table, group);
};

/** Returns the first of never connected, bot dead and image obsolete that applies. A booting lease may still be obsolete. */
const healthVacateCode = (table: LeaseTable, position: number, renewDuration: number): number => {
  const botState = table.botState[position];
  if (botState === BOT_NONE && !((table.remaining[position] as number) > renewDuration)) return VACATE_NEVER_CONNECTED;
  if (botState === BOT_DEAD) return VACATE_BOT_DEAD;
  return table.groupOf[position] === -1 ? VACATE_IMAGE_OBSOLETE : VACATE_NONE;
};

/**
 * Vacates the surplus of a group whose leases in use exceed its count, in
 * victim order: lowest victim rank first (quarantined or in maintenance,
 * then booting, then idle, then busy), then earliest expiry, then lease id.
 * Whole ranks are taken without sorting; only the rank where the surplus
 * runs out is ordered.
 */
const chooseSurplus = (table: LeaseTable, group: GroupState): void => {
  const byRank: number[][] = [[], [], [], []];
  let inUse = 0;
  for (const position of group.members) {
    if (table.vacate[position] !== VACATE_NONE) continue;
    byRank[table.victimRank[position] as number]?.push(position);
    inUse += 1;
  }
  group.inUse = inUse;

  if (group.host.listing._tag !== 'Listed' || inUse <= group.want) return;

  let surplus = inUse - group.want;
  for (const candidates of byRank) {
    if (surplus === 0) return;
    const victims = candidates.length <= surplus ? candidates : earliestExpiring(table, candidates, surplus);
    for (const position of victims) table.vacate[position] = VACATE_OVER_COUNT;
    surplus -= victims.length;
  }
};

/**
 * The `wanted` candidates that expire first, ties going to the smaller
 * lease id. A numeric sort of the expiries finds the cut-off, so the
 * candidates are never sorted with a comparator; only candidates that
 * expire exactly at the cut-off are ordered by lease id. A missing (NaN)
 * expiry counts as the latest.
 */
const earliestExpiring = (table: LeaseTable, candidates: readonly number[], wanted: number): number[] => {
  const remaining = new Float64Array(candidates.length);
  candidates.forEach((position, index) => {
    remaining[index] = sortableRemaining(table, position);
  });
  const cutOff = remaining.slice().sort()[wanted - 1] as number;

  const chosen: number[] = [];
  const atCutOff: number[] = [];
  candidates.forEach((position, index) => {
    if ((remaining[index] as number) < cutOff) chosen.push(position);
    else if (remaining[index] === cutOff) atCutOff.push(position);
  });

  atCutOff.sort((left, right) => (table.slotOf[left] as number) - (table.slotOf[right] as number));
  return chosen.concat(atCutOff.slice(0, wanted - chosen.length));
};
const sortableRemaining = (table: LeaseTable, position: number): number => {
  const remaining = table.remaining[position] as number;
  return Number.isNaN(remaining) ? Infinity : remaining;
};
