/**
 * Tests of RFC 3339 timestamps and protobuf JSON durations: examples from the
 * forms MacService may send, and round-trip laws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  formatDuration,
  formatTimestamp,
  MAX_DURATION_SECONDS,
  MAX_TIMESTAMP,
  MIN_TIMESTAMP,
  parseDuration,
  parseTimestamp,
} from '../src/time.js';
import { durationArbitrary, timestampArbitrary } from './support/arbitraries.js';

const MARCH_9_14H = Date.UTC(2024, 2, 9, 14, 0, 0);

describe('parseTimestamp', () => {
  it('reads whole seconds in UTC', () => {
    expect(parseTimestamp('2024-03-09T14:00:00Z')).toBe(MARCH_9_14H);
  });

  it('reads 1 to 9 fractional digits, truncating below a millisecond', () => {
    expect(parseTimestamp('2024-03-09T14:00:00.1Z')).toBe(MARCH_9_14H + 100);
    expect(parseTimestamp('2024-03-09T14:00:00.123Z')).toBe(MARCH_9_14H + 123);
    expect(parseTimestamp('2024-03-09T14:00:00.123456Z')).toBe(MARCH_9_14H + 123);
    expect(parseTimestamp('2024-03-09T14:00:00.999999999Z')).toBe(MARCH_9_14H + 999);
  });

  it('applies numeric offsets', () => {
    expect(parseTimestamp('2024-03-09T16:00:00+02:00')).toBe(MARCH_9_14H);
    expect(parseTimestamp('2024-03-09T08:30:00.5-05:30')).toBe(MARCH_9_14H + 500);
    expect(parseTimestamp('2024-03-09T14:00:00+00:00')).toBe(MARCH_9_14H);
  });

  it('accepts lower-case t and z', () => {
    expect(parseTimestamp('2024-03-09t14:00:00z')).toBe(MARCH_9_14H);
  });

  it('reads the Go zero time and years below 100', () => {
    expect(parseTimestamp('0001-01-01T00:00:00Z')).toBe(-62_135_596_800_000);
    expect(parseTimestamp('0050-06-01T00:00:00Z')).toBe(new Date('0050-06-01T00:00:00Z').getTime());
  });

  it('reads February 29 only in leap years', () => {
    expect(parseTimestamp('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseTimestamp('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29));
    expect(parseTimestamp('2023-02-29T00:00:00Z')).toBeUndefined();
    expect(parseTimestamp('1900-02-29T00:00:00Z')).toBeUndefined();
  });

  it.each([
    '',
    '2024-03-09',
    '2024-03-09T14:00:00',
    '2024-03-09 14:00:00Z',
    '2024-03-09T14:00Z',
    '2024-03-09T14:00:00.Z',
    '2024-03-09T14:00:00.1234567890Z',
    '2024-13-09T14:00:00Z',
    '2024-00-09T14:00:00Z',
    '2024-04-31T14:00:00Z',
    '2024-03-09T24:00:00Z',
    '2024-03-09T14:60:00Z',
    '2024-03-09T14:00:60Z',
    '2024-03-09T14:00:00+24:00',
    '2024-03-09T14:00:00+0200',
    '+2024-03-09T14:00:00Z',
    '1710000000',
    ' 2024-03-09T14:00:00Z',
  ])('rejects %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it('agrees with Date.parse on ISO strings with offsets', () => {
    // Date.parse reads exactly 3 fractional digits; the parser must give the
    // same instant for those and ignore digits past the third.
    const components = fc.record({
      instant: fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9000, 0, 1) }),
      offsetMinutes: fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
      extraDigits: fc.stringMatching(/^[0-9]{0,6}$/),
    });
    fc.assert(
      fc.property(components, ({ instant, offsetMinutes, extraDigits }) => {
        const local = new Date(instant + offsetMinutes * 60_000).toISOString().slice(0, 23);
        const sign = offsetMinutes < 0 ? '-' : '+';
        const magnitude = Math.abs(offsetMinutes);
        const offset = `${sign}${String(Math.floor(magnitude / 60)).padStart(2, '0')}:${String(magnitude % 60).padStart(2, '0')}`;
        expect(parseTimestamp(`${local}${extraDigits}${offset}`)).toBe(Date.parse(`${local}${offset}`));
      }),
    );
  });
});

describe('formatTimestamp', () => {
  it('writes UTC with Z, and milliseconds only when not zero', () => {
    expect(formatTimestamp(MARCH_9_14H)).toBe('2024-03-09T14:00:00Z');
    expect(formatTimestamp(MARCH_9_14H + 7)).toBe('2024-03-09T14:00:00.007Z');
  });

  it('writes the range ends', () => {
    expect(formatTimestamp(MIN_TIMESTAMP)).toBe('0000-01-01T00:00:00Z');
    expect(formatTimestamp(MAX_TIMESTAMP)).toBe('9999-12-31T23:59:59.999Z');
  });

  it('rejects values outside RFC 3339', () => {
    expect(() => formatTimestamp(MAX_TIMESTAMP + 1)).toThrow(RangeError);
    expect(() => formatTimestamp(MIN_TIMESTAMP - 1)).toThrow(RangeError);
    expect(() => formatTimestamp(1.5)).toThrow(RangeError);
    expect(() => formatTimestamp(Number.NaN)).toThrow(RangeError);
  });

  it('round-trips through parseTimestamp', () => {
    fc.assert(
      fc.property(timestampArbitrary, (timestamp) => {
        expect(parseTimestamp(formatTimestamp(timestamp))).toBe(timestamp);
      }),
    );
  });
});

describe('parseDuration', () => {
  it('reads the durations makemac sends', () => {
    expect(parseDuration('86400s')).toBe(86_400_000);
    expect(parseDuration('82800s')).toBe(82_800_000);
  });

  it('reads fractions, signs and the range end', () => {
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('0.000000001s')).toBe(0);
    expect(parseDuration('-2.250s')).toBe(-2250);
    expect(parseDuration('+3s')).toBe(3000);
    expect(parseDuration('-0.0001s')).toBe(0);
    expect(parseDuration(`${MAX_DURATION_SECONDS}s`)).toBe(MAX_DURATION_SECONDS * 1000);
  });

  it.each(['', 's', '86400', '86400 s', '1.s', '.5s', '1.0000000001s', '1e3s', '1h', `${MAX_DURATION_SECONDS + 1}s`])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  it('writes whole seconds without a fraction', () => {
    expect(formatDuration(86_400_000)).toBe('86400s');
    expect(formatDuration(0)).toBe('0s');
  });

  it('writes milliseconds as three fractional digits', () => {
    expect(formatDuration(1500)).toBe('1.500s');
    expect(formatDuration(7)).toBe('0.007s');
    expect(formatDuration(-2250)).toBe('-2.250s');
  });

  it('rounds fractions of a millisecond', () => {
    expect(formatDuration(1000.6)).toBe('1.001s');
  });

  it('rejects durations it cannot write', () => {
    expect(() => formatDuration(Number.NaN)).toThrow(RangeError);
    expect(() => formatDuration(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => formatDuration((MAX_DURATION_SECONDS + 1) * 1000)).toThrow(RangeError);
  });

  it('round-trips through parseDuration', () => {
    fc.assert(
      fc.property(durationArbitrary, (duration) => {
        expect(parseDuration(formatDuration(duration))).toBe(duration);
      }),
    );
  });

  it('matches whole seconds written as "Ns"', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_DURATION_SECONDS }), (seconds) => {
        expect(formatDuration(seconds * 1000)).toBe(`${seconds}s`);
        expect(parseDuration(`${seconds}s`)).toBe(seconds * 1000);
      }),
    );
  });
});
