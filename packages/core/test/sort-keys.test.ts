/**
 * The planner's string sort against a plain comparison sort, on key sets
 * that stress each of its paths: UUIDs, long shared prefixes, duplicates,
 * keys that end inside the packed window, wide alphabets and non-ASCII.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { sortKeys } from '../src/planner/sort-keys.js';

/** The expected order: by `<`, equal keys in input order. */
const referenceOrder = (keys: readonly string[]): number[] =>
  keys.map((_, index) => index).sort((left, right) => {
    const a = keys[left] as string;
    const b = keys[right] as string;
    return a < b ? -1 : a > b ? 1 : left - right;
  });

const expectSorted = (keys: readonly string[]): void => {
  const { order, equalToPrevious } = sortKeys(keys);
  const expected = referenceOrder(keys);
  const expectedEqual = expected.map((index, position) => (position > 0 && keys[index] === keys[expected[position - 1] as number] ? 1 : 0));

  expect(Array.from(order)).toEqual(expected);
  expect(Array.from(equalToPrevious)).toEqual(expectedEqual);
};

const hexKey = fc.stringMatching(/^[0-9a-f]{1,10}$/);
const uuid = fc.uuid();
const prefixed = fc.integer({ min: 0, max: 5000 }).map((number) => `lease-${number}`);
const shortAndEmpty = fc.string({ maxLength: 3, unit: fc.constantFrom('a', 'b', '-') });
const wide = fc.string({ maxLength: 8, unit: 'binary' });

describe('sortKeys', () => {
  it('sorts nothing and one key', () => {
    expectSorted([]);
    expectSorted(['only']);
  });

  it('sorts keys that end inside the window', () => {
    expectSorted(['abc', 'ab', 'abcdefgh', '', 'abcdef', 'abcdefg', 'abcdef', 'a']);
  });

  it('sorts keys that tie beyond the window', () => {
    expectSorted(['abcdefz', 'abcdefa', 'abcdefm', 'abcdefa', 'abcdef', 'abcdefaa']);
  });

  it.each([
    ['UUIDs', uuid],
    ['hex keys with duplicates', hexKey],
    ['keys with a shared prefix', prefixed],
    ['short and empty keys', shortAndEmpty],
    ['keys from the whole UTF-16 range', wide],
  ])('orders %s like a comparison sort', (_, key) => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 300 }), (keys) => {
        expectSorted(keys);
      }),
    );
  });

  it('sorts a long tie run by the characters after the window', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[0-9a-f]{0,4}$/), { minLength: 30, maxLength: 120 }), (suffixes) => {
        expectSorted(suffixes.map((suffix) => `abcdef${suffix}`));
      }),
    );
  });

  it('sorts a long tie run over a wide alphabet', () => {
    const keys = Array.from({ length: 60 }, (_, index) => `abcdef${String.fromCharCode(40 + ((index * 7919) % 60_000))}x`);

    expectSorted(keys);
  });

  it('orders many equal keys stably', () => {
    expectSorted(Array.from({ length: 100 }, (_, index) => (index % 3 === 0 ? 'same-key-long-enough' : 'same-key-long-enougg')));
  });
});
