/**
 * Stage 3 of the planner: joins leases and bots by lease id. Lease ids and
 * the lease ids named by bots are sorted together once, so every lease and
 * the bots that name it end up side by side; one pass over the sorted keys
 * then picks the copy to plan for each lease id and its preferred bot,
 * without a hash map.
 */
import { METADATA_HOSTNAME, type Bot, type Lease } from '../domain.js';
import { sortKeys } from './sort-keys.js';
import type { BotIndex, WarningSink } from './types.js';

/** The result of the join. */
export interface LeaseJoin {
  /** One position in `snapshot.leases` per distinct lease id, in lease id order. */
  readonly order: Int32Array;
  /** Per position in `snapshot.leases`: the preferred bot's position in the {@link BotIndex}, or -1. */
  readonly botOf: Int32Array;
  /** Per position: the index of the lease in `order` (its rank by lease id), or -1 for a copy not planned. */
  readonly slotOf: Int32Array;
}

/** Bots whose lease is not in the snapshot, counted per listing host. */
interface OrphanCount {
  dead: number;
  live: number;
  /** The live orphan with the smallest bot id, named as an example. */
  liveExample: string | undefined;
}

/**
 * Joins every lease with its preferred bot. Duplicate lease ids keep the
 * copy that expires last (then the smaller project name, image and
 * `golang.hostname` metadata) and get a `duplicate-lease` warning. Bots that
 * name no lease of the snapshot are summarised per host in
 * `bot-without-lease` warnings, because Swarming lists dead bots for weeks
 * and one warning per bot would flood.
 */
export const joinLeasesAndBots = (leases: readonly Lease[], botIndex: BotIndex, warnings: WarningSink): LeaseJoin => {
  const leaseCount = leases.length;
  const bots = botIndex.bots;
  const total = leaseCount + bots.length;

  // Leases first: the sort is stable, so within a lease id its lease copies
  // come before the bots that name it.
  const keys: string[] = new Array<string>(total);
  for (let index = 0; index < leaseCount; index += 1) keys[index] = (leases[index] as Lease).leaseId;
  for (let index = 0; index < bots.length; index += 1) keys[leaseCount + index] = (bots[index] as Bot).leaseId;
  const { order: sorted, equalToPrevious } = sortKeys(keys);

  const distinct = new Int32Array(leaseCount);
  let distinctCount = 0;
  const botOf = new Int32Array(leaseCount).fill(-1);
  const slotOf = new Int32Array(leaseCount).fill(-1);
  const orphans = new Map<string, OrphanCount>();
  let start = 0;

  while (start < total) {
    let end = start + 1;
    while (end < total && equalToPrevious[end] === 1) end += 1;

    let botStart = start;
    while (botStart < end && (sorted[botStart] as number) < leaseCount) botStart += 1;

    if (botStart === start) {
      for (let position = start; position < end; position += 1) {
        const bot = (sorted[position] as number) - leaseCount;
        countOrphan(orphans, bots[bot] as Bot, botIndex.hosts[bot] as string);
      }
    } else {
      const chosen = chooseCopy(leases, sorted, start, botStart, warnings);
      distinct[distinctCount] = chosen;
      slotOf[chosen] = distinctCount;
      distinctCount += 1;
      if (botStart < end) botOf[chosen] = chooseBot(botIndex, sorted, leaseCount, botStart, end);
    }

    start = end;
  }

  warnOrphans(orphans, warnings);
  return { order: distinct.subarray(0, distinctCount), botOf, slotOf };
};

/** The copy to plan among the lease copies at `sorted[start..end)`. */
const chooseCopy = (leases: readonly Lease[], sorted: Int32Array, start: number, end: number, warnings: WarningSink): number => {
  let chosen = sorted[start] as number;
  for (let position = start + 1; position < end; position += 1) {
    const candidate = sorted[position] as number;
    if (prefersCopy(leases[candidate] as Lease, leases[chosen] as Lease)) chosen = candidate;
  }

  if (end - start > 1) {
    const leaseId = (leases[chosen] as Lease).leaseId;
    warnings.push({
      code: 'duplicate-lease',
      leaseId,
      message: `leases:find returned lease ${leaseId} ${end - start} times; the plan uses the copy that expires last`,
    });
  }
  return chosen;
};

