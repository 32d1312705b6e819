/**
 * The `detail` sentence of each decision: the reason with the numbers behind
 * it, for example "22h9m59s left, renew due at <= 23h".
 *
 * Times left are shown to the whole second, rounded toward zero, except
 * below one second and where rounding would hide which side of the renew
 * threshold a lease is on; those are shown to the millisecond.
 *
 * Sentences are cached by what they depend on (the second shown, the
 * project name, the image and host), so a large fleet, whose leases mostly
 * sit within an hour or two of each other and share a few projects, shares
 * a few thousand strings instead of allocating one per lease. Only the
 * sentences that name a bot or a task are built per lease.
 */
import type { Config } from '../config-types.js';
import type { Bot } from '../domain.js';
import { formatDuration } from '../duration.js';
import { RANK_BOOTING, RANK_IDLE, RANK_QUARANTINED, type GroupState } from './types.js';

/** Cached sentences per kind at most; beyond this the writer stops caching. */
const MAX_CACHED = 100_000;

/** Writes detail sentences for one configuration. */
export class DetailWriter {
  private readonly renewDuration: number;
  private readonly renewText: string;
  private readonly projectPattern: string;
  private readonly renewalCache = new Map<number, string>();
  private readonly bootingCache = new Map<number, string>();
  private readonly neverConnectedCache = new Map<number, string>();
  private readonly projectCache = new Map<string, string>();
  private readonly imageCache = new Map<string, Map<string, string>>();

  constructor(config: Config) {
    this.renewDuration = config.renewDuration;
    this.renewText = formatDuration(config.renewDuration);
    this.projectPattern = config.projectPrefix + '/<swarming host>';
  }

  unmanaged(projectName: string): string {
    let sentence = this.projectCache.get(projectName);
    if (sentence === undefined) {
      sentence = 'project "' + projectName + '" does not have the form ' + this.projectPattern + ', so makemac leaves this lease alone';
      this.remember(this.projectCache, projectName, sentence);
    }
    return sentence;
  }

  /** Explains a foreign-host lease; the project names the host, so the project name is the cache key. */
  foreignHost(projectName: string, swarmingHost: string): string {
    let sentence = this.projectCache.get(projectName);
    if (sentence === undefined) {
      sentence = 'project "' + projectName + '" names swarming host ' + swarmingHost + ', which the configuration does not list, so makemac leaves this lease alone';
      this.remember(this.projectCache, projectName, sentence);
    }
    return sentence;
  }

  neverConnected(remaining: number): string {
    return this.cached(this.neverConnectedCache, remaining, 'never-connected');
  }

  booting(remaining: number): string {
    return this.cached(this.bootingCache, remaining, 'booting');
  }

  botDead(bot: Bot, botHost: string, leaseHost: string): string {
    return botHost === leaseHost ? 'bot ' + bot.botId + ' is dead' : 'bot ' + bot.botId + ' is dead (listed by ' + botHost + ')';
  }

  imageObsolete(image: string, swarmingHost: string): string {
    let byImage = this.imageCache.get(swarmingHost);
    if (byImage === undefined) {
      byImage = new Map();
      this.imageCache.set(swarmingHost, byImage);
    }

    let sentence = byImage.get(image);
    if (sentence === undefined) {
      sentence =
        image === ''
          ? 'the lease reports no image, so it matches no image configured for ' + swarmingHost
          : 'image ' + image + ' is not configured for ' + swarmingHost;
      this.remember(byImage, image, sentence);
    }
    return sentence;
  }

  overCount(group: GroupState, rank: number, bot: Bot | undefined): string {
    return (
      String(group.inUse) + ' leases of ' + group.image.hostname + ' on ' + group.host.config.host +
      ' are in use and the count is ' + String(group.want) + ', so ' + String(group.inUse - group.want) + ' must go; ' +
      victimDescription(rank, bot) + ' (surplus order: quarantined or in maintenance, booting, idle, busy)'
    );
  }

  renewal(remaining: number): string {
    return this.cached(this.renewalCache, remaining, 'renewal');
  }

  listingFailed(swarmingHost: string, remaining: number, renewed: boolean): string {
    return (
      'the bots of ' + swarmingHost + ' could not be listed, so this lease is only ' + (renewed ? 'renewed' : 'kept') + '; ' +
      this.renewal(remaining)
    );
  }

  /** `22h9m59s left` or `expired 3m ago`, rounded as the module describes. */
  private timeLeft(remaining: number): string {
    const shown = this.shownRemaining(remaining);
    return shown >= 0 ? formatDuration(shown) + ' left' : 'expired ' + formatDuration(-shown) + ' ago';
  }

  /** Rounds the time left for display: whole seconds toward zero, but exact below a second or next to the threshold. */
  private shownRemaining(remaining: number): number {
    if (!Number.isFinite(remaining) || Math.abs(remaining) < 1000) return remaining;
    const whole = remaining >= 0 ? Math.floor(remaining / 1000) * 1000 : -Math.floor(-remaining / 1000) * 1000;
    return (remaining > this.renewDuration) === (whole > this.renewDuration) ? whole : remaining;
  }

  private cached(cache: Map<number, string>, remaining: number, kind: 'booting' | 'renewal' | 'never-connected'): string {
    const shown = this.shownRemaining(remaining);
    const hit = cache.get(shown);
    if (hit !== undefined) return hit;

    const timeLeft = this.timeLeft(remaining);
    let sentence: string;
    switch (kind) {
      case 'booting':
        sentence = 'no bot yet; ' + timeLeft + ', more than ' + this.renewText + ', so the VM may still be booting';
        break;
      case 'renewal':
        sentence = timeLeft + ', renew due at <= ' + this.renewText;
        break;
      case 'never-connected':
        sentence =
          'no bot on any listed swarming host names this lease, and with ' + timeLeft +
          ' it is past booting (booting means more than ' + this.renewText + ' left)';
        break;
    }
    this.remember(cache, shown, sentence);
    return sentence;
  }

  /** Caches a sentence unless the cache is full, which bounds memory when every key differs. */
  private remember<K>(cache: Map<K, string>, key: K, sentence: string): void {
    if (cache.size < MAX_CACHED) cache.set(key, sentence);
  }
}

const victimDescription = (rank: number, bot: Bot | undefined): string => {
  if (rank === RANK_QUARANTINED) return bot?.quarantined === true ? 'its bot is quarantined' : 'its bot is in maintenance';
  if (rank === RANK_BOOTING) return 'it has no bot yet';
  if (rank === RANK_IDLE) return 'its bot is idle';
  return 'its bot is running task ' + (bot?.taskId ?? '');
};
