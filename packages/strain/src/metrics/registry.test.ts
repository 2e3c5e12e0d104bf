import { describe, expect, it } from "vitest";
import { hasCode } from "../errors.js";
import { Histogram } from "./histogram.js";
import { MetricsRegistry } from "./registry.js";
import type { GaugeEntry, SnapshotEntry, TrendEntry } from "./types.js";

function find(entries: SnapshotEntry[], metric: string): SnapshotEntry[] {
  return entries.filter((e) => e.metric === metric);
}

describe("MetricsRegistry", () => {
  it("records through pre-resolved cells and snapshots them", () => {
    const reg = new MetricsRegistry();
    const set = reg.tagSet({ name: "/a", method: "GET" });
    const d = reg.trend("http_req_duration", set);
    const n = reg.counter("http_reqs", set);
    const f = reg.rate("http_req_failed", set);
    d.add(10);
    d.add(30.5);
    n.add(1);
    n.add(1);
    f.add(true);
    f.add(false);
    f.add(false);
    const snap = reg.snapshot(3, 1000, 2000);
    expect(snap).toMatchObject({ v: 1, index: 3, start: 1000, end: 2000 });
    expect(snap.entries).toHaveLength(3);
    const t = find(snap.entries, "http_req_duration")[0] as TrendEntry;
    expect(t).toMatchObject({
      type: "trend",
      count: 2,
      sum: 40.5,
      min: 10,
      max: 30.5,
      tags: { method: "GET", name: "/a" },
    });
    expect(Histogram.decode(t.hist).totalCount).toBe(2);
    expect(find(snap.entries, "http_reqs")[0]).toMatchObject({ type: "counter", value: 2 });
    expect(find(snap.entries, "http_req_failed")[0]).toMatchObject({ type: "rate", passes: 1, total: 3 });
  });

  it("returns the same cell for the same metric and tag set", () => {
    const reg = new MetricsRegistry();
    const set = reg.tagSet({ a: "1" });
    expect(reg.trend("x", set)).toBe(reg.trend("x", set));
    expect(reg.trend("x", reg.tagSet({ a: "1" }))).toBe(reg.trend("x", set));
    expect(reg.trend("x", reg.tagSet({ a: "2" }))).not.toBe(reg.trend("x", set));
  });

  it("resets interval state and reuses cells: only cells with data are emitted", () => {
    const reg = new MetricsRegistry();
    reg.addTrend("iteration_duration", { scenario: "s" }, 5);
    reg.addCounter("iterations", { scenario: "s" }, 1);
    expect(reg.snapshot(0, 0, 1000).entries).toHaveLength(2);
    expect(reg.snapshot(1, 1000, 2000).entries).toEqual([]);
    reg.addTrend("iteration_duration", { scenario: "s" }, 7);
    const e = reg.snapshot(2, 2000, 3000).entries;
    expect(e).toHaveLength(1);
    const t = e[0] as TrendEntry;
    expect([t.count, t.min, t.max, t.sum]).toEqual([1, 7, 7, 7]);
    const h = Histogram.decode(t.hist);
    expect(h.totalCount).toBe(1);
    // HDR reports the highest value equivalent to 7,000 µs (bucket of width 4 µs).
    expect(h.percentile(50)).toBe(7.003);
    expect(reg.cellCount).toBe(2);
  });

  it("emits a counter touched with 0 but not an untouched one", () => {
    const reg = new MetricsRegistry();
    reg.addCounter("dropped_iterations", { scenario: "s" }, 0);
    expect(reg.snapshot(0, 0, 1).entries).toMatchObject([{ metric: "dropped_iterations", value: 0 }]);
    expect(reg.snapshot(1, 1, 2).entries).toEqual([]);
  });

  it("emits gauges every interval once set, with the interval's min and max", () => {
    const reg = new MetricsRegistry();
    const g = reg.gauge("vus", reg.tagSet({ scenario: "s" }));
    expect(reg.snapshot(0, 0, 1).entries).toEqual([]);
    g.set(5);
    g.set(2);
    g.set(3);
    const first = reg.snapshot(1, 1, 2).entries[0] as GaugeEntry;
    expect([first.value, first.min, first.max]).toEqual([3, 2, 5]);
    const second = reg.snapshot(2, 2, 3).entries[0] as GaugeEntry;
    expect([second.value, second.min, second.max]).toEqual([3, 3, 3]);
    g.set(9);
    const third = reg.snapshot(3, 3, 4).entries[0] as GaugeEntry;
    expect([third.value, third.min, third.max]).toEqual([9, 3, 9]);
  });

  it("clamps trend values to [0, 1 h] and ignores NaN", () => {
    const reg = new MetricsRegistry();
    const c = reg.trend("t", reg.tagSet({}));
    c.add(-3);
    c.add(Number.NaN);
    c.add(Number.POSITIVE_INFINITY);
    const t = reg.snapshot(0, 0, 1).entries[0] as TrendEntry;
    expect([t.count, t.min, t.max, t.sum]).toEqual([2, 0, Histogram.MAX_MS, Histogram.MAX_MS]);
  });

  it("defines metrics implicitly, explicitly, and from options; rejects type clashes", () => {
    const reg = new MetricsRegistry({ metrics: { logins: "counter" } });
    expect(reg.typeOf("http_req_duration")).toBe("trend");
    expect(reg.typeOf("logins")).toBe("counter");
    reg.define("logins", "counter");
    reg.addRate("fresh", {}, true);
    expect(reg.typeOf("fresh")).toBe("rate");
    expect(() => reg.addTrend("logins", {}, 1)).toThrow(/counter/);
    let err: unknown;
    try {
      reg.define("vus", "counter");
    } catch (e) {
      err = e;
    }
    expect(hasCode(err, "STRAIN_ERR_PLAN_INVALID")).toBe(true);
    expect(() => new MetricsRegistry({ metrics: { checks: "trend" } })).toThrow(/rate/);
  });

  it("routes the URL hint to the cap warning and folds over the cap", () => {
    const warnings: string[] = [];
    const reg = new MetricsRegistry({ maxTagSets: 1, onWarning: (m) => warnings.push(m) });
    reg.addCounter("http_reqs", { name: "/a" }, 1, "http://h.test/a");
    reg.addCounter("http_reqs", { name: "/b" }, 1, "http://h.test/b?x=1");
    reg.addCounter("http_reqs", { name: "/c" }, 1, "http://h.test/c");
    expect(warnings).toEqual([expect.stringContaining("http://h.test/b")]);
    const entries = reg.snapshot(0, 0, 1).entries;
    expect(entries.map((e) => [e.tags.name, (e as { value: number }).value])).toEqual([
      ["/a", 1],
      ["__other__", 2],
    ]);
  });
});
