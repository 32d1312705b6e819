/**
 * RFC 3339 timestamps as proto3 JSON writes `google.protobuf.Timestamp`
 * values, converted to and from milliseconds since the Unix epoch.
 *
 * Swarming writes UTC with a `Z` and 0, 3, 6 or 9 fractional digits, for
 * example `2024-03-08T15:33:53.123456Z`. Parsing also accepts 1 to 9 digits
 * and numeric offsets such as `+02:00`. Digits past the millisecond are
 * truncated.
 */
import * as t from 'io-ts';

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Earliest instant a protobuf Timestamp can hold: 0001-01-01T00:00:00Z. */
export const MIN_TIMESTAMP_MS = -62_135_596_800_000;

/** Latest millisecond a protobuf Timestamp can hold: 9999-12-31T23:59:59.999Z. */
export const MAX_TIMESTAMP_MS = 253_402_300_799_999;

const daysInMonth = (year: number, month: number): number => {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return days[month - 1] ?? 0;
};

/**
 * Parses an RFC 3339 timestamp into milliseconds since the Unix epoch.
 * Returns undefined when the text is not a valid timestamp or lies outside
 * the protobuf Timestamp range (years 0001 to 9999).
 */
export const parseRfc3339 = (text: string): number | undefined => {
  const match = RFC3339.exec(text);
  if (match === null) {
    return undefined;
  }

  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  // Leap seconds (60) are rejected, as Go's time parser and protojson do.
  if (hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }

  let offsetMinutes = 0;
  if (match[8] === undefined) {
    const offsetHours = Number(match[10]);
    const offsetRest = Number(match[11]);
    if (offsetHours > 23 || offsetRest > 59) {
      return undefined;
    }
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }

  const milliseconds = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));

  // Date.UTC maps years 0 to 99 to 1900 to 1999, so the year is set separately.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, milliseconds);
  const epochMs = date.getTime() - offsetMinutes * 60_000;

  if (epochMs < MIN_TIMESTAMP_MS || epochMs > MAX_TIMESTAMP_MS) {
    return undefined;
  }
  return epochMs;
};

/**
 * Formats milliseconds since the Unix epoch as RFC 3339 in UTC, with three
 * fractional digits when the value has a millisecond part and none otherwise.
 *
 * @throws RangeError when the value is not an integer within the protobuf Timestamp range.
 */
export const formatRfc3339 = (epochMs: number): string => {
  if (!Number.isInteger(epochMs) || epochMs < MIN_TIMESTAMP_MS || epochMs > MAX_TIMESTAMP_MS) {
    throw new RangeError(
      `cannot format ${epochMs} as a timestamp: expected an integer number of milliseconds between ${MIN_TIMESTAMP_MS} and ${MAX_TIMESTAMP_MS}`,
    );
  }

  const iso = new Date(epochMs).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
};

/**
 * io-ts codec between an RFC 3339 string on the wire and milliseconds since
 * the Unix epoch.
 */
export const Rfc3339Timestamp = new t.Type<number, string, unknown>(
  'RFC3339Timestamp',
  (value): value is number =>
    typeof value === 'number' && Number.isInteger(value) && value >= MIN_TIMESTAMP_MS && value <= MAX_TIMESTAMP_MS,
  (value, context) => {
    if (typeof value !== 'string') {
      return t.failure(value, context);
    }
    const epochMs = parseRfc3339(value);
    return epochMs === undefined ? t.failure(value, context) : t.success(epochMs);
  },
  formatRfc3339,
);
