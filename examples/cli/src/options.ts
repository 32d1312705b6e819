/**
 * Parsers for option values. Each throws commander's `InvalidArgumentError`,
 * so a bad value is reported like any other usage error: the message, the
 * command's help, and exit code 2.
 */
import { parseDuration as parseCoreDuration } from '@makemac/core';
import { InvalidArgumentError } from 'commander';
import * as E from 'fp-ts/lib/Either.js';

/** Output forms of a plan. */
export type OutputFormat = 'table' | 'json';

/** Output forms accepted by `--output`. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json'];

/** Parses a whole number between `min` and `max`, inclusive. */
export const parseInteger =
  (name: string, min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) {
      throw new InvalidArgumentError(`${name} must be a whole number, got "${value}".`);
    }

    const number = Number(value);
    if (number < min || number > max) {
      throw new InvalidArgumentError(`${name} must be between ${min} and ${max}, got ${number}.`);
    }
    return number;
  };

/** A `KEY=VALUE` option value. */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/**
 * Collects a repeatable `KEY=VALUE` option, splitting at the first `=`.
 * A key given twice is rejected, because the second value would silently win.
 */
export const collectKeyValue =
  (option: string, keyName: string, valueName: string) =>
  (raw: string, previous: readonly KeyValue[] | undefined): KeyValue[] => {
    const separator = raw.indexOf('=');
    if (separator <= 0 || separator === raw.length - 1) {
      throw new InvalidArgumentError(`${option} expects ${keyName}=${valueName}, got "${raw}".`);
    }

    const entry = { key: raw.slice(0, separator), value: raw.slice(separator + 1) };
    const earlier = previous ?? [];
    if (earlier.some((other) => other.key === entry.key)) {
      throw new InvalidArgumentError(`${option} names ${keyName} ${entry.key} twice; give each one once.`);
    }
    return [...earlier, entry];
  };

// RFC 3339 date-time: a full date, a time with optional fraction, and `Z` or an offset.
const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Tells whether the fields of an RFC 3339 time name a real calendar date and clock time. */
const isValidDateTime = (match: RegExpExecArray): boolean => {
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  // Day 0 of the next month is the last day of this one; Date.UTC handles leap years.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
};

/** Parses an RFC 3339 timestamp, such as `2026-03-08T17:00:00Z`, to milliseconds since the epoch. */
export const parseRfc3339 =
  (name: string) =>
  (value: string): number => {
    const match = RFC_3339.exec(value);
    const time = match !== null && isValidDateTime(match) ? Date.parse(value.replace(' ', 'T')) : Number.NaN;
    if (Number.isNaN(time)) {
      throw new InvalidArgumentError(
        `${name} must be an RFC 3339 time such as 2026-03-08T17:00:00Z, got "${value}".`,
      );
    }
    return time;
  };

/** Parses an http or https URL. */
export const parseUrl =
  (name: string) =>
  (value: string): string => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidArgumentError(`${name} must be a URL such as https://example.com/, got "${value}".`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InvalidArgumentError(`${name} must be an http or https URL, got "${value}".`);
    }
    return value;
  };

/** Parses a positive duration such as `1h`, `90m` or `30s` to milliseconds. */
export const parseDuration =
  (name: string) =>
  (value: string): number => {
    const duration = parseCoreDuration(value);
    if (E.isLeft(duration)) {
      throw new InvalidArgumentError(`${name}: ${duration.left}.`);
    }
    if (duration.right <= 0) {
      throw new InvalidArgumentError(`${name} must be longer than zero, got "${value}".`);
    }
    return duration.right;
  };
