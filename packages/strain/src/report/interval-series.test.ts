import { describe, expect, it } from "vitest";
import { Aggregator } from "../metrics/aggregate.js";
import { Histogram } from "../metrics/histogram.js";
import type { IntervalSnapshot, SnapshotEntry } from "../metrics/types.js";
import { IntervalCollector, mergeParts } from "./interval-series.js";

function trend(metric: string, tags: Record<string, string>, values: number[]): SnapshotEntry {
  const h = new Histogram();
  for (const v of values) h.recordMs(v);
  return {
    metric,
    type: "trend",
    tags,
    count: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    min: Math.min(...values),
    max: Math.max(...values),
    hist: h.encode(),
  };
}

const T0 = 1_700_000_000_000;
function snap(index: number, entries: SnapshotEntry[], ms = 1000): IntervalSnapshot {
  return { v: 1, index, start: T0 + index * 1000, end: T0 + index * 1000 + ms, entries };
}

describe("IntervalCollector", () => {
  const a = { scenario: "s", name: "/a", status: "200", error_class: "ok", category: "read" };
  const b = { scenario: "s", name: "/b", status: "200", error_class: "ok", category: "read" };
  const bErr = { scenario: "s", name: "/b", status: "503", error_class: "http_error", category: "read" };
  const snaps = [
    snap(0, [
      trend("http_req_duration", a, [10, 11, 12, 50]),
      trend("http_req_duration", b, [100, 120]),
      trend("http_req_duration", bErr, [1]),
      { metric: "http_reqs", type: "counter", tags: a, value: 4 },
      { metric: "http_reqs", type: "counter", tags: b, value: 2 },
      { metric: "http_reqs", type: "counter", tags: bErr, value: 1 },
      { metric: "vus", type: "gauge", tags: { scenario: "s" }, value: 3, min: 3, max: 3 },
      { metric: "iterations", type: "counter", tags: { scenario: "s" }, value: 6 },
      { metric: "dropped_iterations", type: "counter", tags: { scenario: "s" }, value: 2 },
    ]),
    // Interval 1: nothing for /b, half an interval long.
    snap(
      1,
      [trend("http_req_duration", a, [20]), { metric: "http_reqs", type: "counter", tags: a, value: 1 }],
      500,
    ),
  ];

  it("gives each interval the percentiles the Aggregator gives for that interval alone", () => {
    const c = new IntervalCollector(T0, null);
    for (const s of snaps) c.add(s);
    const r = c.result();
    expect(r.x).toEqual([0, 1]);
    for (const [key, filter] of [
      ["all", undefined],
      ["name:/a", { name: "/a" }],
      ["name:/b", { name: "/b" }],
      ["category:read", { category: "read" }],
    ] as const) {
      const g = r.latency.find((x) => x.key === key)!;
      snaps.forEach((s, i) => {
        const st = new Aggregator().addAll([s]).stats("http_req_duration", filter);
        if (st === undefined || st.type !== "trend") {
          expect(g.p50[i]).toBeNull();
          return;
        }
        expect([g.p50[i], g.p95[i], g.p99[i]]).toEqual([st.med, st.p95, st.p99]);
      });
    }
  });

  it("turns counters into per-second rates over each interval's own length, errors by class", () => {
    const c = new IntervalCollector(T0, null);
    for (const s of snaps) c.add(s);
    const r = c.result();
    expect(r.okPerSecond).toEqual([6, 2]);
    expect(r.errorsPerSecond).toEqual([1, 0]);
    expect([...r.errorClasses]).toEqual([["HTTP 503", [1, 0]]]);
    expect(r.vus).toEqual([3, null]);
    expect(r.droppedPerSecond).toEqual([2, 0]);
    expect(r.distribution?.buckets.total).toBe(8);
    expect(r.distribution?.max).toBe(120);
  });

  it("computes the planned arrival rate from the timeline, achieved from open-model iterations", () => {
    const c = new IntervalCollector(T0, {
      intervalMs: 1000,
      scenarios: [
        {
          name: "s",
          executor: "ramping-arrival-rate",
          model: "open",
          tags: {},
          startMs: 0,
          endMs: 2000,
          gracefulStopMs: 0,
          segments: [{ startMs: 0, endMs: 2000, from: 0, to: 20 }],
        },
      ],
    });
    for (const s of snaps) c.add(s);
    const r = c.result();
    expect(r.hasOpenModel).toBe(true);
    // Interval midpoints: 0.5 s → 5/s; 1.25 s → 12.5/s.
    expect(r.targetRate).toEqual([5, 12.5]);
    expect(r.achievedRate).toEqual([6, 0]);
  });

  it("keeps monitor series per tag set: levels as written, counters per second", () => {
    const c = new IntervalCollector(T0, null);
    c.add(
      snap(0, [
        trend("system_cpu_percent", { cpu: "total", mode: "user" }, [42]),
        { metric: "pg_deadlocks", type: "counter", tags: {}, value: 3 },
      ]),
    );
    c.add(snap(1, [{ metric: "pg_deadlocks", type: "counter", tags: {}, value: 0 }], 500));
    const r = c.result();
    const cpu = r.monitors.find((m) => m.metric === "system_cpu_percent")!;
    expect(cpu.kind).toBe("level");
    expect([...cpu.series.values()][0]!.values).toEqual([42, null]);
    const dl = r.monitors.find((m) => m.metric === "pg_deadlocks")!;
    expect(dl.kind).toBe("per_second");
    expect([...dl.series.values()][0]!.values).toEqual([3, 0]);
  });

  it("parts of consecutive interval ranges merge into exactly what one collector gives", () => {
    // Classes, groups and monitor series that appear, vanish and come back across the split.
    const e = (i: number): SnapshotEntry[] => {
      const out: SnapshotEntry[] = [trend("http_req_duration", a, [10 + i])];
      if (i % 3 === 0) out.push({ metric: "http_reqs", type: "counter", tags: bErr, value: 1 });
      if (i % 4 === 1) out.push(trend("http_req_duration", b, [50 + i]));
      if (i % 5 === 2) out.push(trend("transaction_duration", { transaction: "t" }, [i]));
      if (i > 6)
        out.push({ metric: "http_reqs", type: "counter", tags: { ...bErr, status: "502" }, value: 2 });
      if (i % 2 === 0) out.push(trend("system_cpu_percent", { cpu: "total", mode: "user" }, [i]));
      return out;
    };
    const all = Array.from({ length: 12 }, (_, i) => snap(i, e(i)));
    const one = new IntervalCollector(T0, null);
    for (const s of all) one.add(s);
    const expected = one.result();
    for (const cuts of [[5], [1, 7], [3, 4, 9], [11]]) {
      const bounds = [0, ...cuts, all.length];
      const parts = bounds.slice(1).map((end, k) => {
        const c = new IntervalCollector(T0, null);
        for (const s of all.slice(bounds[k], end)) c.add(s);
        return c.part();
      });
      const merged = mergeParts(parts);
      expect({ ...merged, distribution: null }).toEqual({ ...expected, distribution: null });
      expect(merged.distribution?.buckets.percentiles([50, 99])).toEqual(
        expected.distribution?.buckets.percentiles([50, 99]),
      );
    }
  });
});
