import { describe, expect, it } from "vitest";
import { hasCode } from "../errors.js";
import { Histogram } from "./histogram.js";
import { mergeSnapshots } from "./merge.js";
import { MetricsRegistry } from "./registry.js";
import type { IntervalSnapshot, TrendEntry } from "./types.js";

function worker(record: (reg: MetricsRegistry) => void, index = 0, start = 0, end = 1000): IntervalSnapshot {
  const reg = new MetricsRegistry();
  record(reg);
  return reg.snapshot(index, start, end);
}

describe("mergeSnapshots", () => {
  it("adds counters and rates, sums gauges, merges trends exactly", () => {
    const a = worker((r) => {
      r.addCounter("http_reqs", { name: "/a" }, 3);
      r.addRate("checks", { check: "ok" }, true);
      r.setGauge("vus", { scenario: "s" }, 4);
      r.setGauge("vus", { scenario: "s" }, 2);
      r.addTrend("http_req_duration", { name: "/a" }, 10);
      r.addTrend("http_req_duration", { name: "/a" }, 20);
    });
    const b = worker(
      (r) => {
        r.addTrend("http_req_duration", { name: "/a" }, 5);
        r.setGauge("vus", { scenario: "s" }, 3);
        r.addRate("checks", { check: "ok" }, false);
        r.addCounter("http_reqs", { name: "/a" }, 2);
        r.addCounter("http_reqs", { name: "/b" }, 1);
      },
      0,
      -5,
      1003,
    );
    const m = mergeSnapshots([a, b]);
    expect(m).toMatchObject({ v: 1, index: 0, start: -5, end: 1003 });
    const by = new Map(
      m.entries.map((e) => [`${e.metric}{${e.tags.name ?? e.tags.check ?? e.tags.scenario}}`, e]),
    );
    expect(by.get("http_reqs{/a}")).toMatchObject({ value: 5 });
    expect(by.get("http_reqs{/b}")).toMatchObject({ value: 1 });
    expect(by.get("checks{ok}")).toMatchObject({ passes: 1, total: 2 });
    expect(by.get("vus{s}")).toMatchObject({ value: 5, min: 5, max: 7 });
    const t = by.get("http_req_duration{/a}") as TrendEntry;
    expect([t.count, t.sum, t.min, t.max]).toEqual([3, 35, 5, 20]);
    const h = Histogram.decode(t.hist);
    // Highest equivalent values of 5, 10 and 20 ms at 3 significant digits.
    expect([h.totalCount, h.percentile(0), h.percentile(50), h.percentile(100)]).toEqual([
      3, 5, 10.007, 20.015,
    ]);
    expect(m.entries).toHaveLength(5);
  });

  it("keys entries by canonical tags, whatever their key order", () => {
    const a: IntervalSnapshot = {
      v: 1,
      index: 2,
      start: 0,
      end: 1,
      entries: [{ metric: "c", type: "counter", tags: { a: "1", b: "2" }, value: 1 }],
    };
    const b: IntervalSnapshot = {
      ...a,
      entries: [{ metric: "c", type: "counter", tags: { b: "2", a: "1" }, value: 2 }],
    };
    expect(mergeSnapshots([a, b]).entries).toEqual([
      { metric: "c", type: "counter", tags: { a: "1", b: "2" }, value: 3 },
    ]);
  });

  it("does not modify its inputs", () => {
    const a = worker((r) => r.addTrend("t", {}, 1));
    const b = worker((r) => r.addTrend("t", {}, 2));
    const copyA = structuredClone(a);
    const copyB = structuredClone(b);
    mergeSnapshots([a, b]);
    expect(a).toEqual(copyA);
    expect(b).toEqual(copyB);
  });

  it("passes a single snapshot through", () => {
    const a = worker((r) => r.addCounter("c", {}, 1));
    expect(mergeSnapshots([a])).toEqual(a);
  });

  it("refuses nothing, different intervals, and type clashes", () => {
    const a = worker((r) => r.addCounter("c", {}, 1), 0);
    const b = worker((r) => r.addCounter("c", {}, 1), 1);
    const c = worker((r) => r.addRate("c", {}, true), 0);
    for (const input of [[], [a, b], [a, c]]) {
      let err: unknown;
      try {
        mergeSnapshots(input);
      } catch (e) {
        err = e;
      }
      expect(hasCode(err, "STRAIN_ERR_INTERNAL")).toBe(true);
    }
  });
});
