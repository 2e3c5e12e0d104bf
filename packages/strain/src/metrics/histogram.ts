import { inflateSync } from "node:zlib";
import { ErrorCodes, StrainError } from "../errors.js";

/**
 * HDR histogram of durations: values in ms (floats), stored as integer microseconds with 3
 * significant digits over 1 µs … 1 h. The memory layout and the wire format are HdrHistogram's
 * (lowestDiscernibleValue 1, numberOfSignificantValueDigits 3, V2 compressed base64), so any
 * HdrHistogram implementation — hdr-histogram-js included, which the tests use as the reference —
 * reads what we write and we read what it writes.
 *
 * Why not a thin wrapper over hdr-histogram-js: measured on this 2-core machine (Node 20, one
 * histogram class per process so call sites stay monomorphic):
 *   recordValue     JS Float64 144 ns, Int32 137 ns, packed 734 ns; WASM 64-bit 24 ns
 *   encode (100 v.) JS 62–65 µs, WASM 57 µs          reset: WASM 33 µs
 * The budget is < 100 ns per record and a few ms for a 1,000-tag-set snapshot (= 1,000 encodes
 * + resets), which neither JS (record) nor WASM (encode + reset: ~90 ms per snapshot) meets.
 * This class indexes with clz32 (no Math.pow; TrendCell.add ≈ 20–35 ns in all, machine loaded),
 * and writes the zlib stream as stored blocks (see `encode`).
 *
 * Two states. Sparse (the usual interval histogram: a tag set sees tens of samples per second):
 * an open-addressing table index → count, ~1 KB, encoded by sorting its keys. Dense, past 1,024
 * distinct buckets: HdrHistogram's counts array, cut into 1,024-count chunks allocated on first use.
 * Measured with 2,000 trend cells of 50 samples each: dense-only used 64 KB per cell (128 MB) and
 * a snapshot took 12 ms, mostly cache misses; with sparse cells (~1 KB) it takes ~6 ms.
 *
 *   chunk   0          1           2             3                …   22
 *   index   0…1023     1024…2047   2048…3071     3072…4095            22528…23551
 *   µs      0…1023     1024…2047   2048…4094     4096…8188        …   2^31…(2^32−1)
 *   step    1          1           2             4                    2^21
 *
 * Counts are Float64 (exact to 2^53) so the same class holds whole-run totals.
 */
export class Histogram {
  /** Largest recordable value, µs (1 h). Larger values are recorded as 1 h. */
  static readonly MAX_US = 3_600_000_000;
  /** Largest recordable value, ms. */
  static readonly MAX_MS = 3_600_000;

  private total = 0;

  // Sparse state: `slots` is a linear-probing hash table holding position + 1 (0 = empty) into
  // `keys`/`counts`, which are in insertion order.
  private dense = false;
  private slots = new Int32Array(32);
  private shift = 27; // 32 − log2(slots.length)
  private keys = new Int32Array(16);
  private counts = new Float64Array(16);
  private n = 0;

  // Dense state: chunks stay allocated across resets for reuse.
  private chunks: Float64Array[] = new Array<Float64Array>(CHUNKS).fill(EMPTY);
  /** Bit c set when chunk c may hold non-zero counts since the last reset. */
  private touched = 0;

  /** Number of values recorded. */
  get totalCount(): number {
    return this.total;
  }

  /**
   * Record one value in ms. Rounded to the nearest µs; values under 0.5 µs — 0 included — are
   * stored as 1 µs (a measured 0 is timer resolution, not a free request, and keeping HDR's index 0
   * empty keeps its min meaningful); values over 1 h are stored as 1 h; NaN is ignored.
   * Callers keep exact min/max/sum beside the histogram (see TrendCell).
   */
  recordMs(ms: number): void {
    let us = Math.round(ms * 1000);
    if (!(us >= 1)) {
      if (Number.isNaN(us)) return;
      us = 1;
    } else if (us > Histogram.MAX_US) us = Histogram.MAX_US;
    this.addAt(indexOfMicros(us), 1);
  }

  /** Record `count` values of `us` microseconds (rounded and clamped like `recordMs`). */
  recordMicros(us: number, count = 1): void {
    us = Math.round(us);
    if (!(us >= 1)) {
      if (Number.isNaN(us)) return;
      us = 1;
    } else if (us > Histogram.MAX_US) us = Histogram.MAX_US;
    if (count > 0) this.addAt(indexOfMicros(us), count);
  }

