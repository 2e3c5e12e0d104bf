import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Segment } from "./executor-types.js";
import {
  ownsIteration,
  segmentOffset,
  segmentShare,
  sharedIterationBlock,
  stripeIteration,
  validateSegment,
} from "./segment.js";

const segmentsOf = (count: number): Segment[] =>
  Array.from({ length: count }, (_, index) => ({ index, count }));

describe("segmentShare", () => {
  it("splits 10 over 4 as 2,3,2,3 with offsets 0,2,5,7", () => {
    expect(segmentsOf(4).map((s) => segmentShare(10, s))).toEqual([2, 3, 2, 3]);
    expect(segmentsOf(4).map((s) => segmentOffset(10, s))).toEqual([0, 2, 5, 7]);
  });

  it("shares sum exactly to the total, differ by at most 1, and offsets are prefix sums", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 64 }), (total, n) => {
        const shares = segmentsOf(n).map((s) => segmentShare(total, s));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        let before = 0;
        for (const s of segmentsOf(n)) {
          expect(segmentOffset(total, s)).toBe(before);
          before += shares[s.index]!;
        }
      }),
    );
  });

  it("rejects segments outside 0 <= index < count", () => {
    expect(() => validateSegment({ index: 2, count: 2 })).toThrow(/invalid segment/);
    expect(() => validateSegment({ index: 0, count: 0 })).toThrow(/invalid segment/);
    expect(() => validateSegment({ index: 0.5, count: 2 })).toThrow(/invalid segment/);
    expect(() => validateSegment({ index: 1, count: 2 })).not.toThrow();
  });
});

describe("striping", () => {
  it("every global iteration belongs to exactly one segment, at the local position striping gives it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 16 }), (j, n) => {
        const owners = segmentsOf(n).filter((s) => ownsIteration(j, s));
        expect(owners).toHaveLength(1);
        const owner = owners[0]!;
        expect(stripeIteration(Math.floor(j / n), owner)).toBe(j);
      }),
    );
  });
});

describe("sharedIterationBlock", () => {
  it("blocks tile 0..iterations-1 in segment order, in proportion to VUs; no VUs → no iterations", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 16 }),
        (iterations, vus, n) => {
          let next = 0;
          for (const s of segmentsOf(n)) {
            const block = sharedIterationBlock(iterations, vus, s);
            const segVUs = segmentShare(vus, s);
            expect(block.start).toBe(vus === 0 ? 0 : next);
            expect(block.count).toBeGreaterThanOrEqual(0);
            if (segVUs === 0) expect(block.count).toBe(0);
            // Proportional: within one iteration of segVUs/vus of the total.
            if (vus > 0) expect(Math.abs(block.count - (segVUs * iterations) / vus)).toBeLessThan(1);
            next += block.count;
          }
          expect(next).toBe(vus === 0 ? 0 : iterations);
        },
      ),
    );
  });
});
