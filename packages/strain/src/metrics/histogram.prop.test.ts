import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Histogram } from "./histogram.js";

/** Durations from 0.3 µs to ~1 h, log-spread, plus exact zeros. */
const duration = fc.oneof(
  { weight: 9, arbitrary: fc.double({ min: -3.5, max: 6.55, noNaN: true }).map((e) => 10 ** e) },
  { weight: 1, arbitrary: fc.constant(0) },
);

function buckets(h: Histogram): number[] {
  const out: number[] = [];
  h.forEachBucket((lo, _hi, n) => out.push(lo, n));
  return out;
}

const PERCENTILES = [0, 1, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

describe("Histogram properties", () => {
  it("merging parts (directly and through encode → decode) equals one histogram of everything", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 8 })
          .chain((k) =>
            fc.tuple(
              fc.constant(k),
              fc.array(fc.tuple(duration, fc.nat({ max: k - 1 })), { maxLength: 400, size: "large" }),
            ),
          ),
        ([k, samples]) => {
          const whole = new Histogram();
          const parts = Array.from({ length: k }, () => new Histogram());
          for (const [v, part] of samples) {
            whole.recordMs(v);
            parts[part]!.recordMs(v);
          }
          const added = new Histogram();
          const decoded = new Histogram();
          for (const p of parts) {
            added.add(p);
            decoded.addEncoded(p.encode());
          }
          const viaDecode = Histogram.decode(decoded.encode());
          for (const h of [added, decoded, viaDecode]) {
            expect(h.totalCount).toBe(samples.length);
            expect(buckets(h)).toEqual(buckets(whole));
            for (const p of PERCENTILES) expect(h.percentile(p)).toBe(whole.percentile(p));
          }
        },
      ),
    );
  });

  it("counts repeated values exactly (independent bucket arithmetic)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 50_000_000 })), {
          maxLength: 2000,
          size: "large",
        }),
        (values) => {
          const h = new Histogram();
          const expected = new Map<number, number>();
          for (const us of values) {
            h.recordMicros(us);
            const step = us < 2048 ? 1 : 2 ** (Math.floor(Math.log2(us)) - 10);
            const lo = Math.floor(us / step) * step;
            expected.set(lo, (expected.get(lo) ?? 0) + 1);
          }
          const want = [...expected].sort((a, b) => a[0] - b[0]).flat();
          expect(buckets(h)).toEqual(want);
          expect(buckets(Histogram.decode(h.encode()))).toEqual(want);
        },
      ),
    );
  });

  it("percentiles are within 0.1% (or 1 µs) of the exact sorted-array percentile", () => {
    fc.assert(
      fc.property(
        fc.array(duration, { minLength: 1, maxLength: 500, size: "large" }),
        fc.oneof(fc.constantFrom(...PERCENTILES), fc.double({ min: 0, max: 100, noNaN: true })),
        (values, p) => {
          const h = new Histogram();
          for (const v of values) h.recordMs(v);
          const sorted = [...values].sort((a, b) => a - b);
          // HdrHistogram's rank: ceil(p% × n), rounded down by an ulp first, at least 1.
          const x = (p / 100) * sorted.length;
          const rank = Math.max(1, Math.ceil(x - x * Number.EPSILON));
          const exact = sorted[rank - 1]!;
          const got = h.percentile(p);
          expect(Math.abs(got - exact)).toBeLessThanOrEqual(Math.max(exact * 0.001, 0.001) + 1e-9);
        },
      ),
    );
  });
});