  private addAt(index: number, count: number): void {
    this.total += count;
    if (this.dense) {
      this.denseAdd(index, count);
      return;
    }
    const mask = this.slots.length - 1;
    let h = Math.imul(index, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const s = this.slots[h]!;
      if (s === 0) break;
      if (this.keys[s - 1] === index) {
        this.counts[s - 1]! += count;
        return;
      }
      h = (h + 1) & mask;
    }
    const pos = this.n;
    if (pos === SPARSE_MAX) {
      this.densify();
      this.denseAdd(index, count);
      return;
    }
    if (pos === this.keys.length) this.growEntries();
    this.keys[pos] = index;
    this.counts[pos] = count;
    this.slots[h] = pos + 1;
    this.n = pos + 1;
    if (this.n * 2 > this.slots.length) this.rehash(this.slots.length * 2);
  }

  private denseAdd(index: number, count: number): void {
    const c = index >>> 10;
    let arr = this.chunks[c]!;
    if (arr.length === 0) {
      arr = new Float64Array(CHUNK);
      this.chunks[c] = arr;
    }
    arr[index & 1023]! += count;
    this.touched |= 1 << c;
  }

  private growEntries(): void {
    const keys = new Int32Array(this.keys.length * 2);
    keys.set(this.keys);
    this.keys = keys;
    const counts = new Float64Array(this.counts.length * 2);
    counts.set(this.counts);
    this.counts = counts;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    this.shift = Math.clz32(size) + 1;
    const mask = size - 1;
    for (let i = 0; i < this.n; i++) {
      let h = Math.imul(this.keys[i]!, 0x9e3779b1) >>> this.shift;
      while (this.slots[h] !== 0) h = (h + 1) & mask;
      this.slots[h] = i + 1;
    }
  }

  private densify(): void {
    for (let i = 0; i < this.n; i++) this.denseAdd(this.keys[i]!, this.counts[i]!);
    this.slots.fill(0);
    this.n = 0;
    this.dense = true;
  }

  /**
   * The sparse entries sorted by index, packed as index·1024 + position (index < 2^15,
   * position < 2^10). Reuses a module buffer unless `own`: callers must not nest uses.
   */
  private sortedEntries(own: boolean): Int32Array {
    const n = this.n;
    const out = own ? new Int32Array(n) : packedScratch.subarray(0, n);
    for (let i = 0; i < n; i++) out[i] = (this.keys[i]! << 10) | i;
    return out.sort();
  }

  /** Add every count of `other` to this histogram (exact). */
  add(other: Histogram): void {
    if (!other.dense) {
      for (let i = 0; i < other.n; i++) this.addAt(other.keys[i]!, other.counts[i]!);
      return;
    }
    if (!this.dense) this.densify();
    let mask = other.touched;
    while (mask !== 0) {
      const c = 31 - Math.clz32(mask);
      mask &= ~(1 << c);
      const src = other.chunks[c]!;
      if (src.length === 0) continue;
      let dst = this.chunks[c]!;
      if (dst.length === 0) {
        dst = new Float64Array(CHUNK);
        this.chunks[c] = dst;
      }
      for (let i = 0; i < CHUNK; i++) dst[i]! += src[i]!;
      this.touched |= 1 << c;
    }
    this.total += other.total;
  }

  /** Clear every count. Nothing is freed: the next interval reuses the table and chunks. */
  reset(): void {
    if (this.dense) {
      let mask = this.touched;
      while (mask !== 0) {
        const c = 31 - Math.clz32(mask);
        mask &= ~(1 << c);
        this.chunks[c]!.fill(0);
      }
      this.touched = 0;
      this.dense = false;
    } else if (this.n > 0) {
      this.slots.fill(0);
      this.n = 0;
    }
    this.total = 0;
  }

  /**
   * Value at percentile `p` (0–100) in ms, HdrHistogram semantics: the highest value equivalent
   * to the sample at rank ceil(p% × count) (p = 0: the lowest equivalent value of the smallest
   * sample). Within 0.1% (or 1 µs below 2 ms) of the exact value. NaN when empty.
   */
  percentile(p: number): number {
    if (this.total === 0) return Number.NaN;
    const pc = Math.min(100, Math.max(0, p));
    const rank = Math.max(1, Math.ceil(roundDownUlp((pc / 100) * this.total)));
    const index = this.dense ? this.rankIndexDense(rank) : this.rankIndexSparse(rank);
    const c = index >>> 10;
    const low = lowestMicrosAt(c, index & 1023);
    return (pc === 0 ? low : low + widthAt(c) - 1) / 1000;
  }

