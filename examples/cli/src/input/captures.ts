/**
 * Offline snapshots from captured response bodies: one `leases:find` body
 * and, per configured swarming host, one ListBots body or a JSON array of
 * ListBots pages. The bodies are decoded by the adapters' own pure decoders,
 * so an offline plan reads exactly the leases and bots a live one would.
 */
import { listed, type Bot, type Config, type DecodeError, type ExcludedBot, type Lease, type Snapshot } from '@makemac/core';
import { decodeFindResponse } from '@makemac/macservice';
import { decodeListBotsResponse } from '@makemac/swarming';
import * as E from 'fp-ts/lib/Either.js';

import { usageError } from '../errors.js';
import type { KeyValue } from '../options.js';
import { inputError, readJsonFile, toBracketPath } from './json-file.js';

/** The capture files and the time of an offline plan. */
export interface OfflineInputs {
  /** The captured `leases:find` response body. */
  readonly leasesFile: string;
  /** Captured ListBots bodies by swarming host. */
  readonly botsFiles: readonly KeyValue[];
  readonly now: number;
  /** Directory that relative file names are resolved against. */
  readonly cwd: string;
}

const decodeErrorToUsage = (file: string, error: DecodeError, pathPrefix: string): Error =>
  inputError(
    file,
    toBracketPath([pathPrefix, error.path].join('.')),
    `expected ${error.expected}, found ${error.valueExcerpt}`,
  );

/** Reads and decodes a captured `leases:find` body. */
export const loadLeasesCapture = async (file: string, cwd: string): Promise<readonly Lease[]> => {
  const body = await readJsonFile(file, cwd, 'leases:find capture', { allowXssiPrefix: true });
  const leases = decodeFindResponse(body, file);

  if (E.isLeft(leases)) {
    throw decodeErrorToUsage(file, leases.left, '');
  }
  return leases.right;
};

/** Reads and decodes captured ListBots pages of one swarming host, merged into one listing. */
export const loadBotsCapture = async (
  file: string,
  cwd: string,
): Promise<{ bots: readonly Bot[]; excluded: readonly ExcludedBot[] }> => {
  const body = await readJsonFile(file, cwd, 'ListBots capture', { allowXssiPrefix: true });
  const pages: unknown[] = Array.isArray(body) ? body : [body];
  // Merged by bot id like the live client merges pages: a bot listed twice
  // keeps its first position and the fields of its last listing.
  const bots = new Map<string, Bot>();
  const excluded = new Map<string, ExcludedBot>();

  for (const [index, page] of pages.entries()) {
    const decoded = decodeListBotsResponse(page, { url: file });
    if (E.isLeft(decoded)) {
      throw decodeErrorToUsage(file, decoded.left, Array.isArray(body) ? String(index) : '');
    }
    for (const bot of decoded.right.bots) bots.set(bot.botId, bot);
    for (const entry of decoded.right.excluded) excluded.set(entry.botId, entry);
  }
  return { bots: [...bots.values()], excluded: [...excluded.values()] };
};

/**
 * Checks that the `--bots` captures name exactly the configured swarming
 * hosts. A missing host is an error rather than a failed listing, because an
 * offline plan is asked for on purpose and a forgotten file is a typo.
 */
export const checkBotsHosts = (config: Config, botsFiles: readonly KeyValue[]): void => {
  const configured = config.swarmingHosts.map((host) => host.host);
  const given = botsFiles.map((entry) => entry.key);

  const unknown = given.filter((host) => !configured.includes(host));
  if (unknown.length > 0) {
    throw usageError(
      `--bots names ${unknown.join(', ')}, which the configuration does not list; configured swarming hosts: ${configured.join(', ')}`,
    );
  }

  const missing = configured.filter((host) => !given.includes(host));
  if (missing.length > 0) {
    throw usageError(
      `no ListBots capture for swarming host ${missing.join(', ')}; pass --bots HOST=FILE for every configured host`,
    );
  }
};

/** Builds the snapshot of an offline plan from the capture files. */
export const loadOfflineSnapshot = async (config: Config, inputs: OfflineInputs): Promise<Snapshot> => {
  checkBotsHosts(config, inputs.botsFiles);

  const leases = await loadLeasesCapture(inputs.leasesFile, inputs.cwd);
  const swarming = [];
  // Listings in configuration order, as the runtime builds them.
  for (const host of config.swarmingHosts) {
    const file = inputs.botsFiles.find((entry) => entry.key === host.host)?.value ?? '';
    const listing = await loadBotsCapture(file, inputs.cwd);
    swarming.push(listed(host.host, listing.bots, listing.excluded));
  }
  return { now: inputs.now, leases, swarming };
};
