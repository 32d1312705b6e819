/**
 * Maps a Swarming bot id to the MacService lease id it names. A makemac VM
 * registers as `<hostname>--<leaseId>.golang.<site>.macservice.goog`, for
 * example `darwin-amd64-14--39b47cf6-2aaa-4c80-b9cb-b800844fb104.golang.c3.macservice.goog`.
 * How the VM image builds that id is not public, so adapters may pass their
 * own pattern.
 */
import * as E from 'fp-ts/lib/Either.js';

/**
 * The bot id pattern of Go's makemac, with its one capture group on the
 * lease id (`[0-9a-f-]+`). Unlike the Go original, the dot before `goog` is
 * escaped, so it matches only a literal dot.
 */
export const DEFAULT_BOT_ID_PATTERN: RegExp = /^.*--([0-9a-f-]+)\.golang\..*\.macservice\.goog$/;

/**
 * Extracts the lease id from a bot id with `pattern`, whose first capture
 * group must be the lease id. Returns on the left why the id names no lease,
 * for the `excluded` list of a listing.
 */
export const parseLeaseIdFromBotId = (
  botId: string,
  pattern: RegExp = DEFAULT_BOT_ID_PATTERN,
): E.Either<string, string> => {
  // A global or sticky pattern keeps state in lastIndex between calls, so
  // match with a stateless copy instead.
  const matcher = pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern;
  const match = matcher.exec(botId);

  if (match === null) return E.left(`bot id ${JSON.stringify(botId)} does not match ${String(pattern)}`);

  const leaseId = match[1];
  if (leaseId === undefined || leaseId === '') {
    return E.left(`bot id ${JSON.stringify(botId)} matches ${String(pattern)} but its first capture group, the lease id, is empty`);
  }
  return E.right(leaseId);
};
