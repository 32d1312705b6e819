/**
 * Sorts items by a string key (the lease id) fast enough for a million
 * leases. A comparison sort of 100,000 UUIDs costs more than the rest of the
 * plan, and at a million keys its random reads of string memory dominate.
 *
 * This sort reads the first few characters of each key (after the prefix all
 * keys share) once, in input order, packs them into a 32-bit word, and sorts
 * the words with a stable LSD radix sort whose passes read memory
 * sequentially. Only keys whose packed characters tie are then compared as
 * whole strings. The order is the one `<` gives on strings (UTF-16 code
 * units), and the sort is stable.
 */

/** Characters per key, after the common prefix, that may be packed into the word. */
const WINDOW = 6;

/** Bits per LSD radix pass at most (2048 buckets). */
const MAX_DIGIT_BITS = 11;

/** Ranges this small are finished with an insertion sort. */
const INSERTION_SORT_LIMIT = 24;

/** Ranges whose characters span more code units than this fall back to a comparison sort. */
const MAX_BUCKETS = 4096;

/** Keys in sorted order. */
export interface SortedKeys {
  /** Indices into the keys, ordered by key; equal keys keep their original order. */
  readonly order: Int32Array;
  /**
   * `words[p]` packs the leading characters of the key at `order[p]`. Equal
   * keys have equal words, so different words prove different keys without
   * reading the strings.
   */
  readonly words: Uint32Array;
  /**
   * `equalToPrevious[p]` is 1 when the key at `order[p]` equals the key at
   * `order[p - 1]`. Computed while the sort has the strings at hand, so
   * callers can find runs of equal keys without reading strings again.
   */
  readonly equalToPrevious: Uint8Array;
}

/** Sorts `keys`, stably, in the order `<` gives on strings. */
export const sortKeys = (keys: readonly string[]): SortedKeys => {
  const count = keys.length;
  const order = new Int32Array(count);
  for (let index = 0; index < count; index += 1) order[index] = index;
  const equalToPrevious = new Uint8Array(count);
  if (count < 2) return { order, words: new Uint32Array(count), equalToPrevious };

  const prefixLength = commonPrefixLength(keys);
  const { words, packing } = packKeys(keys, prefixLength);

  radixSortWords(order, words, packing.charactersPerWord * packing.bitsPerCharacter);
  refineTies(keys, order, words, equalToPrevious, prefixLength + packing.charactersPerWord, packing.bitsPerCharacter);
  return { order, words, equalToPrevious };
};

const commonPrefixLength = (keys: readonly string[]): number => {
  const first = keys[0] as string;
  let length = first.length;
  for (let index = 1; index < keys.length && length > 0; index += 1) {
    const key = keys[index] as string;
    if (key.length < length) length = key.length;
    let position = 0;
    while (position < length && key.charCodeAt(position) === first.charCodeAt(position)) position += 1;
    length = position;
  }
  return length;
};

/** The packing of characters into bits: each code unit that occurs gets a rank, and 0 means "the key has ended". */
interface Packing {
  readonly bitsPerCharacter: number;
  readonly charactersPerWord: number;
}

/**
 * Packs up to {@link WINDOW} characters of each key (after the common
 * prefix) into one word, first character highest. Each code unit that
 * occurs is replaced by its rank among those that occur, so a character
 * needs only as many bits as the alphabet requires (5 for UUIDs: 16 hex
 * digits, the dash and "ended"). The strings are read once, into a
 * temporary array of code units; ranking and packing work on that array.
 */
