/**
 * Tests of RFC 3339 parsing and formatting against fixed cases and against
 * `Date.prototype.toISOString` as an independent oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { formatRfc3339, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, parseRfc3339 } from '../src/timestamp.js';
import { timestampMs, wireTimestamp } from './arbitraries.js';

describe('parseRfc3339', () => {
  it('parses the forms Swarming writes', () => {
    expect(parseRfc3339('2024-03-08T17:02:11Z')).toBe(Date.UTC(2024, 2, 8, 17, 2, 11));
    expect(parseRfc3339('2024-03-08T15:40:00.123Z')).toBe(Date.UTC(2024, 2, 8, 15, 40, 0, 123));
    expect(parseRfc3339('2024-03-08T15:40:00.123456Z')).toBe(Date.UTC(2024, 2, 8, 15, 40, 0, 123));
    expect(parseRfc3339('2024-03-08T15:40:00.123456789Z')).toBe(Date.UTC(2024, 2, 8, 15, 40, 0, 123));
    expect(parseRfc3339('2024-03-08T17:03:00.5Z')).toBe(Date.UTC(2024, 2, 8, 17, 3, 0, 500));
  });

  it('applies offsets', () => {
    expect(parseRfc3339('2024-03-08T19:02:11+02:00')).toBe(Date.UTC(2024, 2, 8, 17, 2, 11));
    expect(parseRfc3339('2024-03-08T12:32:11-04:30')).toBe(Date.UTC(2024, 2, 8, 17, 2, 11));
  });

  it('handles the ends of the range and early years', () => {
    expect(parseRfc3339('0001-01-01T00:00:00Z')).toBe(MIN_TIMESTAMP_MS);
    expect(parseRfc3339('9999-12-31T23:59:59.999999999Z')).toBe(MAX_TIMESTAMP_MS);
    expect(parseRfc3339('0050-06-01T00:00:00Z')).toBe(new Date('0050-06-01T00:00:00Z').getTime());
    expect(parseRfc3339('0001-01-01T00:00:00+00:01')).toBeUndefined();
  });

  it('rejects invalid timestamps', () => {
    const invalid = [
      '',
      '2024-03-08',
      '2024-03-08 17:02:11Z',
      '2024-03-08T17:02:11',
      '2024-03-08T17:02:11.Z',
      '2024-03-08T17:02:11.1234567890Z',
      '2024-13-01T00:00:00Z',
      '2024-02-30T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-03-08T24:00:00Z',
      '2024-03-08T17:60:00Z',
      '2024-03-08T17:02:60Z',
      '2024-03-08T17:02:11+24:00',
      '+002024-03-08T17:02:11Z',
      '1709913600',
    ];
    for (const text of invalid) {
      expect(parseRfc3339(text), text).toBeUndefined();
    }
    expect(parseRfc3339('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it('agrees with toISOString on generated text', () => {
    fc.assert(
      fc.property(wireTimestamp({ anyDigits: true }), ({ text, epochMs }) => {
        expect(parseRfc3339(text)).toBe(epochMs);
      }),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const result = parseRfc3339(text);
        expect(result === undefined || Number.isInteger(result)).toBe(true);
      }),
    );
  });
});

describe('formatRfc3339', () => {
  it('writes UTC with milliseconds only when needed', () => {
    expect(formatRfc3339(Date.UTC(2024, 2, 8, 17, 2, 11))).toBe('2024-03-08T17:02:11Z');
    expect(formatRfc3339(Date.UTC(2024, 2, 8, 17, 2, 11, 50))).toBe('2024-03-08T17:02:11.050Z');
  });

  it('rejects values outside the range', () => {
    expect(() => formatRfc3339(MAX_TIMESTAMP_MS + 1)).toThrow(RangeError);
    expect(() => formatRfc3339(0.5)).toThrow('cannot format 0.5 as a timestamp');
  });

  it('round-trips through parseRfc3339', () => {
    fc.assert(
      fc.property(timestampMs(), (epochMs) => {
        expect(parseRfc3339(formatRfc3339(epochMs))).toBe(epochMs);
      }),
    );
  });
});