  private rankIndexSparse(rank: number): number {
    const sorted = this.sortedEntries(false);
    let seen = 0;
    for (let i = 0; i < sorted.length; i++) {
      const e = sorted[i]!;
      seen += this.counts[e & 1023]!;
      if (seen >= rank) return e >>> 10;
    }
    return sorted[sorted.length - 1]! >>> 10;
  }

  private rankIndexDense(rank: number): number {
    let seen = 0;
    let last = 0;
    const hi = 31 - Math.clz32(this.touched);
    for (let c = 0; c <= hi; c++) {
      const arr = this.chunks[c]!;
      if (arr.length === 0 || (this.touched & (1 << c)) === 0) continue;
      for (let o = 0; o < CHUNK; o++) {
        const n = arr[o]!;
        if (n === 0) continue;
        seen += n;
        last = c * CHUNK + o;
        if (seen >= rank) return last;
      }
    }
    return last;
  }

  /**
   * Visit every non-empty bucket in increasing value order: its value range in µs (inclusive) and
   * its count. For distributions in reports and for tests.
   */
  forEachBucket(fn: (lowestUs: number, highestUs: number, count: number) => void): void {
    if (!this.dense) {
      for (const e of this.sortedEntries(true)) {
        const index = e >>> 10;
        const c = index >>> 10;
        const low = lowestMicrosAt(c, index & 1023);
        fn(low, low + widthAt(c) - 1, this.counts[e & 1023]!);
      }
      return;
    }
    const hi = 31 - Math.clz32(this.touched);
    for (let c = 0; c <= hi; c++) {
      const arr = this.chunks[c]!;
      if (arr.length === 0 || (this.touched & (1 << c)) === 0) continue;
      for (let o = 0; o < CHUNK; o++) {
        const n = arr[o]!;
        if (n !== 0) {
          const low = lowestMicrosAt(c, o);
          fn(low, low + widthAt(c) - 1, n);
        }
      }
    }
  }

  /**
   * HdrHistogram V2 compressed encoding, base64. The zlib stream is written as stored (level 0)
   * blocks: the V2 payload is already run-length and LEB128 packed, so deflate saved ~10% on
   * typical histograms while zlib's per-call setup cost 10–30 µs (×1,000 tag sets per interval).
   * Any inflater reads stored blocks.
   */
  encode(): string {
    const inner = this.writeV2();
    const blocks = Math.max(1, Math.ceil(inner / 65535));
    const size = 8 + 2 + blocks * 5 + inner + 4;
    const out = scratch(1, size);
    out.writeInt32BE(V2_COMPRESSED_COOKIE, 0);
    out.writeInt32BE(size - 8, 4);
    out[8] = 0x78; // zlib CMF: deflate, 32 KiB window
    out[9] = 0x01; // FLG: fastest, no dictionary, FCHECK so that CMF·256+FLG ≡ 0 (mod 31)
    const src = scratchBuffers[0]!;
    let pos = 10;
    for (let off = 0, b = 0; b < blocks; b++) {
      const len = Math.min(65535, inner - off);
      out[pos] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE=00 (stored)
      out.writeUInt16LE(len, pos + 1);
      out.writeUInt16LE(len ^ 0xffff, pos + 3);
      src.copy(out, pos + 5, off, off + len);
      pos += 5 + len;
      off += len;
    }
    out.writeUInt32BE(adler32(src, inner), pos);
    return out.toString("base64", 0, pos + 4);
  }

  /** Decode an HdrHistogram V2 compressed base64 string (ours or any other encoder's). */
  static decode(base64: string): Histogram {
    const h = new Histogram();
    h.addEncoded(base64);
    return h;
  }

  /**
   * Add the counts of an encoded histogram without building an intermediate one.
   * Throws STRAIN_ERR_INTERNAL on a malformed string or a histogram with another layout.
   */
  addEncoded(base64: string): void {
    // Decoded into a reused buffer: the coordinator decodes thousands of these per interval.
    const buf = scratch(2, (base64.length * 3) >>> 2);
    const bytes = buf.subarray(0, buf.write(base64, "base64"));
    if (bytes.length < 8 || ((bytes.readInt32BE(0) & ~0xf0) | 0) !== V2_COMPRESSED_BASE) {
      throw invalid("not a V2 compressed histogram");
    }
    const len = bytes.readInt32BE(4);
    if (len < 0 || 8 + len > bytes.length) throw invalid("truncated");
    const inner = unzlib(bytes.subarray(8, 8 + len));
    this.addV2(inner);
  }

