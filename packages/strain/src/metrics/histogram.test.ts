import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import { hasCode } from "../errors.js";
import { Histogram } from "./histogram.js";

function buckets(h: Histogram): [number, number, number][] {
  const out: [number, number, number][] = [];
  h.forEachBucket((lo, hi, n) => out.push([lo, hi, n]));
  return out;
}

/** The reference: hdr-histogram-js with the same layout. */
function reference() {
  return build({
    bitBucketSize: 64,
    lowestDiscernibleValue: 1,
    highestTrackableValue: Histogram.MAX_US,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

describe("Histogram", () => {
  it("records ms as µs with unit resolution below 2,048 µs", () => {
    const h = new Histogram();
    h.recordMs(1.2344);
    h.recordMs(1.2346);
    h.recordMs(2.047);
    expect(buckets(h)).toEqual([
      [1234, 1234, 1],
      [1235, 1235, 1],
      [2047, 2047, 1],
    ]);
    expect(h.totalCount).toBe(3);
  });

  it("groups values by powers of two above 2,048 µs (3 significant digits)", () => {
    const h = new Histogram();
    h.recordMicros(2048);
    h.recordMicros(2049);
    h.recordMicros(4096);
    h.recordMicros(4099);
    h.recordMicros(1_000_000);
    expect(buckets(h)).toEqual([
      [2048, 2049, 2],
      [4096, 4099, 2],
      [999_936, 1_000_447, 1],
    ]);
  });

  it("stores 0 and sub-half-µs values as 1 µs, negatives as 1 µs, clamps at 1 h, ignores NaN", () => {
    const h = new Histogram();
    h.recordMs(0);
    h.recordMs(0.0004);
    h.recordMs(-5);
    h.recordMs(Number.NaN);
    h.recordMs(10 * 3_600_000);
    h.recordMs(Number.POSITIVE_INFINITY);
    expect(h.totalCount).toBe(5);
    const b = buckets(h);
    expect(b[0]).toEqual([1, 1, 3]);
    expect(b[1]![0]).toBeLessThanOrEqual(Histogram.MAX_US);
    expect(b[1]![1]).toBeGreaterThanOrEqual(Histogram.MAX_US);
    expect(b[1]![2]).toBe(2);
  });

  it("answers percentiles like hdr-histogram-js", () => {
    const h = new Histogram();
    const ref = reference();
    for (let i = 1; i <= 5000; i++) {
      const us = Math.round(i ** 1.7);
      h.recordMicros(us);
      ref.recordValue(us);
    }
    for (const p of [0, 1, 25, 50, 90, 99, 99.9, 99.99, 100]) {
      expect(h.percentile(p) * 1000).toBe(ref.getValueAtPercentile(p));
    }
  });

  it("rounds the rank down by an ulp like HdrHistogram (7% of 100 is rank 7, not 8)", () => {
    const h = new Histogram();
    const ref = reference();
    for (let us = 1; us <= 100; us++) {
      h.recordMicros(us);
      ref.recordValue(us);
    }
    expect(h.percentile(7)).toBe(0.007);
    expect(ref.getValueAtPercentile(7)).toBe(7);
  });

  it("stays exact across the sparse → dense switch (1,024 distinct buckets)", () => {
    for (const distinct of [1023, 1024, 1025, 3000]) {
      const h = new Histogram();
      const ref = reference();
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < distinct; i++) {
          const us = 1 + i * 37;
          h.recordMicros(us);
          ref.recordValue(us);
        }
      }
      expect(h.totalCount).toBe(2 * distinct);
      for (const p of [0, 10, 50, 99.9, 100])
        expect(h.percentile(p) * 1000).toBe(ref.getValueAtPercentile(p));
      const back = Histogram.decode(h.encode());
      expect(buckets(back)).toEqual(buckets(h));
      // Independent bucket arithmetic: unit steps below 2,048 µs, then 2^k steps in [1024·2^k, 2048·2^k).
      const expected = new Map<number, number>();
      for (let i = 0; i < distinct; i++) {
        const us = 1 + i * 37;
        const step = us < 2048 ? 1 : 2 ** (Math.floor(Math.log2(us)) - 10);
        const lo = Math.floor(us / step) * step;
        expected.set(lo, (expected.get(lo) ?? 0) + 2);
      }
      expect(buckets(h).map(([lo, , n]) => [lo, n])).toEqual([...expected]);
      h.reset();
      h.recordMicros(5);
      expect(buckets(h)).toEqual([[5, 5, 1]]);
    }
  });

  it("returns NaN percentiles when empty", () => {
    expect(new Histogram().percentile(50)).toBeNaN();
  });

  it("round-trips through encode/decode", () => {
    const h = new Histogram();
    for (let i = 0; i < 300; i++) h.recordMs(0.05 + i * 7.3);
    h.recordMicros(12345, 1e12); // large count: multi-byte LEB128
    const back = Histogram.decode(h.encode());
    expect(buckets(back)).toEqual(buckets(h));
    expect(back.totalCount).toBe(h.totalCount);
  });

  it("encodes an empty histogram", () => {
    const back = Histogram.decode(new Histogram().encode());
    expect(back.totalCount).toBe(0);
    expect(buckets(back)).toEqual([]);
  });

  it("writes what hdr-histogram-js reads (sparse and dense histograms)", () => {
    for (const n of [40, 5000]) {
      const h = new Histogram();
      const ref = reference();
      for (let i = 0; i < n; i++) {
        const us = 1 + ((i * 7919) % 400_000);
        h.recordMicros(us);
        ref.recordValue(us);
      }
      const decoded = decodeFromCompressedBase64(h.encode(), 64);
      expect(decoded.totalCount).toBe(n);
      for (const p of [1, 50, 99, 100])
        expect(decoded.getValueAtPercentile(p)).toBe(ref.getValueAtPercentile(p));
    }
  });

  it("reads what hdr-histogram-js writes (deflated, not stored)", () => {
    const ref = reference();
    const h = new Histogram();
    for (let i = 0; i < 2000; i++) {
      const us = 3 + i * 97;
      ref.recordValue(us);
      h.recordMicros(us);
    }
    const theirs = Histogram.decode(encodeIntoCompressedBase64(ref));
    expect(buckets(theirs)).toEqual(buckets(h));
  });

  it("splits large payloads into several stored blocks", () => {
    const h = new Histogram();
    // Every bucket with a 2^40 count: ~23,500 counts × 6 bytes > one 65,535-byte stored block.
    for (let us = 1; us < Histogram.MAX_US; us = us < 2048 ? us + 1 : Math.ceil(us * 1.0005))
      h.recordMicros(us, 2 ** 40);
    const s = h.encode();
    expect(Buffer.from(s, "base64").length).toBeGreaterThan(65535);
    expect(buckets(Histogram.decode(s))).toEqual(buckets(h));
    expect(decodeFromCompressedBase64(s, 64).totalCount).toBe(h.totalCount);
  });

  it("adds histograms exactly, sparse into dense and dense into sparse", () => {
    const a = new Histogram();
    const b = new Histogram();
    const all = new Histogram();
    for (let i = 0; i < 3000; i++) {
      a.recordMicros(1 + i * 31);
      all.recordMicros(1 + i * 31);
    }
    for (let i = 0; i < 10; i++) {
      b.recordMicros(5 + i * 1000);
      all.recordMicros(5 + i * 1000);
    }
    const x = new Histogram();
    x.add(b);
    x.add(a);
    const y = new Histogram();
    y.add(a);
    y.add(b);
    expect(buckets(x)).toEqual(buckets(all));
    expect(buckets(y)).toEqual(buckets(all));
    expect(x.totalCount).toBe(3010);
  });

  it("resets to empty and keeps working (sparse and dense)", () => {
    const h = new Histogram();
    for (const n of [5, 5000, 7]) {
      for (let i = 0; i < n; i++) h.recordMicros(10 + i * 13);
      expect(h.totalCount).toBe(n);
      h.reset();
      expect(h.totalCount).toBe(0);
      expect(buckets(h)).toEqual([]);
      expect(Histogram.decode(h.encode()).totalCount).toBe(0);
    }
    h.recordMs(1);
    expect(buckets(h)).toEqual([[1000, 1000, 1]]);
  });

  it("rejects malformed encodings with STRAIN_ERR_INTERNAL", () => {
    for (const bad of ["", "aGVsbG8gd29ybGQ=", new Histogram().encode().slice(0, 12)]) {
      let err: unknown;
      try {
        Histogram.decode(bad);
      } catch (e) {
        err = e;
      }
      expect(hasCode(err, "STRAIN_ERR_INTERNAL")).toBe(true);
    }
  });

  it("rejects a histogram with another layout", () => {
    const other = build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 1e6,
      numberOfSignificantValueDigits: 2,
    });
    other.recordValue(100);
    expect(() => Histogram.decode(encodeIntoCompressedBase64(other))).toThrow(/significant digits/);
  });
});
