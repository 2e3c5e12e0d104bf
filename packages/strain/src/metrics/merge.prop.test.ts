import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Aggregator, type TrendStats } from "./aggregate.js";
import { Histogram } from "./histogram.js";
import { mergeSnapshots } from "./merge.js";
import { MetricsRegistry } from "./registry.js";
import type { TrendEntry } from "./types.js";

const duration = fc.oneof(
  { weight: 9, arbitrary: fc.double({ min: -3.5, max: 6.55, noNaN: true }).map((e) => 10 ** e) },
  { weight: 1, arbitrary: fc.constant(0) },
);

/** One sample: a value, the worker that records it, and which of 3 request names it belongs to. */
const sample = (workers: number) =>
  fc.record({ v: duration, worker: fc.nat({ max: workers - 1 }), name: fc.constantFrom("a", "b", "c") });

function buckets(hist: string): number[] {
  const out: number[] = [];
  Histogram.decode(hist).forEachBucket((lo, _hi, n) => out.push(lo, n));
  return out;
}

describe("mergeSnapshots properties", () => {
  it("merging per-worker snapshots equals one worker recording everything", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((k) => fc.tuple(fc.constant(k), fc.array(sample(k), { maxLength: 300, size: "large" }))),
        ([k, samples]) => {
          const whole = new MetricsRegistry();
          const workers = Array.from({ length: k }, () => new MetricsRegistry());
          for (const s of samples) {
            for (const reg of [whole, workers[s.worker]!]) {
              reg.addTrend("http_req_duration", { name: s.name }, s.v);
              reg.addCounter("http_reqs", { name: s.name }, 1);
              reg.addRate("http_req_failed", { name: s.name }, s.v > 100);
            }
          }
          const merged = mergeSnapshots(workers.map((w) => w.snapshot(7, 0, 1000)));
          const single = whole.snapshot(7, 0, 1000);
          expect(merged.entries.length).toBe(single.entries.length);
          for (const e of single.entries) {
            const m = merged.entries.find((x) => x.metric === e.metric && x.tags.name === e.tags.name);
            expect(m).toBeDefined();
            if (e.type === "trend") {
              const t = m as TrendEntry;
              expect([t.count, t.min, t.max]).toEqual([e.count, e.min, e.max]);
              expect(t.sum).toBeCloseTo(e.sum, 6);
              expect(buckets(t.hist)).toEqual(buckets(e.hist));
            } else {
              expect(m).toEqual(e);
            }
          }
          const a = new Aggregator().addAll([merged]);
          const b = new Aggregator().addAll([single]);
          for (const filter of [undefined, { name: "a" }, { name: "b" }]) {
            const x = a.stats("http_req_duration", filter) as TrendStats | undefined;
            const y = b.stats("http_req_duration", filter) as TrendStats | undefined;
            expect(x === undefined).toBe(y === undefined);
            if (x === undefined || y === undefined) continue;
            expect([x.count, x.min, x.max, x.med, x.p90, x.p99, x.p(99.9)]).toEqual([
              y.count,
              y.min,
              y.max,
              y.med,
              y.p90,
              y.p99,
              y.p(99.9),
            ]);
            expect(a.stats("http_reqs", filter)).toEqual(b.stats("http_reqs", filter));
            expect(a.stats("http_req_failed", filter)).toEqual(b.stats("http_req_failed", filter));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
