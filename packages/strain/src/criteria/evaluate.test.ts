import { describe, expect, it } from "vitest";
import { MetricsRegistry } from "../metrics/registry.js";
import type { IntervalSnapshot } from "../metrics/types.js";
import type { ScenarioConfig } from "../plan/types.js";
import { validatePlan } from "../plan/validate.js";
import type { CriteriaEntry } from "./definition.js";
import { evaluateCriteria } from "./evaluate.js";
import { buildTimeline } from "./timeline.js";
import type { CriterionResult } from "./verdict.js";

const T0 = 1_700_000_000_000;
const flow = () => {};

/** One interval of recording: what the workers would have recorded in interval k. */
type Recording = (r: MetricsRegistry, k: number) => void;

function record(intervals: readonly Recording[], intervalMs = 1000): IntervalSnapshot[] {
  const reg = new MetricsRegistry();
  return intervals.map((rec, k) => {
    rec(reg, k);
    return reg.snapshot(k, T0 + k * intervalMs, T0 + (k + 1) * intervalMs);
  });
}

const repeat = (n: number, rec: Recording): Recording[] => Array.from({ length: n }, () => rec);

const CONSTANT: Record<string, ScenarioConfig> = {
  s: {
    executor: "constant-arrival-rate",
    rate: 10,
    duration: "4s",
    preAllocatedVUs: 5,
    gracefulStop: 0,
    flow,
  },
};

/** Validate a plan with these criteria (and scenarios), then judge the recorded intervals. */
function judge(
  criteria: CriteriaEntry[],
  snapshots: IntervalSnapshot[],
  scenarios: Record<string, ScenarioConfig> = CONSTANT,
): CriterionResult[] {
  const plan = validatePlan(
    { name: "t", hosts: ["127.0.0.1"], scenarios, criteria, metrics: { queue_depth: "gauge" } },
    { planPath: "/tmp/t.ts" },
  );
  return evaluateCriteria(plan.criteria ?? [], buildTimeline(plan), snapshots).rows;
}

function one(row: CriteriaEntry, snapshots: IntervalSnapshot[], scenarios?: Record<string, ScenarioConfig>) {
  const [r] = judge([row], snapshots, scenarios);
  return r!;
}

const durations =
  (...ms: number[]): Recording =>
  (r) => {
    for (const v of ms) r.addTrend("http_req_duration", { scenario: "s", name: "page" }, v);
  };

describe("verdicts: pass, warn, fail, and the edges", () => {
  // Every sample 2000 ms: every percentile is exactly 2000 (clamped to the exact min and max).
  const at2s = record(repeat(3, durations(2000, 2000, 2000, 2000)));
  it.each([
    ["exactly at a <= target passes", "2s", "5s", "pass"],
    ["exactly at a < target misses it: warn", "<2s", "5s", "warn"],
    ["exactly at a <= threshold warns", "1s", "2s", "warn"],
    ["exactly at a < threshold fails", "1s", "<2s", "fail"],
    ["below the target passes", "3s", "5s", "pass"],
    ["past the threshold fails", "500ms", "1500ms", "fail"],
  ] as const)("%s", (_name, target, threshold, verdict) => {
    const r = one({ metric: "http_req_duration", stat: "p(95)", target, threshold }, at2s);
    expect(r.verdict).toBe(verdict);
    expect(r.observed).toBe(2000);
    expect(r.samples).toBe(12);
    expect(r.window.text).toBe("whole run (0s–3s)");
    if (verdict === "warn")
      expect(r.reason).toBe(`misses target ${target.startsWith("<") ? target : `<=${target}`}`);
    if (verdict === "fail") expect(r.reason).toMatch(/^misses threshold/);
  });

  it("a threshold alone (k6 style) passes or fails, never warns", () => {
    expect(one({ metric: "http_req_duration", stat: "p(95)", threshold: "2s" }, at2s).verdict).toBe("pass");
    expect(one({ metric: "http_req_duration", stat: "p(95)", threshold: "<2s" }, at2s).verdict).toBe("fail");
  });

  it("a target alone is also the threshold", () => {
    expect(one({ metric: "http_req_duration", stat: "p(95)", target: "<2s" }, at2s).verdict).toBe("fail");
  });

  it("floors (>=) warn and fail downwards, exactly at the edge included", () => {
    const rps = record(repeat(2, (r) => r.addCounter("http_reqs", { scenario: "s" }, 100)));
    const row = (target: string, threshold: string) =>
      one({ metric: "http_reqs", stat: "per_second", target, threshold }, rps);
    expect(row(">=100/s", ">=80/s").verdict).toBe("pass");
    expect(row(">100/s", ">=100/s").verdict).toBe("warn");
    expect(row(">=150/s", ">100/s").verdict).toBe("fail");
    expect(row(">=6000/m", ">=80/s").observed).toBe(100);
  });
});

