import { describe, expect, it } from "vitest";
import { Aggregator, type CounterStats, type GaugeStats, type TrendStats } from "../metrics/aggregate.js";
import { mergeSnapshots } from "../metrics/merge.js";
import type { IntervalSnapshot } from "../metrics/types.js";
import { EntryList } from "./entries.js";

function intervals(fill: (i: number, out: EntryList) => void, n: number): IntervalSnapshot[] {
  return Array.from({ length: n }, (_, i) => {
    const out = new EntryList();
    fill(i, out);
    return { v: 1, index: i, start: i * 1000, end: (i + 1) * 1000, entries: out.entries };
  });
}

describe("monitor entries through the Aggregator (what criteria read)", () => {
  it("a level per interval gives percentiles across intervals: db_cpu_percent p(95) < 75", () => {
    // 100 intervals: 1%, 2% … 100% — p95 is the 95th value.
    const agg = new Aggregator().addAll(intervals((i, out) => out.level("db_cpu_percent", {}, i + 1), 100));
    const s = agg.stats("db_cpu_percent") as TrendStats;
    expect(s).toMatchObject({ type: "trend", count: 100, min: 1, max: 100, avg: 50.5 });
    expect(s.p95).toBeCloseTo(95, 1);
    expect(s.p(50)).toBeCloseTo(50, 1);
  });

  it("levels keep their tags apart and merge when filtered: generator_cpu_percent max per worker", () => {
    const snaps = intervals((i, out) => {
      out.level("generator_cpu_percent", { worker: "0" }, 10 + i);
      out.level("generator_cpu_percent", { worker: "1" }, 80 + i);
    }, 10);
    const agg = new Aggregator().addAll(snaps);
    expect((agg.stats("generator_cpu_percent", { worker: "0" }) as TrendStats).max).toBe(19);
    expect((agg.stats("generator_cpu_percent") as TrendStats).max).toBe(89);
    // Merged per interval across workers (the coordinator's merge), the levels stay separate samples.
    const merged = new Aggregator().addAll(snaps.map((s) => mergeSnapshots([s])));
    expect((merged.stats("generator_cpu_percent") as TrendStats).count).toBe(20);
  });

  it("counters emitted as 0 every interval are evidence: pg_deadlocks count = 0", () => {
    const none = new Aggregator().addAll(intervals((_, out) => out.counter("pg_deadlocks", {}, 0), 30));
    expect(none.stats("pg_deadlocks")).toMatchObject({
      type: "counter",
      count: 0,
    } satisfies Partial<CounterStats>);
    const one = new Aggregator().addAll(
      intervals((i, out) => out.counter("pg_deadlocks", {}, i === 7 ? 1 : 0), 30),
    );
    expect((one.stats("pg_deadlocks") as CounterStats).count).toBe(1);
  });

  it("gauges hold values above the trend range exactly: memory in bytes", () => {
    const agg = new Aggregator().addAll(
      intervals((i, out) => out.gauge("system_memory_used_bytes", {}, 8e9 + i * 1e6), 5),
    );
    expect(agg.stats("system_memory_used_bytes")).toEqual({
      type: "gauge",
      value: 8.004e9,
      min: 8e9,
      max: 8.004e9,
    } satisfies GaugeStats);
  });

  it("leaves out what was not measured (NaN) instead of recording a zero", () => {
    const out = new EntryList();
    out.level("pg_cache_hit_percent", {}, Number.NaN);
    out.gauge("system_net_bytes_per_s", {}, Number.NaN);
    out.counter("pg_deadlocks", {}, Number.NaN);
    expect(out.entries).toEqual([]);
  });
});
