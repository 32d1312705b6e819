/**
 * Time and duration text for plan output: RFC 3339 timestamps and protobuf
 * JSON durations (`"82800s"`), the forms both services use on the wire.
 */
import type { Duration, Timestamp } from '@makemac/core';

/** Formats milliseconds since the epoch as an RFC 3339 UTC timestamp with milliseconds. */
export const formatTimestamp = (time: Timestamp): string => new Date(time).toISOString();

/**
 * Formats a duration in milliseconds as a protobuf JSON duration: whole
 * seconds, a fraction only when needed, and an `s` suffix (`"82800s"`, `"1.5s"`).
 */
export const formatProtoDuration = (duration: Duration): string => {
  const sign = duration < 0 ? '-' : '';
  const magnitude = Math.abs(Math.round(duration));
  const seconds = Math.floor(magnitude / 1000);
  const millis = magnitude % 1000;

  if (millis === 0) {
    return `${sign}${seconds}s`;
  }
  return `${sign}${seconds}.${String(millis).padStart(3, '0')}s`;
};

/** Formats a duration for people: `23h`, `1h30m`, `45s`, `0s`. */
export const formatHumanDuration = (duration: Duration): string => {
  const sign = duration < 0 ? '-' : '';
  let rest = Math.floor(Math.abs(duration) / 1000);
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;

  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours}h`);
  if (minutes > 0) parts.push(`${minutes}m`);
  if (seconds > 0 || parts.length === 0) parts.push(`${seconds}s`);
  return sign + parts.join('');
};