describe("statistics", () => {
  const mixed = record([durations(100, 300), durations(100, 300)]);
  const sameDur = record([durations(150, 150, 150)]);
  // 999 fast samples and one slow: p(99.9) is the fast bucket, p(99.95) the slow sample.
  const tail = record([
    (r) => {
      for (let i = 0; i < 999; i++) r.addTrend("http_req_duration", { scenario: "s" }, 10);
      r.addTrend("http_req_duration", { scenario: "s" }, 500);
    },
  ]);
  it.each([
    ["avg", mixed, 200],
    ["min", mixed, 100],
    ["max", mixed, 300],
    ["med", sameDur, 150],
    ["count", mixed, 4],
    ["per_second", mixed, 2],
    ["p(100)", tail, 500],
    ["p(99.95)", tail, 500],
    ["p(0)", tail, 10],
  ] as const)("%s of a trend", (stat, snaps, expected) => {
    expect(one({ metric: "http_req_duration", stat, threshold: 1e9 }, snaps).observed).toBe(expected);
  });

  it("p(99.9) reads the highest value of its HDR bucket (10 ms → 10.007 ms)", () => {
    const r = one(
      { metric: "http_req_duration", stat: "p(99.9)", target: "10.007ms", threshold: "11ms" },
      tail,
    );
    expect(r.observed).toBe(10.007);
    expect(r.verdict).toBe("pass");
    expect(one({ metric: "http_req_duration", stat: "p(99.95)", threshold: "11ms" }, tail).verdict).toBe(
      "fail",
    );
  });

  it("counters: count, rate (per second, as in k6) and per_second", () => {
    const snaps = record(repeat(4, (r) => r.addCounter("dropped_iterations", { scenario: "s" }, 3)));
    expect(
      one({ metric: "dropped_iterations", stat: "count", target: 0, threshold: 20 }, snaps),
    ).toMatchObject({
      verdict: "warn",
      observed: 12,
      samples: 4,
    });
    expect(one({ metric: "dropped_iterations", stat: "rate", threshold: "3/s" }, snaps).observed).toBe(3);
    expect(one({ metric: "dropped_iterations", stat: "per_second", threshold: "<3/s" }, snaps).verdict).toBe(
      "fail",
    );
  });

  it("byte counters take sizes", () => {
    const snaps = record([(r) => r.addCounter("data_received", { scenario: "s" }, 6_000_000)]);
    expect(one({ metric: "data_received", stat: "count", threshold: "5MB" }, snaps).verdict).toBe("fail");
    expect(one({ metric: "data_received", stat: "count", threshold: "10MB" }, snaps).verdict).toBe("pass");
  });

  it("rates: rate (ratio), count (true samples) and per_second; exactly 0.7% against 0.7%", () => {
    const snaps = record([
      (r) => {
        for (let i = 0; i < 1000; i++) r.addRate("http_req_failed", { scenario: "s" }, i < 7);
      },
    ]);
    const row = { metric: "http_req_failed", stat: "rate", target: "0.5%", threshold: "0.7%" };
    expect(one(row, snaps)).toMatchObject({
      verdict: "warn",
      observed: 0.007,
      samples: 1000,
      observedText: "0.7%",
    });
    expect(one({ ...row, threshold: "<0.7%" }, snaps).verdict).toBe("fail");
    expect(one({ ...row, target: 0.007 }, snaps).verdict).toBe("pass");
    expect(one({ metric: "http_req_failed", stat: "count", threshold: 7 }, snaps).observed).toBe(7);
    expect(one({ metric: "http_req_failed", stat: "per_second", threshold: "7/s" }, snaps).verdict).toBe(
      "pass",
    );
  });

  it("checks pass rate is a floor", () => {
    const snaps = record([
      (r) => {
        for (let i = 0; i < 200; i++) r.addRate("checks", { scenario: "s", check: "ok" }, i !== 0);
      },
    ]);
    expect(
      one({ metric: "checks", stat: "rate", target: ">=99.9%", threshold: ">=99%" }, snaps),
    ).toMatchObject({
      verdict: "warn",
      observed: 0.995,
    });
  });

  it("gauges: min, max and the last value", () => {
    const snaps = record([(r) => r.setGauge("queue_depth", {}, 5), (r) => r.setGauge("queue_depth", {}, 9)]);
    expect(one({ metric: "queue_depth", stat: "max", threshold: 9 }, snaps).observed).toBe(9);
    expect(one({ metric: "queue_depth", stat: "min", threshold: 9 }, snaps).observed).toBe(5);
    expect(one({ metric: "queue_depth", stat: "value", threshold: "<9" }, snaps).verdict).toBe("fail");
  });
});

