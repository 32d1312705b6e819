/**
 * Stage 4 of the planner: classifies each planned lease as managed,
 * unmanaged or foreign-host from its project name, and records its host,
 * group, bot state and time left in a {@link LeaseTable}. It walks the
 * leases in input order, which reads memory sequentially.
 */
import type { Config } from '../config-types.js';
import type { Bot, Lease, Snapshot } from '../domain.js';
import type { LeaseJoin } from './join.js';
import {
  BOT_ALIVE,
  BOT_DEAD,
  OWNERSHIP_FOREIGN_HOST,
  OWNERSHIP_MANAGED,
  OWNERSHIP_UNMANAGED,
  RANK_BOOTING,
  RANK_BUSY,
  RANK_IDLE,
  RANK_QUARANTINED,
  type BotIndex,
  type HostIndex,
  type HostState,
  type LeaseTable,
  type WarningSink,
} from './types.js';

/**
 * Builds the lease table. A lease is managed when its project name is
 * exactly `<prefix>/<host>` for a configured host; a project with the prefix,
 * a slash and another host is foreign-host; anything else is unmanaged. A
 * managed lease whose bot was listed by another host gets a
 * `bot-on-other-host` warning.
 */
export const classifyLeases = (
  config: Config,
  snapshot: Snapshot,
  join: LeaseJoin,
  hostIndex: HostIndex,
  botIndex: BotIndex,
  warnings: WarningSink,
): LeaseTable => {
  const leases = snapshot.leases;
  const count = leases.length;
  const table: LeaseTable = {
    leases,
    order: join.order,
    slotOf: join.slotOf,
    ownership: new Uint8Array(count),
    hostOf: new Int32Array(count).fill(-1),
    groupOf: new Int32Array(count).fill(-1),
    botOf: join.botOf,
    botState: new Uint8Array(count),
    victimRank: new Uint8Array(count),
    remaining: new Float64Array(count),
    vacate: new Uint8Array(count),
    renew: new Uint8Array(count),
    foreignHosts: new Map(),
  };

  const prefixWithSlash = `${config.projectPrefix}/`;
  for (let position = 0; position < count; position += 1) {
    if (join.slotOf[position] === -1) continue;

    const lease = leases[position] as Lease;
    table.remaining[position] = lease.expires - snapshot.now;

    const host = hostIndex.byProjectName.get(lease.projectName);
    if (host === undefined) {
      classifyNotManaged(table, position, lease.projectName, prefixWithSlash);
      continue;
    }

    table.ownership[position] = OWNERSHIP_MANAGED;
    table.hostOf[position] = host.index;
    const group = host.groupsByImage.get(lease.image);
    if (group !== undefined) {
      table.groupOf[position] = group.index;
      group.members.push(position);
    }
    recordBot(table, position, host, botIndex, warnings);
  }

  return table;
};

const classifyNotManaged = (table: LeaseTable, position: number, projectName: string, prefixWithSlash: string): void => {
  if (projectName.length > prefixWithSlash.length && projectName.startsWith(prefixWithSlash)) {
    table.ownership[position] = OWNERSHIP_FOREIGN_HOST;
    table.foreignHosts.set(position, projectName.slice(prefixWithSlash.length));
  } else {
    table.ownership[position] = OWNERSHIP_UNMANAGED;
  }
};

const recordBot = (table: LeaseTable, position: number, host: HostState, botIndex: BotIndex, warnings: WarningSink): void => {
  const botPosition = table.botOf[position] as number;
  if (botPosition < 0) {
    table.victimRank[position] = RANK_BOOTING;
    return;
  }

  const bot = botIndex.bots[botPosition] as Bot;
  table.botState[position] = bot.isDead ? BOT_DEAD : BOT_ALIVE;
  table.victimRank[position] = rankBot(bot);

  const botHost = botIndex.hosts[botPosition] as string;
  if (botHost !== host.config.host) {
    const leaseId = (table.leases[position] as Lease).leaseId;
    warnings.push({
      code: 'bot-on-other-host',
      swarmingHost: host.config.host,
      leaseId,
      botId: bot.botId,
      message: `bot ${bot.botId} of lease ${leaseId} (project ${host.projectName}) is listed by ${botHost}`,
    });
  }
};

const rankBot = (bot: Bot): number => {
  if (bot.quarantined || (bot.maintenanceMessage !== undefined && bot.maintenanceMessage !== '')) return RANK_QUARANTINED;
  return bot.taskId !== undefined && bot.taskId !== '' ? RANK_BUSY : RANK_IDLE;
};
