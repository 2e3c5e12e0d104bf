import { describe, expect, it } from "vitest";
import { hasCode } from "../errors.js";
import {
  Aggregator,
  type CounterStats,
  type GaugeStats,
  type RateStats,
  type TrendStats,
} from "./aggregate.js";
import { MetricsRegistry } from "./registry.js";
import type { IntervalSnapshot } from "./types.js";

function run(intervals: ((r: MetricsRegistry) => void)[]): IntervalSnapshot[] {
  const reg = new MetricsRegistry();
  return intervals.map((rec, i) => {
    rec(reg);
    return reg.snapshot(i, i * 1000, (i + 1) * 1000);
  });
}

describe("Aggregator", () => {
  it("folds trends over intervals and tag sets, with percentiles from the merged histogram", () => {
    const snaps = run([
      (r) => {
        for (let i = 1; i <= 100; i++) r.addTrend("http_req_duration", { name: "login" }, i);
      },
      (r) => {
        for (let i = 101; i <= 200; i++) r.addTrend("http_req_duration", { name: "login" }, i);
        for (let i = 1; i <= 800; i++) r.addTrend("http_req_duration", { name: "search" }, 1000 + i);
      },
    ]);
    const agg = new Aggregator().addAll(snaps);
    const login = agg.stats("http_req_duration", { name: "login" }) as TrendStats;
    expect(login).toMatchObject({ type: "trend", count: 200, min: 1, max: 200, avg: 100.5 });
    // Highest equivalent values at 3 significant digits (100 ms sits in a 64 µs bucket).
    expect(login.med).toBe(100.031);
    expect(login.p99).toBe(198.015);
    expect(login.p(100)).toBe(200);
    expect(login.p(0)).toBe(1);
    const all = agg.stats("http_req_duration") as TrendStats;
    expect(all.count).toBe(1000);
    expect(all.min).toBe(1);
    expect(all.max).toBe(1800);
    // rank 200 of 1000 is the last login sample
    expect(all.p(20)).toBe(200.063);
    expect(all.p(19.9)).toBe(199.039);
    expect(Math.abs(all.p(99.9) - 1799)).toBeLessThanOrEqual(1799 * 0.001);
  });

  it("clamps percentiles to the exact min and max", () => {
    const agg = new Aggregator().addAll(run([(r) => r.addTrend("t", {}, 1234.5678)]));
    const s = agg.stats("t") as TrendStats;
    expect([s.p(0), s.med, s.p(100)]).toEqual([1234.5678, 1234.5678, 1234.5678]);
  });

  it("computes counter totals and per-second rates over the span or a given duration", () => {
    const snaps = run([
      (r) => r.addCounter("http_reqs", { name: "a" }, 30),
      (r) => r.addCounter("http_reqs", { name: "b" }, 10),
    ]);
    const span = new Aggregator().addAll(snaps);
    expect(span.durationMs).toBe(2000);
    expect(span.stats("http_reqs")).toEqual({ type: "counter", count: 40, rate: 20 } satisfies CounterStats);
    expect(span.stats("http_reqs", { name: "a" })).toEqual({ type: "counter", count: 30, rate: 15 });
    const fixed = new Aggregator({ durationMs: 4000 }).addAll(snaps);
    expect((fixed.stats("http_reqs") as CounterStats).rate).toBe(10);
  });

  it("computes rates", () => {
    const agg = new Aggregator().addAll(
      run([
        (r) => {
          r.addRate("checks", { check: "a" }, true);
          r.addRate("checks", { check: "b" }, false);
        },
        (r) => r.addRate("checks", { check: "a" }, true),
      ]),
    );
    expect(agg.stats("checks")).toEqual({
      type: "rate",
      passes: 2,
      fails: 1,
      total: 3,
      rate: 2 / 3,
    } satisfies RateStats);
    expect((agg.stats("checks", { check: "a" }) as RateStats).rate).toBe(1);
  });

  it("reports gauges as last value and extremes, summing tag sets per interval", () => {
    const agg = new Aggregator().addAll(
      run([
        (r) => {
          r.setGauge("vus", { scenario: "a" }, 10);
          r.setGauge("vus", { scenario: "b" }, 1);
        },
        (r) => {
          r.setGauge("vus", { scenario: "a" }, 4);
          r.setGauge("vus", { scenario: "b" }, 2);
        },
      ]),
    );
    // Interval 1: a carried 10 before dropping to 4, so its range is 4..10; b is 1..2.
    expect(agg.stats("vus")).toEqual({ type: "gauge", value: 6, min: 5, max: 12 } satisfies GaugeStats);
    expect(agg.stats("vus", { scenario: "a" })).toEqual({ type: "gauge", value: 4, min: 4, max: 10 });
  });

  it("sums unmerged per-worker gauges of the same interval", () => {
    const w = (v: number): IntervalSnapshot => ({
      v: 1,
      index: 0,
      start: 0,
      end: 1000,
      entries: [{ metric: "vus", type: "gauge", tags: {}, value: v, min: v, max: v }],
    });
    expect(new Aggregator().addAll([w(3), w(4)]).stats("vus")).toMatchObject({ value: 7, max: 7 });
  });

  it("returns undefined when nothing matches", () => {
    const agg = new Aggregator().addAll(run([(r) => r.addCounter("c", { name: "a" }, 1)]));
    expect(agg.stats("missing")).toBeUndefined();
    expect(agg.stats("c", { name: "b" })).toBeUndefined();
    expect(agg.stats("c", { other: "a" })).toBeUndefined();
  });

  it("lists every (metric, tag set) sorted, for the end-of-run table", () => {
    const agg = new Aggregator().addAll(
      run([
        (r) => {
          r.addCounter("b_metric", { name: "z" }, 1);
          r.addCounter("b_metric", { name: "a" }, 2);
          r.addTrend("a_metric", {}, 3);
        },
      ]),
    );
    expect(agg.metrics()).toEqual(["a_metric", "b_metric"]);
    expect(agg.typeOf("a_metric")).toBe("trend");
    const entries = agg.entries();
    expect(entries.map((e) => [e.metric, e.key])).toEqual([
      ["a_metric", ""],
      ["b_metric", "name=a"],
      ["b_metric", "name=z"],
    ]);
    expect(entries[1]!.stats).toMatchObject({ type: "counter", count: 2 });
    expect(entries[0]!.stats).toMatchObject({ type: "trend", count: 1, med: 3 });
  });

  it("rejects a metric that changes type", () => {
    const agg = new Aggregator();
    agg.add({
      v: 1,
      index: 0,
      start: 0,
      end: 1,
      entries: [{ metric: "m", type: "counter", tags: {}, value: 1 }],
    });
    let err: unknown;
    try {
      agg.add({
        v: 1,
        index: 1,
        start: 1,
        end: 2,
        entries: [{ metric: "m", type: "rate", tags: {}, passes: 1, total: 1 }],
      });
    } catch (e) {
      err = e;
    }
    expect(hasCode(err, "STRAIN_ERR_INTERNAL")).toBe(true);
  });

  it("has zero duration and no metrics when empty", () => {
    const agg = new Aggregator();
    expect(agg.durationMs).toBe(0);
    expect(agg.snapshots).toBe(0);
    expect(agg.entries()).toEqual([]);
  });
});