describe("derived metrics", () => {
  const statuses = record([
    (r) => {
      const add = (status: string, n: number, cls = "ok") =>
        r.addCounter("http_reqs", { scenario: "s", status, error_class: cls, category: "login" }, n);
      add("200", 990);
      add("404", 5, "http_error");
      add("503", 5, "http_error");
      add("0", 40, "in_flight_at_stop");
    },
  ]);

  it("HTTP 4xx and 5xx rates, separately, without requests in flight at stop", () => {
    const [x4, x5] = judge(
      [
        { metric: "http_4xx_rate", stat: "rate", target: "0.5%", threshold: "1%" },
        { metric: "http_5xx_rate", stat: "rate", target: "0.1%", threshold: "0.2%" },
      ],
      statuses,
    );
    expect(x4).toMatchObject({ verdict: "pass", observed: 0.005, samples: 1000 });
    expect(x5).toMatchObject({ verdict: "fail", observed: 0.005, reason: "misses threshold <=0.2%" });
  });

  it("transaction failure rate per transaction name", () => {
    const snaps = record([
      (r) => {
        for (let i = 0; i < 1000; i++)
          r.addRate("transaction_failed", { scenario: "s", transaction: "login" }, i < 2);
        for (let i = 0; i < 100; i++)
          r.addRate("transaction_failed", { scenario: "s", transaction: "search" }, true);
      },
    ]);
    const r = one(
      { metric: "transaction_failed", where: { transaction: "login" }, stat: "rate", target: "0.2%" },
      snaps,
    );
    expect(r).toMatchObject({ verdict: "pass", observed: 0.002, samples: 1000 });
  });

  it("achieved vs planned arrival rate (10/s for 4 s = 40 planned)", () => {
    const snaps = record(repeat(4, (r) => r.addCounter("iterations", { scenario: "s" }, 9)));
    const r = one({ metric: "arrival_rate", stat: "rate", target: ">=99%", threshold: ">=90%" }, snaps);
    expect(r).toMatchObject({ verdict: "warn", observed: 0.9, samples: 36 });
    expect(one({ metric: "arrival_rate", stat: "per_second", threshold: ">=9/s" }, snaps).observed).toBe(9);
  });
});

describe("no data is never a pass", () => {
  const snaps = record(repeat(2, durations(10)));
  it.each([
    ["a metric nothing recorded", { metric: "pg_deadlocks", stat: "count", target: 0, threshold: 0 }],
    [
      "a filter nothing matches",
      { metric: "http_req_duration", where: { name: "nope" }, stat: "p(95)", target: "1s" },
    ],
    [
      "a window no interval falls in",
      { metric: "http_req_duration", stat: "p(95)", target: "1s", window: "scenario:late" },
    ],
  ] as const)("%s: fail, no data", (_name, row) => {
    const scenarios = {
      ...CONSTANT,
      late: { executor: "constant-vus", vus: 1, duration: "5s", startTime: "1m", flow },
    } satisfies Record<string, ScenarioConfig>;
    const r = one(row, snaps, scenarios);
    expect(r).toMatchObject({
      verdict: "fail",
      reason: "no data",
      observed: null,
      samples: 0,
      observedText: "-",
    });
  });

  it("a monitor counter that reported 0 passes (deadlocks = 0)", () => {
    const monitor = snaps.map((s) => ({
      ...s,
      entries: [...s.entries, { metric: "pg_deadlocks", type: "counter" as const, tags: {}, value: 0 }],
    }));
    expect(one({ metric: "pg_deadlocks", stat: "count", target: 0, threshold: 0 }, monitor)).toMatchObject({
      verdict: "pass",
      observed: 0,
      samples: 2,
    });
  });

  it("a statistic that does not fit a monitor series is refused before the run", () => {
    const monitor = snaps.map((s) => ({
      ...s,
      entries: [...s.entries, { metric: "pg_deadlocks", type: "counter" as const, tags: {}, value: 0 }],
    }));
    let details: readonly string[] = [];
    try {
      one({ metric: "pg_deadlocks", stat: "p(95)", threshold: 1 }, monitor);
    } catch (err) {
      details = (err as { details: readonly string[] }).details;
    }
    expect(details.join("\n")).toMatch(/p\(95\) does not apply to pg_deadlocks \(a counter\)/);
  });
});

