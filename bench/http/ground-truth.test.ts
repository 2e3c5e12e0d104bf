import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nearestRank, stallGroundTruth } from "./ground-truth.js";
import { withinStallTolerance } from "./stall.js";

describe("stallGroundTruth", () => {
  it("gives the issue's stall test its percentiles", () => {
    // 2,400 requests; the 400 due in [5 s, 7 s) wait until 7 s: latencies 2000, 1995, …, 5 ms.
    // Ascending, the held ones sit at ranks 2001…2400, the k-th of them (1-based) at 5·k ms.
    // p95 → rank 2280 → k = 280 → 1400 ms; p99 → rank 2376 → k = 376 → 1880 ms.
    const t = stallGroundTruth({ rate: 200, seconds: 12, holdFrom: 5, holdUntil: 7, baseMs: 0.2 });
    expect(t).toEqual({ count: 2400, held: 400, p50: 0.2, p95: 1400, p99: 1880, max: 2000 });
  });

  it("adds the server's own write time of each held response, oldest first", () => {
    // The j-th held request (in due order) is written 0.05·j ms after 7 s: latency 2000 − 4.95·j.
    const releaseOffsetsMs = Array.from({ length: 400 }, (_, j) => 0.05 * j);
    const t = stallGroundTruth({
      rate: 200,
      seconds: 12,
      holdFrom: 5,
      holdUntil: 7,
      baseMs: 0.2,
      releaseOffsetsMs,
    });
    // p95 → the 280th held value ascending → j = 120; p99 → j = 24.
    expect(t.p95).toBeCloseTo(2000 - 4.95 * 120, 9);
    expect(t.p99).toBeCloseTo(2000 - 4.95 * 24, 9);
    expect(t).toMatchObject({ count: 2400, held: 400, p50: 0.2, max: 2000 });
  });

  it("is the base latency everywhere when nothing falls in the window", () => {
    const t = stallGroundTruth({ rate: 100, seconds: 2, holdFrom: 5, holdUntil: 7, baseMs: 0.3 });
    expect(t).toMatchObject({ count: 200, held: 0, p50: 0.3, p99: 0.3, max: 0.3 });
  });
});

describe("nearestRank", () => {
  it("is undefined for no values and the only value for one", () => {
    expect(nearestRank([], 50)).toBeUndefined();
    expect(nearestRank([7], 0)).toBe(7);
    expect(nearestRank([7], 100)).toBe(7);
  });

  it("returns the smallest value with at least p% of the values at or below it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b);
          const v = nearestRank(sorted, p)!;
          const atOrBelow = sorted.filter((x) => x <= v).length;
          const below = sorted.filter((x) => x < v).length;
          const need = Math.max(1, Math.ceil((p / 100) * sorted.length));
          expect(atOrBelow).toBeGreaterThanOrEqual(need);
          expect(below).toBeLessThan(need);
        },
      ),
    );
  });
});

describe("withinStallTolerance", () => {
  it("allows 1 ms or 1%, whichever is larger", () => {
    expect(withinStallTolerance(0.9, 0.1)).toBe(true);
    expect(withinStallTolerance(1.2, 0.1)).toBe(false);
    expect(withinStallTolerance(1413.9, 1400)).toBe(true);
    expect(withinStallTolerance(1414.1, 1400)).toBe(false);
    expect(withinStallTolerance(null, 1400)).toBe(false);
  });
});