  /** Write the uncompressed V2 encoding into scratch buffer 0; returns its length. */
  private writeV2(): number {
    const hi = this.touched === 0 ? -1 : 31 - Math.clz32(this.touched);
    // Worst case: 9 bytes per count and 9 per zero run, plus the 40-byte header.
    const buf = scratch(0, 40 + (this.dense ? (hi + 1) * CHUNK * 9 : this.n * 18));
    buf.set(V2_HEADER, 0); // payload length (bytes 4..7) is filled in below
    const pos = this.dense ? this.writeDense(buf, 40, hi) : this.writeSparse(buf, 40);
    buf.writeInt32BE(pos - 40, 4);
    return pos;
  }

  private writeSparse(buf: Buffer, pos: number): number {
    const sorted = this.sortedEntries(false);
    let next = 0; // first index not yet written
    for (let i = 0; i < sorted.length; i++) {
      const e = sorted[i]!;
      const index = e >>> 10;
      const zeros = index - next;
      // A single zero is written as count 0, a run as its negated length.
      if (zeros !== 0) pos = writeZigZag(buf, zeros === 1 ? 0 : -zeros, pos);
      pos = writeZigZag(buf, this.counts[e & 1023]!, pos);
      next = index + 1;
    }
    return pos;
  }

  private writeDense(buf: Buffer, pos: number, hi: number): number {
    let zeros = 0;
    for (let c = 0; c <= hi; c++) {
      const arr = this.chunks[c]!;
      if (arr.length === 0 || (this.touched & (1 << c)) === 0) {
        zeros += CHUNK;
        continue;
      }
      for (let o = 0; o < CHUNK; o++) {
        const n = arr[o]!;
        if (n === 0) {
          zeros++;
          continue;
        }
        if (zeros !== 0) {
          pos = writeZigZag(buf, zeros === 1 ? 0 : -zeros, pos);
          zeros = 0;
        }
        pos = writeZigZag(buf, n, pos);
      }
    }
    return pos;
  }

  private addV2(data: Buffer): void {
    if (data.length < 40) throw invalid("truncated header");
    if (((data.readInt32BE(0) & ~0xf0) | 0) !== V2_BASE) throw invalid("bad payload cookie");
    const payloadLength = data.readInt32BE(4);
    const digits = data.readInt32BE(12);
    const lowest = data.readUInt32BE(16) * 2 ** 32 + data.readUInt32BE(20);
    if (digits !== 3 || lowest !== 1) {
      throw invalid(`layout ${digits} significant digits, lowest ${lowest} (expected 3 and 1)`);
    }
    const end = 40 + payloadLength;
    if (payloadLength < 0 || end > data.length) throw invalid("truncated payload");
    let pos = 40;
    let index = 0;
    while (pos < end) {
      // ZigZag LEB128-64b9B, as HdrHistogram writes it (9th byte carries 8 bits).
      let b = data[pos++]!;
      let v = b & 0x7f;
      let mul = 128;
      for (let i = 1; (b & 0x80) !== 0 && i < 9; i++) {
        if (pos >= end) throw invalid("truncated count");
        b = data[pos++]!;
        v += (i === 8 ? b : b & 0x7f) * mul;
        mul *= 128;
      }
      const n = v % 2 === 0 ? v / 2 : -(v + 1) / 2;
      if (n < 0) {
        index += -n;
        continue;
      }
      if (n > 0) {
        if (index >= CHUNKS * CHUNK) throw invalid("value beyond 1 h");
        this.addAt(index, n);
      }
      index++;
    }
  }
}

const CHUNK = 1024;
const CHUNKS = 23;
/** Distinct buckets kept in the sparse table before switching to chunks (must stay ≤ 1024: see sortedEntries). */
const SPARSE_MAX = 1024;
const packedScratch = new Int32Array(SPARSE_MAX);
const EMPTY = new Float64Array(0);
const V2_COOKIE = 0x1c849313; // V2 encoding, word size bits 0x10
const V2_BASE = 0x1c849303;
const V2_COMPRESSED_COOKIE = 0x1c849314;
const V2_COMPRESSED_BASE = 0x1c849304;

/** HdrHistogram counts index of an integer µs value in [1, 2^32). */
function indexOfMicros(us: number): number {
  if (us < 2048) return us;
  // Bucket k ≥ 1 holds [1024·2^k, 2048·2^k) at step 2^k: index = 1024·k + (us >> k).
  const k = 21 - Math.clz32(us);
  return k * 1024 + (us >>> k);
}

