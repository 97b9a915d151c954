/**
 * A small, fast, seeded pseudo-random generator (sfc32, seeded through splitmix32).
 *
 * Why not Math.random or faker's generator: the seeder needs many independent, reproducible
 * streams (one per lead), cheap to create, and identical on every platform. sfc32 is four
 * 32-bit words of state and integer arithmetic only, so the same seed gives the same numbers
 * everywhere. Not for secrets.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private bits = 0;
  private bitsLeft = 0;

  /** `key` words are mixed together; the same words always give the same stream. */
  constructor(...key: number[]) {
    let state = 0x6a09e667;
    for (const word of key) state = mix32(state ^ toUint32(word)) ^ mix32(highWord(word) + 0x3c6ef372);
    const next = splitmix32(state);
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    // sfc32's first outputs are correlated with the seed words; the usual warm-up.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** In [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer in [min, max], both included. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A byte in [0, 255]: four per 32-bit draw, for `newId(prefix, randomByte)`. */
  readonly byte = (): number => {
    if (this.bitsLeft === 0) {
      this.bits = this.next();
      this.bitsLeft = 4;
    }
    const value = this.bits & 0xff;
    this.bits >>>= 8;
    this.bitsLeft--;
    return value;
  };
}

/**
 * Picks an index by weight. Built once per distribution; `draw` is a binary search over the
 * cumulative weights, so it costs one random number however many outcomes there are.
 */
export class Weighted<T> {
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(private readonly outcomes: ReadonlyArray<readonly [T, number]>) {
    let sum = 0;
    for (const [, weight] of outcomes) {
      if (!(weight >= 0)) throw new Error(`Weights must be non-negative, got ${weight}`);
      sum += weight;
      this.cumulative.push(sum);
    }
    if (sum <= 0) throw new Error('At least one weight must be positive');
    this.total = sum;
  }

  draw(random: Random): T {
    const target = random.float() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.cumulative[middle] > target) high = middle;
      else low = middle + 1;
    }
    return this.outcomes[low][0];
  }

  get values(): T[] {
    return this.outcomes.map(([value]) => value);
  }
}

/** A stable 32-bit hash of a string (FNV-1a over UTF-16 code units), to turn names into seed words. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function splitmix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    return mix32(state) >>> 0;
  };
}

function mix32(value: number): number {
  let t = value ^ (value >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  return (t ^ (t >>> 15)) | 0;
}

function toUint32(value: number): number {
  return Number.isSafeInteger(value) ? value >>> 0 : hashString(String(value));
}

/** Seeds are safe integers, not only 32-bit ones: keep the upper bits too. */
function highWord(value: number): number {
  return Number.isSafeInteger(value) ? Math.floor(value / 4294967296) | 0 : 0;
}
