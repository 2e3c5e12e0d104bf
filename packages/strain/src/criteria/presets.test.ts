import { describe, expect, it } from "vitest";
import { definePlan } from "../index.js";
import { validatePlan } from "../plan/validate.js";
import type { CriteriaEntry } from "./definition.js";
import { preset, presetRows, presets } from "./presets.js";
import type { ResolvedCriterion } from "./resolved.js";

const flow = () => {};

function resolve(criteria: CriteriaEntry[]): ResolvedCriterion[] {
  const plan = validatePlan(
    {
      name: "p",
      hosts: ["127.0.0.1"],
      scenarios: {
        s: { executor: "constant-arrival-rate", rate: 1, duration: "1s", preAllocatedVUs: 1, flow },
      },
      criteria,
    },
    { planPath: "p.ts" },
  );
  return [...(plan.criteria ?? [])];
}

/** id → [metric + filter + stat, target, threshold, window] as the resolved row reads. */
function table(rows: ResolvedCriterion[]): Record<string, [string, string, string, string]> {
  return Object.fromEntries(
    rows.map((r) => [
      r.id,
      [
        `${r.metric}${r.where.map((w) => `{${w.tag}:${w.values.join("|")}}`).join("")} ${r.stat}`,
        r.target?.text ?? "-",
        r.threshold?.text ?? "-",
        r.window.kind,
      ],
    ]),
  );
}

describe("presets carry the seeds' numbers exactly", () => {
  it("openimis (seed 001, Table 1)", () => {
    expect(table(resolve([preset("openimis")]))).toEqual({
      login: ["transaction_duration{transaction:login} p(95)", "<=2s", "<=5s", "run"],
      search: ["transaction_duration{transaction:search} p(95)", "<=5s", "<=7s", "run"],
      online: ["transaction_duration{transaction:online} p(95)", "<=3s", "<=5s", "run"],
      "http-4xx": ["http_4xx_rate rate", "<=0.5%", "<=1%", "run"],
      "http-5xx": ["http_5xx_rate rate", "<=0.1%", "<=0.2%", "run"],
      "login-failures": ["transaction_failed{transaction:login} rate", "<=0.2%", "<=0.3%", "run"],
      "search-failures": ["transaction_failed{transaction:search} rate", "<=0.5%", "<=0.7%", "run"],
      // Peak-load errors: 2x the transaction-failure values (target), 4x (threshold).
      "peak-login-failures": ["transaction_failed{transaction:login} rate", "<=0.4%", "<=1.2%", "peak"],
      "peak-search-failures": ["transaction_failed{transaction:search} rate", "<=1%", "<=2.8%", "peak"],
      // Read from the Postgres monitor; no data (→ fail) until a run has one.
      "database-deadlocks": ["pg_deadlocks count", "<=0", "<=0", "run"],
    });
  });

  it("smartpos-kpi (seed 002, Key Performance Indicators)", () => {
    expect(table(resolve([preset("smartpos-kpi")]))).toEqual({
      p50: ["http_req_duration p(50)", "<200ms", "<=300ms", "run"],
      p95: ["http_req_duration p(95)", "<500ms", "<=800ms", "run"],
      p99: ["http_req_duration p(99)", "<1000ms", "<=1500ms", "run"],
      "error-rate": ["http_req_failed rate", "<0.5%", "<=1%", "run"],
      throughput: ["http_reqs per_second", ">=15000/s", ">=12000/s", "steady"],
    });
  });

  it("smartpos-latency (seed 002, Latency Breakdown by Endpoint Category), targets only", () => {
    const t = table(resolve([preset("smartpos-latency")]));
    const targets = (category: string) =>
      ["p50", "p95", "p99"].map((p) => {
        const row = t[`${category}-${p}`]!;
        expect(row[0]).toBe(`http_req_duration{category:${category}} p(${p.slice(1)})`);
        expect(row[2]).toBe("-");
        return row[1];
      });
    expect(Object.keys(t)).toHaveLength(21);
    expect(targets("authentication")).toEqual(["<100ms", "<200ms", "<500ms"]);
    expect(targets("device-token")).toEqual(["<150ms", "<300ms", "<600ms"]);
    expect(targets("order-creation")).toEqual(["<200ms", "<500ms", "<1000ms"]);
    expect(targets("payment-intent")).toEqual(["<150ms", "<300ms", "<800ms"]);
    expect(targets("payment-confirmation")).toEqual(["<200ms", "<400ms", "<1000ms"]);
    expect(targets("report-sync")).toEqual(["<500ms", "<2000ms", "<5000ms"]);
    expect(targets("report-async")).toEqual(["<50ms", "<100ms", "<200ms"]);
  });
});

