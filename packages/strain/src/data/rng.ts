/**
 * The data generator's randomness: a small, fast, seedable PRNG (sfc32) that is re-seeded per
 * (dataset seed, stream, row), so a row's content is a pure function of its number and never of
 * which worker made it or in what order. That is what makes a load byte-identical for any
 * `--workers` and lets a resumed load regenerate exactly the missing chunks.
 *
 * Hot path: `u32()` is a handful of integer ops; no allocation after construction.
 */

/** murmur3's 32-bit finaliser: a bijection on 32-bit integers with full avalanche. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A stable 32-bit id for a name (FNV-1a then mixed): one random stream per table or column. */
export function streamId(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return mix32(h >>> 0);
}

const TWO_32 = 4294967296;

export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 1;

  constructor(seed = 0) {
    this.reseed(seed, 0, 0);
  }

  /**
   * Restart the stream at (seed, stream, row). `row` may be any integer below 2^53 (it is split in
   * two 32-bit halves); distinct triples give independent-looking streams.
   */
  reseed(seed: number, stream: number, row: number): this {
    const lo = row >>> 0;
    const hi = Math.floor(row / TWO_32) >>> 0;
    this.a = mix32(seed ^ 0x9e3779b9);
    this.b = mix32(stream ^ Math.imul(this.a, 0x7feb352d));
    this.c = mix32(lo ^ Math.imul(this.b, 0x846ca68b));
    this.d = mix32(hi ^ 0x6a09e667 ^ this.c) | 1;
    // sfc32 needs a few rounds before nearby seeds decorrelate.
    for (let i = 0; i < 8; i++) this.u32();
    return this;
  }

  /** Uniform 32-bit unsigned integer (sfc32). */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / TWO_32;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform real in [min, max). */
  real(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  weighted<T>(table: Weighted<T>): T {
    return table.values[table.indexOf(this.u32())]!;
  }
}

/**
 * A weighted choice, prepared once: cumulative 32-bit thresholds, so a draw is one `u32()` and a
 * short scan (tables here have at most a dozen entries).
 */
export class Weighted<T> {
  readonly values: readonly T[];
  readonly weights: readonly number[];
  private readonly thresholds: Uint32Array;

  constructor(entries: readonly (readonly [T, number])[]) {
    if (entries.length === 0) throw new RangeError("a weighted choice needs at least one entry");
    const total = entries.reduce((s, [, w]) => s + w, 0);
    if (!(total > 0) || entries.some(([, w]) => !(w >= 0)))
      throw new RangeError("weights must be non-negative numbers with a positive sum");
    this.values = entries.map(([v]) => v);
    this.weights = entries.map(([, w]) => w / total);
    this.thresholds = new Uint32Array(entries.length);
    let acc = 0;
    for (let i = 0; i < entries.length; i++) {
      acc += entries[i]![1];
      this.thresholds[i] =
        i === entries.length - 1 ? 0xffffffff : Math.min(0xffffffff, Math.round((acc / total) * TWO_32));
    }
  }

  /** Index of the entry a uniform 32-bit draw `u` selects. */
  indexOf(u: number): number {
    const t = this.thresholds;
    const last = t.length - 1;
    for (let i = 0; i < last; i++) if (u < t[i]!) return i;
    return last;
  }

  /** Expected value when the entries are numbers. */
  mean(): number {
    let m = 0;
    for (let i = 0; i < this.values.length; i++) m += Number(this.values[i]) * this.weights[i]!;
    return m;
  }
}