function lowestMicrosAt(chunk: number, offset: number): number {
  if (chunk <= 1) return chunk * CHUNK + offset;
  return (CHUNK + offset) * 2 ** (chunk - 1);
}

function widthAt(chunk: number): number {
  return chunk <= 1 ? 1 : 2 ** (chunk - 1);
}

/** HdrHistogram rounds `count × p` down by one ulp before ceil, so 99.9% of 1000 is rank 999, not 1000. */
function roundDownUlp(x: number): number {
  return x - x * Number.EPSILON;
}

/** The fixed part of every V2 header we write (the payload length at bytes 4..7 varies). */
const V2_HEADER = (() => {
  const b = Buffer.alloc(40);
  b.writeInt32BE(V2_COOKIE, 0);
  b.writeInt32BE(0, 8); // normalizingIndexOffset (Java writes 0)
  b.writeInt32BE(3, 12); // numberOfSignificantValueDigits
  writeInt64(b, 1, 16); // lowestDiscernibleValue
  writeInt64(b, Histogram.MAX_US, 24); // highestTrackableValue
  b.writeDoubleBE(1, 32); // integerToDoubleValueConversionRatio
  return b;
})();

const scratchBuffers: Buffer[] = [
  Buffer.allocUnsafe(1 << 16),
  Buffer.allocUnsafe(1 << 16),
  Buffer.allocUnsafe(1 << 16),
];

/**
 * Reused buffers (0: V2 payload, 1: outer frame, 2: decoded base64). Encoding and decoding are
 * synchronous and never nest, so one of each suffices.
 */
function scratch(i: 0 | 1 | 2, size: number): Buffer {
  let buf = scratchBuffers[i]!;
  if (buf.length < size) {
    const grown = Buffer.allocUnsafe(Math.max(size, buf.length * 2));
    buf.copy(grown);
    buf = grown;
    scratchBuffers[i] = buf;
  }
  return buf;
}

function writeInt64(buf: Buffer, v: number, pos: number): void {
  buf.writeUInt32BE(Math.floor(v / 2 ** 32), pos);
  buf.writeUInt32BE(v % 2 ** 32, pos + 4);
}

/** ZigZag + LEB128; |n| < 2^53 so at most 8 bytes (the 9-byte form is never needed). */
function writeZigZag(buf: Buffer, n: number, pos: number): number {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  if (v < 0x40000000) {
    // Nearly every count and zero run: int32 bit ops instead of float division.
    while (v >= 128) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    return pos;
  }
  while (v >= 128) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

function adler32(buf: Uint8Array, len: number): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < len; ) {
    // 5552 bytes is the most zlib sums before b can exceed 2^32 (zlib's NMAX).
    const end = Math.min(len, i + 5552);
    for (; i < end; i++) {
      a += buf[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return (b * 65536 + a) >>> 0;
}

/**
 * Inflate a zlib stream. Stored-only streams (what `encode` writes) are unwrapped without zlib;
 * anything else (e.g. Java's or hdr-histogram-js' deflated output) goes through inflateSync.
 */
function unzlib(z: Buffer): Buffer {
  if (z.length >= 2 && (z[0]! & 0x0f) === 8 && ((z[0]! << 8) | z[1]!) % 31 === 0 && (z[1]! & 0x20) === 0) {
    let parts: Buffer[] | null = null;
    let first: Buffer | null = null;
    let pos = 2;
    let total = 0;
    for (;;) {
      if (pos + 5 > z.length) break;
      const head = z[pos]!;
      if ((head & 0x06) !== 0) break; // not a stored block: let zlib handle it
      const len = z.readUInt16LE(pos + 1);
      if ((len ^ 0xffff) !== z.readUInt16LE(pos + 3) || pos + 5 + len > z.length) break;
      const block = z.subarray(pos + 5, pos + 5 + len);
      if (first === null) first = block;
      else {
        parts ??= [first];
        parts.push(block);
      }
      total += len;
      pos += 5 + len;
      if ((head & 1) === 1) {
        const data = parts === null ? first : Buffer.concat(parts, total);
        if (pos + 4 <= z.length && z.readUInt32BE(pos) !== adler32(data, total))
          throw invalid("checksum mismatch");
        return data;
      }
    }
  }
  try {
    return inflateSync(z);
  } catch (err) {
    throw invalid("bad zlib stream", err);
  }
}

function invalid(what: string, cause?: unknown): StrainError {
  return new StrainError(
    ErrorCodes.INTERNAL,
    `invalid HDR histogram encoding: ${what}`,
    cause === undefined ? {} : { cause },
  );
}
