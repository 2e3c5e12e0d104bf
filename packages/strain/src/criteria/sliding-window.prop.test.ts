import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Aggregator } from "../metrics/aggregate.js";
import { MetricsRegistry } from "../metrics/registry.js";
import type { IntervalSnapshot } from "../metrics/types.js";
import { partOf, SlidingTotals } from "./sliding-window.js";

/** Intervals of trend samples over two tag sets (an interval may be empty). */
const intervals = fc.array(
  fc.array(fc.tuple(fc.constantFrom("a", "b"), fc.double({ min: 0, max: 5000, noNaN: true })), {
    maxLength: 40,
  }),
  { minLength: 1, maxLength: 25 },
);

function snapshots(data: [string, number][][]): IntervalSnapshot[] {
  const reg = new MetricsRegistry();
  return data.map((samples, k) => {
    for (const [name, ms] of samples) {
      reg.addTrend("d", { name }, ms);
      reg.addCounter("c", { name }, 1);
      reg.addRate("r", { name }, ms > 2500);
    }
    return reg.snapshot(k, k * 1000, (k + 1) * 1000);
  });
}

describe("SlidingTotals", () => {
  it("gives the Aggregator's statistics over the last N intervals, at every step", () => {
    fc.assert(
      fc.property(
        intervals,
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (data, n, q) => {
          const snaps = snapshots(data);
          const totals = { d: new SlidingTotals(), c: new SlidingTotals(), r: new SlidingTotals() };
          snaps.forEach((snap, k) => {
            for (const [metric, t] of Object.entries(totals)) {
              t.push(partOf(snap.entries.filter((e) => e.metric === metric)));
              if (t.size > n) t.shift();
            }
            const window = snaps.slice(Math.max(0, k - n + 1), k + 1);
            const agg = new Aggregator({ durationMs: window.length * 1000 }).addAll(window);
            for (const metric of ["d", "c", "r"] as const) {
              const expected = agg.stats(metric);
              const got = totals[metric].stats(window.length * 1000);
              if (expected === undefined) {
                expect(got).toBeUndefined();
                continue;
              }
              if (expected.type === "trend" && got?.type === "trend") {
                expect(got.count).toBe(expected.count);
                expect(got.min).toBe(expected.min);
                expect(got.max).toBe(expected.max);
                expect(got.sum).toBeCloseTo(expected.sum, 6);
                for (const p of [0, 50, 90, 95, 99, 99.9, 100, q]) expect(got.p(p)).toBe(expected.p(p));
                expect([got.med, got.p90, got.p95, got.p99]).toEqual([
                  expected.med,
                  expected.p90,
                  expected.p95,
                  expected.p99,
                ]);
              } else expect(got).toEqual(expected);
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
