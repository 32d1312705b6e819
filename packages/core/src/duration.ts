/**
 * Durations as text. The configuration writes them Go-style (`"24h"`,
 * `"1h30m"`, `"1.5h"`) or as protobuf JSON (`"86400s"`, `"0.5s"`); MacService
 * expects protobuf JSON on the wire; plans and logs print a short form such as
 * `"22h10m"`. Inside makemac a duration is a number of milliseconds.
 *
 * ```ts
 * parseDuration('23h');          // right(82_800_000)
 * formatProtoDuration(82_800_000); // '82800s'
 * formatDuration(5_400_000);     // '1h30m'
 * ```
 */
import * as E from 'fp-ts/lib/Either.js';

import type { Duration } from './domain.js';

const NANOSECONDS_PER_MILLISECOND = 1_000_000n;

/** Nanoseconds per unit, with the unit names that Go's `time.ParseDuration` accepts. */
const UNIT_NANOSECONDS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n],
  ['\u03bcs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

/** The largest protobuf `Duration`: 315,576,000,000 seconds (about 10,000 years). */
const MAX_PROTO_MILLISECONDS = 315_576_000_000_000n;

/** One `<number><unit>` part of a duration, for example `1.5h`. */
const COMPONENT = /^(\d*)(?:\.(\d*))?([a-z\u00b5\u03bc]+)/;

const HOW_TO_WRITE = 'write it like "24h", "1h30m", "90m" or "86400s"';

/**
 * Parses a duration written Go-style (`"24h"`, `"1h30m"`, `"1.5h"`, `"-45s"`,
 * units `h`, `m`, `s`, `ms`, `us`, `ns`) or as protobuf JSON (`"86400s"`,
 * `"0.5s"`) into milliseconds. A bare `"0"` is zero, as in Go.
 *
 * Returns a message on the left when the text is not a duration, is finer
 * than a millisecond, or lies outside the protobuf `Duration` range.
 */
export const parseDuration = (text: string): E.Either<string, Duration> => {
  const quoted = JSON.stringify(text);
  let rest = text;
  let negative = false;

  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }

  if (rest === '0') return E.right(0);
  if (rest === '') return E.left(`invalid duration ${quoted}: it is empty; ${HOW_TO_WRITE}`);

  // Sum the parts as one exact fraction, numerator / 10^scale nanoseconds, so
  // that "1.1h" or "0.001s" convert without floating-point error.
  let numerator = 0n;
  let scale = 0;

  while (rest !== '') {
    const match = COMPONENT.exec(rest);
    const whole = match?.[1] ?? '';
    const fraction = match?.[2] ?? '';
    const unit = match?.[3] ?? '';

    if (match === null) {
      return E.left(`invalid duration ${quoted}: every number needs a unit (h, m, s, ms, us or ns); ${HOW_TO_WRITE}`);
    }
    if (whole === '' && fraction === '') {
      return E.left(`invalid duration ${quoted}: the unit "${unit}" has no number before it; ${HOW_TO_WRITE}`);
    }

    const unitNanoseconds = UNIT_NANOSECONDS.get(unit);
    if (unitNanoseconds === undefined) {
      return E.left(`invalid duration ${quoted}: unknown unit "${unit}"; use h, m, s, ms, us or ns`);
    }

    if (fraction.length > scale) {
      numerator *= 10n ** BigInt(fraction.length - scale);
      scale = fraction.length;
    }
    const digits = BigInt((whole === '' ? '0' : whole) + fraction);
    numerator += digits * unitNanoseconds * 10n ** BigInt(scale - fraction.length);

    rest = rest.slice(match[0].length);
  }

  const denominator = 10n ** BigInt(scale) * NANOSECONDS_PER_MILLISECOND;
  if (numerator % denominator !== 0n) {
    return E.left(`invalid duration ${quoted}: makemac counts durations in whole milliseconds`);
  }

  const milliseconds = numerator / denominator;
  if (milliseconds > MAX_PROTO_MILLISECONDS) {
    return E.left(`invalid duration ${quoted}: it exceeds the protobuf Duration maximum of 315576000000s`);
  }

  const value = Number(milliseconds);
  return E.right(negative && value !== 0 ? -value : value);
};

/**
 * Formats a duration as protobuf JSON, the form MacService expects:
 * whole seconds and an `s`, with 0, 3, 6 or 9 fractional digits as protobuf
 * writes them (`82800s`, `0.500s`, `-1.250s`). Input is milliseconds and may
 * have a fraction; it is rounded to nanoseconds. Non-finite input has no
 * protobuf form and comes back as `String(milliseconds)`.
 */
export const formatProtoDuration = (milliseconds: Duration): string => {
  if (!Number.isFinite(milliseconds)) return String(milliseconds);

  const sign = milliseconds < 0 ? '-' : '';
  const magnitude = Math.abs(milliseconds);
  let wholeMilliseconds = Math.trunc(magnitude);
  let extraNanoseconds = Math.round((magnitude - wholeMilliseconds) * 1e6);
  if (extraNanoseconds === 1e6) {
    wholeMilliseconds += 1;
    extraNanoseconds = 0;
  }

  const seconds = Math.trunc(wholeMilliseconds / 1000);
  const nanoseconds = (wholeMilliseconds - seconds * 1000) * 1e6 + extraNanoseconds;
  if (nanoseconds === 0) return sign + String(seconds) + 's';

  const nine = String(nanoseconds).padStart(9, '0');
  const digits = nanoseconds % 1e6 === 0 ? nine.slice(0, 3) : nanoseconds % 1e3 === 0 ? nine.slice(0, 6) : nine;
  return sign + String(seconds) + '.' + digits + 's';
};

/** `"1m"` … `"59m"`, and `""` for zero minutes. */
const MINUTE_TEXT: readonly string[] = Array.from({ length: 60 }, (_, minutes) => (minutes === 0 ? '' : `${minutes}m`));

/** `".001"` … `".999"` with trailing zeros dropped (`".5"`), and `""` for zero milliseconds. */
const FRACTION_TEXT: readonly string[] = Array.from({ length: 1000 }, (_, milliseconds) =>
  milliseconds === 0 ? '' : `.${String(milliseconds).padStart(3, '0').replace(/0+$/, '')}`,
);

/**
 * Formats a duration for people, leaving out zero parts: `23h`, `1h30m`,
 * `22h9m59.999s`, `45s`, `250ms`, `0s`. The result parses back with
 * {@link parseDuration}. Input is rounded to whole milliseconds; non-finite
 * input comes back as `String(milliseconds)`. Plans call this once per
 * lease, so it uses lookup tables instead of building every part.
 */
export const formatDuration = (milliseconds: Duration): string => {
  if (!Number.isFinite(milliseconds)) return String(milliseconds);

  const rounded = Math.round(milliseconds);
  if (rounded === 0) return '0s';

  const sign = rounded < 0 ? '-' : '';
  const magnitude = Math.abs(rounded);
  if (magnitude < 1000) return `${sign}${magnitude}ms`;

  const hours = Math.floor(magnitude / 3_600_000);
  const afterHours = magnitude - hours * 3_600_000;
  const minutes = Math.floor(afterHours / 60_000);
  const afterMinutes = afterHours - minutes * 60_000;

  let text = hours === 0 ? sign : `${sign}${hours}h`;
  text += MINUTE_TEXT[minutes] as string;
  if (afterMinutes !== 0) {
    const seconds = Math.floor(afterMinutes / 1000);
    text += `${seconds}${FRACTION_TEXT[afterMinutes - seconds * 1000] as string}s`;
  }
  return text;
};
