/**
 * Unit tests of the building blocks: the virtual clock, the seeded
 * generator and the protobuf JSON value encodings.
 */
import { describe, expect, it } from 'vitest';

import { formatTimestamp, httpStatusOfGrpcCode, parseDuration, SeededRandom, VirtualClock } from '../src/index.js';

describe('VirtualClock', () => {
  it('runs events in time order', () => {
    const clock = new VirtualClock(1000);
    const ran: string[] = [];
    clock.schedule(3000, 'c', () => ran.push(`c@${clock.now()}`));
    clock.schedule(2000, 'b', () => ran.push(`b@${clock.now()}`));
    clock.schedule(5000, 'late', () => ran.push('late'));

    expect(clock.advance(2500)).toBe(2);
    expect(ran).toEqual(['b@2000', 'c@3000']);
    expect(clock.now()).toBe(3500);
  });

  it('breaks ties by scheduling order', () => {
    const clock = new VirtualClock(0);
    const ran: string[] = [];
    clock.schedule(10, 'first', () => ran.push('first'));
    clock.schedule(10, 'second', () => ran.push('second'));
    clock.advance(10);
    expect(ran).toEqual(['first', 'second']);
  });

  it('runs events scheduled by events within the same advance', () => {
    const clock = new VirtualClock(0);
    const ran: number[] = [];
    clock.schedule(10, 'outer', () => {
      clock.schedule(clock.now() + 5, 'inner', () => ran.push(clock.now()));
    });
    clock.advance(20);
    expect(ran).toEqual([15]);
  });

  it('skips cancelled events', () => {
    const clock = new VirtualClock(0);
    let ran = false;
    const id = clock.schedule(10, 'cancelled', () => {
      ran = true;
    });
    clock.cancel(id);
    clock.advance(100);
    expect(ran).toBe(false);
    expect(clock.pending()).toEqual([]);
  });

  it('rejects going back in time', () => {
    const clock = new VirtualClock(1000);
    expect(() => clock.set(999)).toThrow(/cannot go back/);
    expect(() => clock.advance(-1)).toThrow(/cannot go back/);
    expect(clock.set(5000)).toBe(0);
    expect(clock.now()).toBe(5000);
  });
});

describe('SeededRandom', () => {
  it('repeats a sequence for the same seed and stream', () => {
    const a = new SeededRandom(42, 'lease-ids');
    const b = new SeededRandom(42, 'lease-ids');
    expect([a.uuid(), a.uuid(), a.next()]).toEqual([b.uuid(), b.uuid(), b.next()]);
  });

  it('differs between streams and seeds', () => {
    const base = new SeededRandom(42, 'lease-ids').uuid();
    expect(new SeededRandom(42, 'lifecycle').uuid()).not.toBe(base);
    expect(new SeededRandom(43, 'lease-ids').uuid()).not.toBe(base);
  });

  it('makes lower-case version 4 UUIDs', () => {
    const random = new SeededRandom(7);
    for (let index = 0; index < 50; index += 1) {
      expect(random.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('keeps integers within bounds', () => {
    const random = new SeededRandom(3);
    const values = Array.from({ length: 500 }, () => random.integer(2, 5));
    expect(Math.min(...values)).toBe(2);
    expect(Math.max(...values)).toBe(5);
  });

  it('rejects a seed that is not an integer', () => {
    expect(() => new SeededRandom(1.5)).toThrow(/seed must be a safe integer/);
  });
});

describe('wire format', () => {
  it('parses protobuf durations', () => {
    expect(parseDuration('86400s')).toBe(86_400_000);
    expect(parseDuration('82800s')).toBe(82_800_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('0.000000001s')).toBe(0);
    expect(parseDuration('-2s')).toBe(-2000);
  });

  it('rejects malformed durations', () => {
    for (const text of ['86400', '1h', 's', '1.s', '1.0000000001s', ' 1s', '315576000001s']) {
      expect(parseDuration(text), text).toBeUndefined();
    }
  });

  it('formats timestamps in UTC with Z', () => {
    expect(formatTimestamp(Date.UTC(2024, 2, 9, 14, 0, 0))).toBe('2024-03-09T14:00:00Z');
    expect(formatTimestamp(Date.UTC(2024, 2, 9, 14, 0, 0, 123))).toBe('2024-03-09T14:00:00.123Z');
  });

  it('maps gRPC codes to HTTP statuses', () => {
    const table: [number, number][] = [
      [0, 200], [1, 499], [2, 500], [3, 400], [4, 504], [5, 404], [6, 409], [7, 403], [8, 429],
      [9, 400], [10, 409], [11, 400], [12, 501], [13, 500], [14, 503], [15, 500], [16, 401], [99, 500],
    ];
    for (const [code, status] of table) expect(httpStatusOfGrpcCode(code), `code ${code}`).toBe(status);
  });
});