const packKeys = (keys: readonly string[], prefixLength: number): { readonly words: Uint32Array; readonly packing: Packing } => {
  const count = keys.length;
  const codes = new Uint16Array(count * WINDOW);
  const lengths = new Uint8Array(count);
  const present = new Uint8Array(65_536);

  for (let index = 0; index < count; index += 1) {
    const key = keys[index] as string;
    const length = Math.min(key.length - prefixLength, WINDOW);
    lengths[index] = length;
    const base = index * WINDOW;
    for (let offset = 0; offset < length; offset += 1) {
      const code = key.charCodeAt(prefixLength + offset);
      codes[base + offset] = code;
      present[code] = 1;
    }
  }

  const rank = new Uint16Array(65_536);
  let symbols = 1;
  for (let code = 0; code < 65_536; code += 1) {
    if (present[code] === 1) {
      rank[code] = symbols;
      symbols += 1;
    }
  }

  const bitsPerCharacter = Math.max(1, Math.ceil(Math.log2(symbols)));
  const charactersPerWord = Math.max(1, Math.min(WINDOW, Math.floor(32 / bitsPerCharacter)));
  const scale = 2 ** bitsPerCharacter;
  const words = new Uint32Array(count);

  for (let index = 0; index < count; index += 1) {
    const length = lengths[index] as number;
    const base = index * WINDOW;
    let word = 0;
    for (let offset = 0; offset < charactersPerWord; offset += 1) {
      word = word * scale + (offset < length ? (rank[codes[base + offset] as number] as number) : 0);
    }
    words[index] = word;
  }

  return { words, packing: { bitsPerCharacter, charactersPerWord } };
};

/**
 * Stable LSD radix sort of `order` by `words`. The words move along with the
 * indices, so every pass reads its input sequentially; a pass whose digit is
 * the same for every key is skipped.
 */
const radixSortWords = (order: Int32Array, words: Uint32Array, bits: number): void => {
  const count = order.length;
  const passes = Math.ceil(bits / MAX_DIGIT_BITS);
  const digitBits = Math.ceil(bits / passes);
  const mask = 2 ** digitBits - 1;
  const starts = new Int32Array(mask + 2);

  let sourceOrder: Int32Array = order;
  let sourceWords: Uint32Array = words;
  let targetOrder: Int32Array = new Int32Array(count);
  let targetWords: Uint32Array = new Uint32Array(count);

  for (let pass = 0; pass < passes; pass += 1) {
    const shift = pass * digitBits;

    starts.fill(0);
    for (let index = 0; index < count; index += 1) {
      const slot = (((sourceWords[index] as number) >>> shift) & mask) + 1;
      starts[slot] = (starts[slot] as number) + 1;
    }
    let trivial = false;
    for (let bucket = 1; bucket < starts.length; bucket += 1) {
      if (starts[bucket] === count) trivial = true;
      starts[bucket] = (starts[bucket] as number) + (starts[bucket - 1] as number);
    }
    if (trivial) continue;

    for (let index = 0; index < count; index += 1) {
      const word = sourceWords[index] as number;
      const bucket = (word >>> shift) & mask;
      const target = starts[bucket] as number;
      starts[bucket] = target + 1;
      targetOrder[target] = sourceOrder[index] as number;
      targetWords[target] = word;
    }

    const previousOrder = sourceOrder;
    const previousWords = sourceWords;
    sourceOrder = targetOrder;
    sourceWords = targetWords;
    targetOrder = previousOrder;
    targetWords = previousWords;
  }

  if (sourceOrder !== order) order.set(sourceOrder);
  if (sourceWords !== words) words.set(sourceWords);
};

/**
 * Sorts each run of keys whose packed words are equal and marks which
 * neighbours in it are equal. A run whose last packed character is 0
 * consists of keys that ended inside the window with equal characters:
 * equal strings, already in stable order. Keys with different words differ.
 */
const refineTies = (
  keys: readonly string[],
  order: Int32Array,
  words: Uint32Array,
  equalToPrevious: Uint8Array,
  depth: number,
  bitsPerCharacter: number,
): void => {
  const lastCharacterMask = 2 ** bitsPerCharacter - 1;
  let start = 0;

  while (start < order.length) {
    const word = words[start] as number;
    let end = start + 1;
    while (end < order.length && words[end] === word) end += 1;

    if (end - start > 1) {
      if ((word & lastCharacterMask) === 0) equalToPrevious.fill(1, start + 1, end);
      else if (end - start === 2) sortPair(keys, order, equalToPrevious, start);
      else {
        sortRange(keys, order, start, end, depth);
        markEqualNeighbours(keys, order, equalToPrevious, start, end);
      }
    }
    start = end;
  }
};

