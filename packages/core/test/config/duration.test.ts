/**
 * Tests of duration text: parsing Go-style and protobuf JSON durations to
 * milliseconds, formatting them for people and for MacService, and the
 * round trips between the forms.
 */
import { formatDuration, formatProtoDuration, parseDuration } from '@makemac/core';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

const HOUR = 3_600_000;

/** The largest protobuf Duration, 315,576,000,000 s, in milliseconds. */
const MAX_PROTO_MILLISECONDS = 315_576_000_000_000;

const durationArbitrary = fc.integer({ min: -MAX_PROTO_MILLISECONDS, max: MAX_PROTO_MILLISECONDS });

describe('parseDuration', () => {
  it.each([
    ['24h', 24 * HOUR],
    ['23h', 23 * HOUR],
    ['1h30m', 90 * 60_000],
    ['1.5h', 90 * 60_000],
    ['90m', 90 * 60_000],
    ['86400s', 24 * HOUR],
    ['0.5s', 500],
    ['0.500s', 500],
    ['-45s', -45_000],
    ['+2m', 120_000],
    ['0', 0],
    ['-0', 0],
    ['1ms', 1],
    ['1000us', 1],
    ['1000\u00b5s', 1],
    ['1000000ns', 1],
    ['1h1m1s1ms', HOUR + 61_001],
    ['.5h', 30 * 60_000],
    ['1.1h', 66 * 60_000],
    ['315576000000s', MAX_PROTO_MILLISECONDS],
  ])('reads %j', (text, expected) => {
    expect(parseDuration(text)).toEqual(E.right(expected));
  });

  it.each([
    ['', 'empty'],
    ['24', 'unit'],
    ['h', 'unit'],
    ['1d', 'unknown unit "d"'],
    ['1 h', 'unit'],
    ['1h 30m', 'unit'],
    ['.h', 'no number'],
    ['0.0001s', 'whole milliseconds'],
    ['1ns', 'whole milliseconds'],
    ['315576000001s', 'maximum'],
    ['1H', 'unit'],
  ])('rejects %j', (text, reason) => {
    const result = parseDuration(text);

    expect(E.isLeft(result)).toBe(true);
    const message = E.isLeft(result) ? result.left : '';
    expect(message).toContain(JSON.stringify(text));
    expect(message).toContain(reason);
  });

  it('sums Go-style parts exactly', () => {
    const parts = fc.record({
      hours: fc.integer({ min: 0, max: 10_000 }),
      minutes: fc.integer({ min: 0, max: 59 }),
      seconds: fc.integer({ min: 0, max: 59 }),
      milliseconds: fc.integer({ min: 0, max: 999 }),
    });

    fc.assert(
      fc.property(parts, ({ hours, minutes, seconds, milliseconds }) => {
        const text = `${hours}h${minutes}m${seconds}.${String(milliseconds).padStart(3, '0')}s`;
        expect(parseDuration(text)).toEqual(E.right(hours * HOUR + minutes * 60_000 + seconds * 1000 + milliseconds));
      }),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [23 * HOUR, '23h'],
    [90 * 60_000, '1h30m'],
    [22 * HOUR + 9 * 60_000 + 59_999, '22h9m59.999s'],
    [45_000, '45s'],
    [1_500, '1.5s'],
    [250, '250ms'],
    [0, '0s'],
    [-90_000, '-1m30s'],
    [HOUR + 1, '1h0.001s'],
    [Number.NaN, 'NaN'],
  ])('writes %d as %j', (milliseconds, expected) => {
    expect(formatDuration(milliseconds)).toBe(expected);
  });

  it('round-trips through parseDuration', () => {
    fc.assert(
      fc.property(durationArbitrary, (milliseconds) => {
        expect(parseDuration(formatDuration(milliseconds))).toEqual(E.right(milliseconds === 0 ? 0 : milliseconds));
      }),
    );
  });
});

describe('formatProtoDuration', () => {
  it.each([
    [82_800_000, '82800s'],
    [86_400_000, '86400s'],
    [500, '0.500s'],
    [-1_250, '-1.250s'],
    [0, '0s'],
    [1.5, '0.001500s'],
    [0.000001, '0.000000001s'],
  ])('writes %d as %j', (milliseconds, expected) => {
    expect(formatProtoDuration(milliseconds)).toBe(expected);
  });

  it('round-trips through parseDuration', () => {
    fc.assert(
      fc.property(durationArbitrary, (milliseconds) => {
        const text = formatProtoDuration(milliseconds);
        expect(text).toMatch(/^-?\d+(\.\d{3})?s$/);
        expect(parseDuration(text)).toEqual(E.right(milliseconds === 0 ? 0 : milliseconds));
      }),
    );
  });
});
