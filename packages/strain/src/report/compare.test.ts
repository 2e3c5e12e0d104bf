import { describe, expect, it } from "vitest";
import type { CriterionResult, Verdict } from "../criteria/verdict.js";
import type { LatencyRow, Summary } from "../results/summary.js";
import { compareSummaries, renderCompareText } from "./compare.js";

function row(name: string, o: Partial<LatencyRow> = {}): LatencyRow {
  return {
    name,
    count: 1000,
    perSecond: 100,
    avg: 50,
    p50: 50,
    p90: 60,
    p95: 70,
    p99: 80,
    "p99.9": 90,
    min: 1,
    max: 100,
    errors: { http_error: 0, net_error: 0, in_flight_at_stop: 0 },
    ...o,
  };
}

function criterion(label: string, verdict: Verdict): CriterionResult {
  return {
    label,
    text: label,
    metric: "http_req_duration",
    where: "",
    stat: "p(95)",
    target: "<=1s",
    verdict,
    observed: 1,
    observedText: "1ms",
    unit: "ms",
    samples: 1,
    window: { kind: "run", text: "whole run", startMs: 0, endMs: 1 },
    abortOnFail: false,
  };
}

function summary(rows: LatencyRow[], o: Partial<Summary> = {}): Summary {
  return {
    format: "strain-summary/1",
    plan: "p",
    status: "completed",
    startedAt: null,
    endedAt: null,
    durationMs: 10_000,
    intervals: 10,
    requests: {
      scheduled: 0,
      started: 0,
      ok: 0,
      http_error: { total: 0, byStatus: {} },
      net_error: { total: 0, byKind: {} },
      dropped: 0,
      in_flight_at_stop: 0,
      invariant: { expression: "", holds: true },
    },
    iterations: { completed: 0, failed: 0, dropped: 0 },
    checks: null,
    requestsByName: rows,
    transactions: [],
    metrics: {},
    warnings: [],
    errors: { sampled: 0, notSampled: 0 },
    criteria: null,
    validity: { status: "valid", windows: [], message: "", dropped: 0, scheduled: 0 },
    monitors: [],
    monitorSeries: [],
    ...o,
  };
}

const opts = { tolerancePercent: 10 };

describe("compareSummaries", () => {
  it("identical runs: no regression", () => {
    const s = summary([row("/a"), row("/b")]);
    const c = compareSummaries(s, s, opts);
    expect(c.regressed).toBe(false);
    expect(c.rows.map((r) => r.p95.percent)).toEqual([0, 0]);
  });

  it("flags a 30% p95 regression on one route, and only that", () => {
    const c = compareSummaries(
      summary([row("/a"), row("/b")]),
      summary([row("/a", { p95: 91 }), row("/b", { p95: 71 })]),
      opts,
    );
    expect(c.regressed).toBe(true);
    expect(c.regressions).toEqual(["request /a: p95 70.0ms → 91.0ms (+30.0%)"]);
    expect(c.rows.find((r) => r.name === "/b")!.p95.regression).toBe(false);
  });

  it.each([
    // [what, A row, B row, regressed]
    ["latency exactly at the tolerance", {}, { p99: 88 }, false],
    ["latency just beyond it", {}, { p99: 88.1 }, true],
    ["a big relative change under 1 ms", { p50: 0.3 }, { p50: 0.9 }, false],
    ["throughput down 10%", {}, { perSecond: 90 }, false],
    ["throughput down 11%", {}, { perSecond: 89 }, true],
    [
      "errors 0 → 0.1% (not more than 0.1 points)",
      {},
      { errors: { http_error: 1, net_error: 0, in_flight_at_stop: 0 } },
      false,
    ],
    ["errors 0 → 0.2%", {}, { errors: { http_error: 2, net_error: 0, in_flight_at_stop: 0 } }, true],
    ["faster is not a regression", {}, { p50: 10, p95: 10, p99: 10 }, false],
  ] as const)("%s", (_what, a, b, regressed) => {
    const c = compareSummaries(summary([row("/x", a)]), summary([row("/x", b as Partial<LatencyRow>)]), opts);
    expect(c.regressed).toBe(regressed);
  });

  it("judges a percentile only with 10 samples beyond it in both runs (p99 of 200 requests is not evidence)", () => {
    const c = compareSummaries(
      summary([row("/x", { count: 200 })]),
      summary([row("/x", { count: 200, p95: 80, p99: 120 })]),
      opts,
    );
    const r = c.rows[0]!;
    expect([r.p95.fewSamples, r.p95.regression]).toEqual([undefined, true]);
    expect([r.p99.fewSamples, r.p99.regression]).toEqual([true, false]);
    expect(c.regressions).toEqual(["request /x: p95 70.0ms → 80.0ms (+14.3%)"]);
    expect(renderCompareText(c, { color: false })).toContain("80.0ms → 120ms (+50.0%) *");
    // 1,000 requests: 10 beyond p99, judged.
    expect(
      compareSummaries(summary([row("/x")]), summary([row("/x", { p99: 120 })]), opts).rows[0]!.p99
        .regression,
    ).toBe(true);
  });

  it("lists names present in one run only without calling them regressions", () => {
    const c = compareSummaries(summary([row("/old")]), summary([row("/new")]), opts);
    expect(c.rows.map((r) => [r.name, r.presence])).toEqual([
      ["/new", "only-b"],
      ["/old", "only-a"],
    ]);
    expect(c.regressed).toBe(false);
  });

  it("reports criteria verdict changes; a worse verdict is a regression", () => {
    const c = compareSummaries(
      summary([], {
        criteria: {
          verdict: "warn",
          counts: { pass: 2, warn: 1, fail: 0 },
          rows: [criterion("login", "pass"), criterion("search", "warn"), criterion("gone", "pass")],
        },
      }),
      summary([], {
        criteria: {
          verdict: "fail",
          counts: { pass: 1, warn: 0, fail: 1 },
          rows: [criterion("login", "fail"), criterion("search", "pass")],
        },
      }),
      opts,
    );
    expect(c.criteria.map((x) => [x.label, x.a, x.b, x.worse])).toEqual([
      ["login", "pass", "fail", true],
      ["search", "warn", "pass", false],
      ["gone", "pass", null, true],
    ]);
    expect(c.regressions).toEqual([
      "criterion login: pass → fail (observed 1ms)",
      "criterion gone: pass → absent",
    ]);
  });

  it("renders a terminal table that names the regression", () => {
    const c = compareSummaries(summary([row("/a")]), summary([row("/a", { p95: 100 })]), opts);
    const text = renderCompareText(c, { color: false });
    expect(text).toContain("70.0ms → 100ms (+42.9%)");
    expect(text).toContain("1 regression beyond 10%:");
    expect(text).toContain("request /a: p95 70.0ms → 100ms (+42.9%)");
    expect(
      renderCompareText(compareSummaries(summary([row("/a")]), summary([row("/a")]), opts), { color: false }),
    ).toContain("no regression beyond 10%");
  });
});