describe("presets are overridable row by row", () => {
  it("fields replace the preset's, false drops a row, the rest is untouched", () => {
    const rows = resolve([
      preset("openimis", {
        search: { threshold: "8s", stat: "p(90)", label: "Insuree search" },
        online: { where: { transaction: { in: ["create insuree", "create claim"] } } },
        "database-deadlocks": false,
      }),
    ]);
    const t = table(rows);
    expect(t.search).toEqual(["transaction_duration{transaction:search} p(90)", "<=5s", "<=8s", "run"]);
    expect(t.online![0]).toBe("transaction_duration{transaction:create insuree|create claim} p(95)");
    expect(t["database-deadlocks"]).toBeUndefined();
    expect(rows.find((r) => r.id === "search")!.label).toBe("Insuree search");
    expect(t.login).toEqual(["transaction_duration{transaction:login} p(95)", "<=2s", "<=5s", "run"]);
  });

  it("peak rows follow an overridden base row", () => {
    const t = table(
      resolve([preset("openimis", { "login-failures": { target: "0.1%", threshold: "0.5%" } })]),
    );
    expect(t["peak-login-failures"]!.slice(1, 3)).toEqual(["<=0.2%", "<=2%"]);
  });

  it("the preset data is plain, frozen-shaped and its rows all carry an id and a label", () => {
    for (const rows of Object.values(presets)) {
      for (const r of rows) {
        expect(r.id).toMatch(/^[a-z0-9-]+$/);
        expect(r.label.length).toBeGreaterThan(0);
      }
    }
    expect(presetRows({ preset: "smartpos-kpi", overrides: { p50: false } }).map((r) => r.id)).toEqual([
      "p95",
      "p99",
      "error-rate",
      "throughput",
    ]);
  });
});

describe("the criteria API's types (checked by the type-checker)", () => {
  it("accepts every documented form and rejects unknown preset rows, presets and windows", () => {
    const typed = () => {
      definePlan({
        name: "typed",
        hosts: ["127.0.0.1"],
        scenarios: {},
        criteria: [
          preset("openimis", { search: { threshold: "8s" }, "database-deadlocks": false }),
          preset("smartpos-latency", { "report-async-p99": { target: "<300ms" } }),
          { preset: "smartpos-kpi", overrides: { throughput: { target: ">=500/s" } } },
          "http_req_duration{category:login} p(95) target 2s threshold 5s",
          {
            metric: "http_req_duration",
            where: { name: { not: { in: ["a", "b"] } } },
            stat: "p(95)",
            target: "2s",
          },
          {
            metric: "checks",
            stat: "rate",
            target: ">=99%",
            window: "every 10s",
            abortOnFail: true,
            delayAbortEval: "5s",
          },
          { metric: "http_reqs", stat: "count", threshold: 10, window: { stage: "peak", scenario: "s" } },
          { label: "peak", of: "login-failures", window: "peak", target: "2x", threshold: "4x" },
        ],
        thresholds: {
          "http_req_duration{category:login}": ["p(95)<2000", { threshold: "p(99)<3000", abortOnFail: true }],
        },
      });
      // @ts-expect-error: a row id the preset does not have
      preset("openimis", { logn: false });
      // @ts-expect-error: an unknown preset
      preset("openimiss");
      definePlan({
        name: "bad-window",
        hosts: [],
        scenarios: {},
        // @ts-expect-error: a window is one of the documented forms
        criteria: [{ metric: "m", stat: "avg", target: 1, window: "sometimes" }],
      });
    };
    expect(typeof typed).toBe("function");
  });
});