describe("where: equality, set membership, negation", () => {
  const snaps = record([
    (r) => {
      for (const [name, ms] of [
        ["login", 100],
        ["search", 200],
        ["health", 900],
      ] as const)
        r.addTrend("http_req_duration", { scenario: "s", name }, ms);
    },
  ]);
  it.each([
    [{ name: "search" }, 200, 1],
    [{ name: { in: ["login", "search"] } }, 200, 2],
    [{ name: { not: "health" } }, 200, 2],
    [{ name: { not: { in: ["login", "health"] } } }, 200, 1],
    [{ missing: { not: "x" } }, 900, 3],
  ] as const)("%j", (where, max, samples) => {
    expect(one({ metric: "http_req_duration", where, stat: "max", threshold: "1s" }, snaps)).toMatchObject({
      observed: max,
      samples,
    });
  });
});

describe("windows", () => {
  // ramp 0–10s (0 → 10/s), hold 10–20s (10/s), down 20–25s; latency 100 ms, 500 ms in the hold.
  const RAMPING: Record<string, ScenarioConfig> = {
    s: {
      executor: "ramping-arrival-rate",
      preAllocatedVUs: 5,
      gracefulStop: 0,
      stages: [
        { duration: "10s", target: 10, name: "ramp" },
        { duration: "10s", target: 10, name: "hold" },
        { duration: "5s", target: 0, name: "down" },
      ],
      flow,
    },
  };
  const snaps = record(Array.from({ length: 25 }, (_, k) => durations(k >= 10 && k < 20 ? 500 : 100)));
  const p95 = (window?: string | object) =>
    one(
      {
        metric: "http_req_duration",
        stat: "p(95)",
        target: "200ms",
        threshold: "1s",
        ...(window ? { window } : {}),
      } as CriteriaEntry,
      snaps,
      RAMPING,
    );

  it.each([
    [undefined, 500, 25, "whole run (0s–25s)"],
    ["stage:ramp", 100, 10, "stage ramp (0s–10s)"],
    [{ stage: "hold", scenario: "s" }, 500, 10, "stage hold of s (10s–20s)"],
    ["steady", 500, 10, "steady (ramps excluded) (10s–20s)"],
    ["peak", 500, 10, "peak (10s–20s)"],
    ["scenario:s", 500, 25, "scenario s (0s–25s)"],
  ] as const)("%j", (window, observed, samples, text) => {
    expect(p95(window)).toMatchObject({ observed, samples, window: { text } });
  });

  it("every 5s: the worst sliding window decides, and is named (the first of equals)", () => {
    const r = p95("every 5s");
    expect(r).toMatchObject({ verdict: "warn", observed: 500, samples: 5 });
    expect(r.window).toMatchObject({ kind: "every", windows: 21, windowsWithoutData: 0 });
    // The first window holding a slow sample: 6s–11s (one of its five samples is the hold's first).
    expect(r.window.text).toBe("every 5s, worst (6s–11s)");
  });

  it("every window must meet the row: one bad window among passing ones fails", () => {
    const spike = record(Array.from({ length: 30 }, (_, k) => durations(k >= 12 && k < 15 ? 900 : 100)));
    const whole = one({ metric: "http_req_duration", stat: "p(90)", threshold: "500ms" }, spike);
    const every = one(
      { metric: "http_req_duration", stat: "p(90)", threshold: "500ms", window: "every 10s" },
      spike,
    );
    expect(whole.verdict).toBe("pass");
    expect(every).toMatchObject({ verdict: "fail", observed: 900 });
    expect(every.window.text).toMatch(/every 10s, worst \(\d+s–\d+s\)/);
  });

  it("every: windows without data are skipped and counted; a run shorter than the window is one window", () => {
    const gappy = record(Array.from({ length: 8 }, (_, k) => (k < 4 ? () => {} : durations(100))));
    const r = one({ metric: "http_req_duration", stat: "max", threshold: "1s", window: "every 2s" }, gappy);
    expect(r).toMatchObject({ verdict: "pass", window: { windows: 7, windowsWithoutData: 3 } });
    const short = one(
      { metric: "http_req_duration", stat: "max", threshold: "1s", window: "every 1m" },
      gappy,
    );
    expect(short).toMatchObject({ verdict: "pass", samples: 4, window: { windows: 1 } });
  });

  it("a stage that ends its scenario reaches through the scenario's gracefulStop", () => {
    const scenarios: Record<string, ScenarioConfig> = {
      s: { ...(RAMPING.s as object), gracefulStop: "3s" } as ScenarioConfig,
    };
    const late = record(Array.from({ length: 28 }, () => durations(100)));
    const r = one(
      { metric: "http_req_duration", stat: "count", threshold: 1e9, window: "stage:down" },
      late,
      scenarios,
    );
    expect(r).toMatchObject({ observed: 8, window: { text: "stage down (20s–28s)" } });
  });

  it("peak with a multiplier of another row: 2x its target, 4x its threshold", () => {
    const fails = record(
      Array.from({ length: 25 }, (_, k) => (r: MetricsRegistry) => {
        for (let i = 0; i < 1000; i++)
          r.addRate(
            "transaction_failed",
            { scenario: "s", transaction: "login" },
            k >= 10 && k < 20 && i < 5,
          );
      }),
    );
    const [base, peak] = judge(
      [
        {
          id: "login-failures",
          metric: "transaction_failed",
          where: { transaction: "login" },
          stat: "rate",
          target: "0.2%",
          threshold: "0.3%",
        },
        { label: "peak", of: "login-failures", window: "peak", target: "2x", threshold: "4x" },
      ],
      fails,
      RAMPING,
    );
    expect(base).toMatchObject({ verdict: "pass", observed: 0.002 });
    expect(peak).toMatchObject({ verdict: "warn", observed: 0.005, target: "<=0.4%", threshold: "<=1.2%" });
  });
});

