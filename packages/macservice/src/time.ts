/**
 * Timestamps and durations as MacService writes them in JSON.
 *
 * `expires` is an RFC 3339 string such as `2024-03-09T14:00:00.123Z` (with or
 * without up to 9 fractional digits, `Z` or a numeric offset), and durations
 * use the protobuf JSON form: seconds with an optional fraction and an `s`,
 * such as `86400s`. makemac keeps both as milliseconds, so sub-millisecond
 * digits are truncated when parsing.
 */
import type { Duration, Timestamp } from '@makemac/core';

const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const DURATION_PATTERN = /^([+-])?(\d+)(?:\.(\d{1,9}))?s$/;

/** Earliest instant RFC 3339 can write: `0000-01-01T00:00:00Z`, in epoch milliseconds. */
export const MIN_TIMESTAMP: Timestamp = -62_167_219_200_000;

/** Latest instant RFC 3339 can write: `9999-12-31T23:59:59.999Z`, in epoch milliseconds. */
export const MAX_TIMESTAMP: Timestamp = 253_402_300_799_999;

/** Largest protobuf Duration, about 10,000 years, in whole seconds. */
export const MAX_DURATION_SECONDS = 315_576_000_000;

const MILLISECONDS_PER_MINUTE = 60_000;

const daysInMonth = (year: number, month: number): number => {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return days[month - 1] ?? 0;
};

/** The first three fraction digits as milliseconds; later digits are truncated. */
const fractionToMilliseconds = (fraction: string | undefined): number =>
  fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));

/**
 * Parses an RFC 3339 timestamp into epoch milliseconds.
 *
 * Accepts `T` or `t`, 0 to 9 fractional digits (digits past the third are
 * truncated) and `Z`, `z` or a `±hh:mm` offset. Returns `undefined` for
 * anything else, including out-of-range fields such as month 13 or second 60.
 */
export const parseTimestamp = (text: string): Timestamp | undefined => {
  const match = TIMESTAMP_PATTERN.exec(text);
  if (match === null) {
    return undefined;
  }

  const [, yearText, monthText, dayText, hourText, minuteText, secondText, fraction, zulu, sign, offsetHourText, offsetMinuteText] =
    match;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }

  let offsetMinutes = 0;
  if (zulu === undefined) {
    const offsetHour = Number(offsetHourText);
    const offsetMinute = Number(offsetMinuteText);
    if (offsetHour > 23 || offsetMinute > 59) {
      return undefined;
    }
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }

  // Date.UTC maps years 0-99 to 1900-1999, so the year is set separately.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, fractionToMilliseconds(fraction));
  return date.getTime() - offsetMinutes * MILLISECONDS_PER_MINUTE;
};

/** Whether `value` is a whole number of milliseconds that RFC 3339 can write. */
export const isTimestamp = (value: unknown): value is Timestamp =>
  typeof value === 'number' && Number.isInteger(value) && value >= MIN_TIMESTAMP && value <= MAX_TIMESTAMP;

/**
 * Formats epoch milliseconds as an RFC 3339 timestamp in UTC, such as
 * `2024-03-09T14:00:00Z` or `2024-03-09T14:00:00.123Z`.
 *
 * @throws RangeError when `timestamp` is not a whole number between
 * {@link MIN_TIMESTAMP} and {@link MAX_TIMESTAMP}.
 */
export const formatTimestamp = (timestamp: Timestamp): string => {
  if (!isTimestamp(timestamp)) {
    throw new RangeError(
      `timestamp ${String(timestamp)} ms is not a whole number of milliseconds between years 0000 and 9999`,
    );
  }

  const text = new Date(timestamp).toISOString();
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text;
};

/**
 * Parses a protobuf JSON duration such as `86400s`, `1.5s` or `-0.000000001s`
 * into milliseconds, truncating sub-millisecond digits toward zero. Returns
 * `undefined` for anything else or for more than {@link MAX_DURATION_SECONDS}.
 */
export const parseDuration = (text: string): Duration | undefined => {
  const match = DURATION_PATTERN.exec(text);
  if (match === null) {
    return undefined;
  }

  const [, sign, secondsText = '', fraction] = match;
  const seconds = Number(secondsText);
  if (seconds > MAX_DURATION_SECONDS) {
    return undefined;
  }

  const magnitude = seconds * 1000 + fractionToMilliseconds(fraction);
  // Avoid -0, which would not equal 0 under Object.is.
  return sign === '-' && magnitude !== 0 ? -magnitude : magnitude;
};

/** Whether {@link formatDuration} accepts `duration`: finite and within the protobuf range. */
export const isEncodableDuration = (duration: unknown): duration is Duration =>
  typeof duration === 'number' &&
  Number.isFinite(duration) &&
  Math.abs(Math.round(duration)) <= MAX_DURATION_SECONDS * 1000;

/**
 * Formats milliseconds as a protobuf JSON duration: whole seconds plus three
 * fractional digits when the milliseconds are not zero, then `s`. For
 * example 86,400,000 ms gives `86400s` and 1,500 ms gives `1.500s`.
 * Fractions of a millisecond are rounded.
 *
 * @throws RangeError when {@link isEncodableDuration} is false.
 */
export const formatDuration = (duration: Duration): string => {
  if (!isEncodableDuration(duration)) {
    throw new RangeError(
      `duration ${String(duration)} ms is not a finite number of milliseconds within ±${MAX_DURATION_SECONDS} s`,
    );
  }

  const milliseconds = Math.round(duration);
  const sign = milliseconds < 0 ? '-' : '';
  const magnitude = Math.abs(milliseconds);
  const seconds = Math.floor(magnitude / 1000);
  const remainder = magnitude % 1000;
  const fraction = remainder === 0 ? '' : `.${String(remainder).padStart(3, '0')}`;
  return `${sign}${seconds}${fraction}s`;
};
