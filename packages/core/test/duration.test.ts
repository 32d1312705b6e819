/**
 * Duration parsing and formatting: Go-style and protobuf JSON input, the
 * protobuf and human output forms, and round trips between them.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { formatDuration, formatProtoDuration, parseDuration } from '../src/index.js';

const HOUR = 3_600_000;

/** Whole milliseconds within the protobuf Duration range. */
const milliseconds = fc.integer({ min: -315_576_000_000_000, max: 315_576_000_000_000 });

describe('parseDuration', () => {
  it.each([
    ['24h', 24 * HOUR],
    ['23h', 23 * HOUR],
    ['1h30m', 90 * 60_000],
    ['90m', 90 * 60_000],
    ['45s', 45_000],
    ['1.5h', 1.5 * HOUR],
    ['86400s', 24 * HOUR],
    ['82800s', 23 * HOUR],
    ['0.5s', 500],
    ['0.001s', 1],
    ['250ms', 250],
    ['1500000us', 1500],
    ['1500000\u00b5s', 1500],
    ['2000000000ns', 2000],
    ['-1.5s', -1500],
    ['+2m', 120_000],
    ['.5s', 500],
    ['1.s', 1000],
    ['0', 0],
    ['1h0m0.5s', HOUR + 500],
  ])('reads %s', (text, expected) => {
    expect(parseDuration(text)).toEqual(E.right(expected));
  });

  it.each([
    ['', 'empty'],
    ['24', 'needs a unit'],
    ['h', 'no number before it'],
    ['1d', 'unknown unit "d"'],
    ['1.5.5s', 'needs a unit'],
    ['1h 30m', 'needs a unit'],
    ['0.0005s', 'whole milliseconds'],
    ['1ns', 'whole milliseconds'],
    ['315576000001s', 'protobuf Duration maximum'],
  ])('rejects %j', (text, message) => {
    const result = parseDuration(text);
    expect(E.isLeft(result)).toBe(true);
    if (E.isLeft(result)) {
      expect(result.left).toContain(message);
      expect(result.left).toContain(JSON.stringify(text));
    }
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        parseDuration(text);
      }),
    );
  });
});

describe('formatProtoDuration', () => {
  it.each([
    [24 * HOUR, '86400s'],
    [23 * HOUR, '82800s'],
    [0, '0s'],
    [500, '0.500s'],
    [1250, '1.250s'],
    [-1500, '-1.500s'],
    [-500, '-0.500s'],
    [0.5, '0.000500s'],
    [0.000001, '0.000000001s'],
  ])('writes %d ms as %s', (value, expected) => {
    expect(formatProtoDuration(value)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [23 * HOUR, '23h'],
    [90 * 60_000, '1h30m'],
    [22 * HOUR + 9 * 60_000 + 59_999, '22h9m59.999s'],
    [45_000, '45s'],
    [59_500, '59.5s'],
    [250, '250ms'],
    [0, '0s'],
    [-2 * HOUR, '-2h'],
    [HOUR + 500, '1h0.5s'],
    [Number.NaN, 'NaN'],
  ])('writes %d ms as %s', (value, expected) => {
    expect(formatDuration(value)).toBe(expected);
  });
});

describe('round trips', () => {
  it('parses what formatDuration writes', () => {
    fc.assert(
      fc.property(milliseconds, (value) => {
        expect(parseDuration(formatDuration(value))).toEqual(E.right(value));
      }),
    );
  });

  it('parses what formatProtoDuration writes', () => {
    fc.assert(
      fc.property(milliseconds, (value) => {
        expect(parseDuration(formatProtoDuration(value))).toEqual(E.right(value));
      }),
    );
  });

  it('writes protobuf durations with 0 or 3 fraction digits', () => {
    fc.assert(
      fc.property(milliseconds, (value) => {
        expect(formatProtoDuration(value)).toMatch(/^-?\d+(\.\d{3})?s$/);
      }),
    );
  });
});
