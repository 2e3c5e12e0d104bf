import fc from "fast-check";
import { build, encodeIntoCompressedBase64 } from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import { Histogram } from "../metrics/histogram.js";
import { BucketCounts, DenseCounts } from "./bucket-counts.js";

const value = fc.oneof(
  fc.double({ min: 0, max: 5, noNaN: true }),
  fc.double({ min: 0, max: 5000, noNaN: true }),
  fc.double({ min: 0, max: Histogram.MAX_MS * 1.1, noNaN: true }),
);
const percentile = fc.oneof(
  fc.constantFrom(0, 50, 90, 95, 99, 99.9, 100),
  fc.double({ min: 0, max: 100, noNaN: true }),
);

const sharedDense = new DenseCounts();

describe("BucketCounts and DenseCounts", () => {
  it("answers percentiles of merged encoded histograms exactly like Histogram", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { minLength: 1, maxLength: 60 }), { minLength: 1, maxLength: 6 }),
        fc.array(percentile, { minLength: 1, maxLength: 6 }),
        (parts, ps) => {
          const merged = new Histogram();
          const counts = new BucketCounts();
          for (const part of parts) {
            const h = new Histogram();
            for (const v of part) h.recordMs(v);
            merged.add(h);
            counts.addEncoded(h.encode());
          }
          expect(counts.total).toBe(merged.totalCount);
          const dense = new DenseCounts();
          // Reused across examples: clear() must leave nothing behind.
          sharedDense.clear();
          counts.addTo(dense);
          counts.addTo(sharedDense);
          const ascending = [...ps].sort((a, b) => a - b);
          expect(dense.percentiles(ascending)).toEqual(ascending.map((p) => merged.percentile(p)));
          expect(sharedDense.percentiles(ascending)).toEqual(ascending.map((p) => merged.percentile(p)));
          expect(counts.percentiles(ps)).toEqual(ps.map((p) => merged.percentile(p)));
          const buckets: number[][] = [];
          counts.forEachBucket((lo, hi, c) => buckets.push([lo, hi, c]));
          const expected: number[][] = [];
          merged.forEachBucket((lo, hi, c) => expected.push([lo, hi, c]));
          expect(buckets).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("clamps to the exact min and max like the Aggregator", () => {
    const h = new Histogram();
    h.recordMs(100);
    const c = new BucketCounts();
    c.addEncoded(h.encode());
    // 100 ms lands in a 64 µs bucket whose top is 100.031 ms.
    expect(c.percentiles([50])[0]).toBeGreaterThan(100);
    expect(c.percentiles([50, 100], 100, 100)).toEqual([100, 100]);
    expect(new BucketCounts().percentiles([50])).toEqual([Number.NaN]);
  });

  it("reads deflated histograms written by hdr-histogram-js", () => {
    const ref = build({
      bitBucketSize: 64,
      lowestDiscernibleValue: 1,
      highestTrackableValue: Histogram.MAX_US,
      numberOfSignificantValueDigits: 3,
      autoResize: true,
    });
    const ours = new Histogram();
    for (let i = 0; i < 2000; i++) {
      ref.recordValue(3 + i * 97);
      ours.recordMicros(3 + i * 97);
    }
    const c = new BucketCounts();
    c.addEncoded(encodeIntoCompressedBase64(ref));
    expect(c.percentiles([50, 99, 100])).toEqual([50, 99, 100].map((p) => ours.percentile(p)));
  });

  it("rejects what is not an encoded histogram", () => {
    expect(() => new BucketCounts().addEncoded("bm90IGEgaGlzdG9ncmFt")).toThrow(/STRAIN|histogram/);
  });
});