/** Orders the most common tie: two keys, often a lease id and the same id named by its bot. */
const sortPair = (keys: readonly string[], order: Int32Array, equalToPrevious: Uint8Array, start: number): void => {
  const first = order[start] as number;
  const second = order[start + 1] as number;
  const firstKey = keys[first] as string;
  const secondKey = keys[second] as string;

  if (firstKey === secondKey) equalToPrevious[start + 1] = 1;
  else if (firstKey > secondKey) {
    order[start] = second;
    order[start + 1] = first;
  }
};

const markEqualNeighbours = (keys: readonly string[], order: Int32Array, equalToPrevious: Uint8Array, start: number, end: number): void => {
  for (let position = start + 1; position < end; position += 1) {
    if (keys[order[position] as number] === keys[order[position - 1] as number]) equalToPrevious[position] = 1;
  }
};

/**
 * Sorts `order[low..high)`, whose keys share their first `startDepth`
 * characters, with an MSD radix sort that falls back to insertion sort for
 * small ranges and to a comparison sort for very wide alphabets.
 */
const sortRange = (keys: readonly string[], order: Int32Array, low: number, high: number, startDepth: number): void => {
  let depth = startDepth;

  for (;;) {
    if (high - low <= INSERTION_SORT_LIMIT) {
      insertionSort(keys, order, low, high);
      return;
    }

    // Code 0 marks a key that ends before `depth`, so it sorts first.
    const codes = new Int32Array(high - low);
    let minimum = Number.MAX_SAFE_INTEGER;
    let maximum = -1;
    for (let position = low; position < high; position += 1) {
      const key = keys[order[position] as number] as string;
      const code = depth < key.length ? key.charCodeAt(depth) + 1 : 0;
      codes[position - low] = code;
      if (code < minimum) minimum = code;
      if (code > maximum) maximum = code;
    }

    if (minimum === maximum) {
      if (maximum === 0) return;
      depth += 1;
      continue;
    }
    if (maximum - minimum >= MAX_BUCKETS) {
      comparisonSort(keys, order, low, high);
      return;
    }

    const ends = distribute(order, codes, low, high, minimum, maximum);
    let start = low;
    for (let bucket = 0; bucket < ends.length; bucket += 1) {
      const end = low + (ends[bucket] as number);
      if (bucket + minimum !== 0 && end - start > 1) sortRange(keys, order, start, end, depth + 1);
      start = end;
    }
    return;
  }
};

/** Stable counting sort of `order[low..high)` by `codes`; returns each bucket's end, relative to `low`. */
const distribute = (order: Int32Array, codes: Int32Array, low: number, high: number, minimum: number, maximum: number): Int32Array => {
  const starts = new Int32Array(maximum - minimum + 1);
  for (let offset = 0; offset < codes.length; offset += 1) {
    const bucket = (codes[offset] as number) - minimum + 1;
    if (bucket < starts.length) starts[bucket] = (starts[bucket] as number) + 1;
  }
  for (let bucket = 1; bucket < starts.length; bucket += 1) starts[bucket] = (starts[bucket] as number) + (starts[bucket - 1] as number);

  const sorted = new Int32Array(high - low);
  for (let offset = 0; offset < codes.length; offset += 1) {
    const bucket = (codes[offset] as number) - minimum;
    sorted[starts[bucket] as number] = order[low + offset] as number;
    starts[bucket] = (starts[bucket] as number) + 1;
  }
  order.set(sorted, low);
  return starts;
};

const insertionSort = (keys: readonly string[], order: Int32Array, low: number, high: number): void => {
  for (let position = low + 1; position < high; position += 1) {
    const index = order[position] as number;
    const key = keys[index] as string;
    let hole = position;
    while (hole > low && (keys[order[hole - 1] as number] as string) > key) {
      order[hole] = order[hole - 1] as number;
      hole -= 1;
    }
    order[hole] = index;
  }
};

const comparisonSort = (keys: readonly string[], order: Int32Array, low: number, high: number): void => {
  const range = Array.from(order.subarray(low, high));
  // Ties fall back to the index, which keeps the sort stable.
  range.sort((left, right) => {
    const a = keys[left] as string;
    const b = keys[right] as string;
    return a < b ? -1 : a > b ? 1 : left - right;
  });
  order.set(range, low);
};