describe("monitor series in criteria", () => {
  // db_cpu_percent is a level (0–100) stored as one trend sample per interval.
  const cpu = record(
    [60, 70, 72, 95].map(
      (v): Recording =>
        (r) =>
          r.addTrend("db_cpu_percent", {}, v),
    ),
  );

  it("reads '75%' on a percent series as 75, not as the ratio 0.75", () => {
    const r = one({ metric: "db_cpu_percent", stat: "p(50)", target: "<75%", threshold: "<90%" }, cpu);
    // HDR resolution: within 0.1% of 70.
    expect(r.observed).toBeCloseTo(70, 1);
    expect(r.verdict).toBe("pass");
    expect(
      one({ metric: "db_cpu_percent", stat: "max", target: "<75%", threshold: "<90%" }, cpu).verdict,
    ).toBe("fail");
    expect(
      one({ metric: "db_cpu_percent", stat: "max", target: "<75", threshold: "<=95" }, cpu).verdict,
    ).toBe("warn");
  });

  it("counts monitor events: pg_deadlocks count = 0", () => {
    const none = record(repeat(3, (r) => r.addCounter("pg_deadlocks", {}, 0)));
    const one_ = record([
      (r) => r.addCounter("pg_deadlocks", {}, 0),
      (r) => r.addCounter("pg_deadlocks", {}, 1),
    ]);
    expect(one({ metric: "pg_deadlocks", stat: "count", target: 0, threshold: 0 }, none).verdict).toBe(
      "pass",
    );
    const r = one({ metric: "pg_deadlocks", stat: "count", target: 0, threshold: 0 }, one_);
    expect(r.verdict).toBe("fail");
    expect(r.observed).toBe(1);
  });
});
