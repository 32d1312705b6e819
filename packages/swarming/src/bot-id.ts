/**
 * Lease ids parsed from Swarming bot ids. A bot on a MacService VM is named
 * `<hostname>--<leaseId>.golang.<site>.macservice.goog`, for example
 * `darwin-amd64-14--39b47cf6-2aaa-4c80-b9cb-b800844fb104.golang.c3.macservice.goog`.
 */

// NOTE: @makemac/core is meant to own this parsing; this copy keeps the
// adapter working until it does, and follows the same default pattern.

/**
 * The default bot id pattern. The first capture group is the lease id. It is
 * the Go makemac pattern, except that the dot before `goog` is escaped.
 */
export const DEFAULT_BOT_ID_PATTERN = /^.*--([0-9a-f-]+)\.golang\..*\.macservice\.goog$/;

/** The result of matching a bot id against a pattern. */
export type LeaseIdMatch =
  | { readonly _tag: 'LeaseId'; readonly leaseId: string }
  | { readonly _tag: 'NoLeaseId'; readonly reason: string };

/**
 * Checks that a bot id pattern has a capture group and returns a copy without
 * the `g` and `y` flags, whose `lastIndex` state would make matches depend on
 * earlier calls.
 *
 * @throws TypeError when the pattern has no capture group.
 */
export const normalizeBotIdPattern = (pattern: RegExp): RegExp => {
  // A pattern that also matches the empty string reports how many groups it has.
  const groups = (new RegExp(`${pattern.source}|`).exec('') ?? []).length - 1;
  if (groups < 1) {
    throw new TypeError(
      `invalid botIdPattern ${String(pattern)}: it has no capture group; put the lease id in the first group, as in ${String(DEFAULT_BOT_ID_PATTERN)}`,
    );
  }
  return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
};

/** Parses the lease id out of a bot id with a pattern whose first capture group is the lease id. */
export const matchLeaseId = (botId: string, pattern: RegExp): LeaseIdMatch => {
  const match = pattern.exec(botId);
  if (match === null) {
    return { _tag: 'NoLeaseId', reason: `bot id does not match the bot id pattern ${String(pattern)}` };
  }

  const leaseId = match[1];
  if (leaseId === undefined || leaseId === '') {
    return { _tag: 'NoLeaseId', reason: `bot id matches ${String(pattern)} but its first capture group is empty` };
  }
  return { _tag: 'LeaseId', leaseId };
};
