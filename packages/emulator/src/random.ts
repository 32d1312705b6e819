/**
 * A small seeded pseudo-random generator. The emulator draws lease ids, boot
 * delays, deaths and fault decisions from it, so the same seed and the same
 * sequence of requests give the same fleet. It is not suitable for secrets.
 *
 * Each concern gets its own named stream, so for example a fault rule that
 * draws numbers does not shift the lease ids that follow.
 */

/** Mixes a 32-bit state (the splitmix32 finaliser). */
const mix32 = (value: number): number => {
  let state = value | 0;
  state = Math.imul(state ^ (state >>> 16), 0x85ebca6b);
  state = Math.imul(state ^ (state >>> 13), 0xc2b2ae35);
  return (state ^ (state >>> 16)) >>> 0;
};

/** 32-bit FNV-1a hash of a stream name. */
const hashName = (name: string): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index += 1) {
    hash = Math.imul(hash ^ name.charCodeAt(index), 0x01000193);
  }
  return hash >>> 0;
};

/**
 * A deterministic generator (the sfc32 algorithm) for one named stream.
 */
export class SeededRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /**
   * Creates the stream `stream` of seed `seed`. The seed must be a safe
   * integer; different stream names give independent sequences.
   */
  constructor(seed: number, stream = '') {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`seed must be a safe integer, got ${String(seed)}`);
    }

    const low = seed >>> 0;
    const high = Math.floor(seed / 0x1_0000_0000) >>> 0;
    const name = hashName(stream);
    this.#a = mix32(low ^ 0x9e3779b9);
    this.#b = mix32(high ^ 0x243f6a88);
    this.#c = mix32(name ^ 0xb7e15162);
    this.#d = 1;

    // The first outputs of sfc32 still show the seed, so discard them.
    for (let index = 0; index < 12; index += 1) this.#nextUint32();
  }

  #nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Returns a number in [0, 1). */
  next(): number {
    return this.#nextUint32() / 0x1_0000_0000;
  }

  /** Returns an integer in [min, max], both included. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Returns true with probability `probability` (0 never, 1 always). */
  chance(probability: number): boolean {
    if (probability <= 0) return false;
    if (probability >= 1) return true;
    return this.next() < probability;
  }

  /**
   * Returns a waiting time in milliseconds until an event that happens with
   * probability `probabilityPerHour` in any one hour (an exponential
   * distribution). Returns Infinity when the probability is 0.
   */
  waitPerHourChance(probabilityPerHour: number): number {
    if (probabilityPerHour <= 0) return Number.POSITIVE_INFINITY;
    if (probabilityPerHour >= 1) return 0;

    const ratePerHour = -Math.log(1 - probabilityPerHour);
    const uniform = 1 - this.next();
    return Math.round((-Math.log(uniform) / ratePerHour) * 3_600_000);
  }

  /** Returns `length` lower-case hex digits. */
  hex(length: number): string {
    let text = '';
    while (text.length < length) text += this.#nextUint32().toString(16).padStart(8, '0');
    return text.slice(0, length);
  }

  /** Returns a lower-case UUID with version 4 and variant 1 bits, like `39b47cf6-2aaa-4c80-b9cb-b800844fb104`. */
  uuid(): string {
    const digits = this.hex(32).split('');
    digits[12] = '4';
    digits[16] = '89ab'[this.integer(0, 3)] as string;
    const text = digits.join('');
    return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
  }
}
