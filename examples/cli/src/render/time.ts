/**
 * Timestamps in plan output: RFC 3339 in UTC with milliseconds, the form
 * both services accept on the wire.
 */
import type { Timestamp } from '@makemac/core';

/** Formats milliseconds since the epoch as an RFC 3339 UTC timestamp, such as `2026-03-08T17:00:00.000Z`. */
export const formatTimestamp = (time: Timestamp): string => new Date(time).toISOString();
