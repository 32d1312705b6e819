/**
 * The virtual clock of the emulator. Time moves only when a caller advances
 * it, and advancing runs the scheduled events (boots, deaths, expiries) one
 * by one in time order, so a test decides exactly what has happened when it
 * looks at the fleet.
 */
import type { Duration, Timestamp } from '@makemac/core';

/** Handle of a scheduled event, for {@link VirtualClock.cancel}. */
export type EventId = number;

/** A scheduled event as {@link VirtualClock.pending} lists it. */
export interface PendingEvent {
  readonly id: EventId;
  /** When the event runs. */
  readonly at: Timestamp;
  /** Description of the event, for snapshots and debugging. */
  readonly label: string;
}

interface ScheduledEvent extends PendingEvent {
  /** Insertion order, which breaks ties between events at the same time. */
  readonly sequence: number;
  readonly run: () => void;
}

/** Tells whether event `a` runs before event `b`. */
const runsBefore = (a: ScheduledEvent, b: ScheduledEvent): boolean =>
  a.at < b.at || (a.at === b.at && a.sequence < b.sequence);

const requireTime = (name: string, value: number): void => {
  if (!Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number of milliseconds, got ${String(value)}`);
  }
};

/**
 * A manually driven clock with an event queue.
 *
 * @remarks
 * Events at the same time run in the order they were scheduled. An event that
 * schedules another event at or before the target time of the running
 * {@link VirtualClock.advance} runs that event in the same call.
 */
export class VirtualClock {
  #now: Timestamp;
  #queue: ScheduledEvent[] = [];
  #nextId = 1;
  #running = false;

  /** Creates a clock that reads `start` (milliseconds since the Unix epoch). */
  constructor(start: Timestamp) {
    requireTime('start', start);
    this.#now = start;
  }

  /** Returns the current virtual time in milliseconds since the Unix epoch. */
  now(): Timestamp {
    return this.#now;
  }

  /**
   * Schedules `run` at virtual time `at`. A time in the past runs at the next
   * advance, at the then current time.
   */
  schedule(at: Timestamp, label: string, run: () => void): EventId {
    requireTime('at', at);

    const id = this.#nextId;
    this.#nextId += 1;
    const event: ScheduledEvent = { id, at: Math.max(at, this.#now), label, sequence: id, run };

    // Binary search keeps the queue sorted, so advance() only ever takes the head.
    let low = 0;
    let high = this.#queue.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const other = this.#queue[middle] as ScheduledEvent;
      if (runsBefore(other, event)) low = middle + 1;
      else high = middle;
    }
    this.#queue.splice(low, 0, event);

    return id;
  }

  /** Removes a scheduled event. Cancelling an event that already ran does nothing. */
  cancel(id: EventId | undefined): void {
    if (id === undefined) return;
    const index = this.#queue.findIndex((event) => event.id === id);
    if (index >= 0) this.#queue.splice(index, 1);
  }

  /**
   * Moves the clock forward by `duration` milliseconds, running every event
   * due on the way in time order. Returns how many events ran.
   */
  advance(duration: Duration): number {
    requireTime('duration', duration);
    if (duration < 0) {
      throw new RangeError(`the virtual clock cannot go back: advance(${duration}) needs a duration of 0 or more`);
    }
    return this.#runUntil(this.#now + duration);
  }

  /**
   * Moves the clock forward to `time`, running every event due on the way.
   * Returns how many events ran. Setting an earlier time throws, because the
   * fleet's history would stop making sense.
   */
  set(time: Timestamp): number {
    requireTime('time', time);
    if (time < this.#now) {
      throw new RangeError(
        `the virtual clock cannot go back from ${new Date(this.#now).toISOString()} to ${new Date(time).toISOString()}`,
      );
    }
    return this.#runUntil(time);
  }

  /** Lists the events still to run, earliest first. */
  pending(): readonly PendingEvent[] {
    return this.#queue.map(({ id, at, label }) => ({ id, at, label }));
  }

  #runUntil(target: Timestamp): number {
    if (this.#running) {
      throw new Error('the virtual clock cannot be advanced from inside one of its own events');
    }

    this.#running = true;
    let count = 0;
    try {
      for (;;) {
        const head = this.#queue[0];
        if (head === undefined || head.at > target) break;

        this.#queue.shift();
        this.#now = head.at;
        head.run();
        count += 1;
      }
      this.#now = target;
    } finally {
      this.#running = false;
    }
    return count;
  }
}