/** Whether `candidate` should be planned instead of `current`: later expiry, then smaller project name, image and hostname metadata. */
const prefersCopy = (candidate: Lease, current: Lease): boolean => {
  const candidateExpires = Number.isNaN(candidate.expires) ? -Infinity : candidate.expires;
  const currentExpires = Number.isNaN(current.expires) ? -Infinity : current.expires;
  if (candidateExpires !== currentExpires) return candidateExpires > currentExpires;
  // A missing (NaN) expiry ties with -Infinity above; preferring the other copy keeps the choice independent of input order.
  if (Number.isNaN(candidate.expires) !== Number.isNaN(current.expires)) return Number.isNaN(current.expires);
  if (candidate.projectName !== current.projectName) return candidate.projectName < current.projectName;
  if (candidate.image !== current.image) return candidate.image < current.image;

  // Rollouts read the hostname metadata, so copies that differ only there must still be chosen the same way in any order.
  return (candidate.metadata[METADATA_HOSTNAME] ?? '') < (current.metadata[METADATA_HOSTNAME] ?? '');
};

/** The preferred bot among the bots at `sorted[start..end)`. */
const chooseBot = (botIndex: BotIndex, sorted: Int32Array, leaseCount: number, start: number, end: number): number => {
  let chosen = (sorted[start] as number) - leaseCount;
  for (let position = start + 1; position < end; position += 1) {
    const candidate = (sorted[position] as number) - leaseCount;
    const order = compareBots(
      botIndex.bots[candidate] as Bot,
      botIndex.hosts[candidate] as string,
      botIndex.bots[chosen] as Bot,
      botIndex.hosts[chosen] as string,
    );
    if (order < 0) chosen = candidate;
  }
  return chosen;
};

/**
 * Bot preference: live before dead, then bot id, then listing host. The
 * fields the plan shows (quarantine, task, maintenance) break the remaining
 * ties, so even the same bot listed twice in different states gives one
 * answer whatever the input order.
 */
const compareBots = (left: Bot, leftHost: string, right: Bot, rightHost: string): number => {
  if (left.isDead !== right.isDead) return left.isDead ? 1 : -1;
  if (left.botId !== right.botId) return left.botId < right.botId ? -1 : 1;
  if (leftHost !== rightHost) return leftHost < rightHost ? -1 : 1;
  if (left.quarantined !== right.quarantined) return left.quarantined ? 1 : -1;
  return compareOptional(left.taskId, right.taskId) || compareOptional(left.maintenanceMessage, right.maintenanceMessage);
};

/** Absent first, then by `<`. */
const compareOptional = (left: string | undefined, right: string | undefined): number => {
  if (left === right) return 0;
  if (left === undefined) return -1;
  if (right === undefined) return 1;
  return left < right ? -1 : 1;
};

const countOrphan = (orphans: Map<string, OrphanCount>, bot: Bot, host: string): void => {
  let count = orphans.get(host);
  if (count === undefined) {
    count = { dead: 0, live: 0, liveExample: undefined };
    orphans.set(host, count);
  }
  if (bot.isDead) count.dead += 1;
  else {
    count.live += 1;
    if (count.liveExample === undefined || bot.botId < count.liveExample) count.liveExample = bot.botId;
  }
};

const warnOrphans = (orphans: Map<string, OrphanCount>, warnings: WarningSink): void => {
  for (const [swarmingHost, count] of orphans) {
    if (count.dead > 0) {
      warnings.push({
        code: 'bot-without-lease',
        swarmingHost,
        message: `${count.dead} dead ${count.dead === 1 ? 'bot' : 'bots'} listed by ${swarmingHost} name leases that leases:find did not return; Swarming keeps dead bots listed for about four weeks`,
      });
    }
    if (count.live > 0) {
      warnings.push({
        code: 'bot-without-lease',
        swarmingHost,
        botId: count.liveExample,
        message: `${count.live} live ${count.live === 1 ? 'bot' : 'bots'} listed by ${swarmingHost} name leases that leases:find did not return, for example ${count.liveExample ?? 'unknown'}`,
      });
    }
  }
};
