/**
 * Stage 2 of the planner: the bots of every successful listing in one flat
 * index. Like Go's makemac, the planner later joins a lease with its bot
 * whichever host listed it.
 */
import type { Bot, SwarmingListing } from '../domain.js';
import type { BotIndex, WarningSink } from './types.js';

/**
 * Collects the bots of every `Listed` listing. Each excluded bot (an id that
 * names no lease) becomes a `bot-id-unparsed` warning.
 */
export const indexBots = (listings: readonly SwarmingListing[], warnings: WarningSink): BotIndex => {
  let total = 0;
  for (const listing of listings) if (listing._tag === 'Listed') total += listing.bots.length;

  // Sized up front: growing arrays of a million entries by push copies them repeatedly.
  const bots: Bot[] = new Array<Bot>(total);
  const hosts: string[] = new Array<string>(total);
  let next = 0;

  for (const listing of listings) {
    if (listing._tag !== 'Listed') continue;

    for (const bot of listing.bots) {
      bots[next] = bot;
      hosts[next] = listing.swarmingHost;
      next += 1;
    }
    for (const excluded of listing.excluded) {
      warnings.push({
        code: 'bot-id-unparsed',
        swarmingHost: listing.swarmingHost,
        botId: excluded.botId,
        message: `bot ${excluded.botId} listed by ${listing.swarmingHost} names no lease and is ignored: ${excluded.reason}`,
      });
    }
  }

  return { bots, hosts };
};
