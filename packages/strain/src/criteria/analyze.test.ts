import { describe, expect, it } from "vitest";
import { hasCode } from "../errors.js";
import type { PlanDefinition } from "../plan/types.js";
import { validatePlan } from "../plan/validate.js";
import type { CriteriaEntry, K6Thresholds } from "./definition.js";

const flow = () => {};
const scenarios: PlanDefinition["scenarios"] = {
  browse: {
    executor: "ramping-arrival-rate",
    preAllocatedVUs: 5,
    stages: [
      { duration: "10s", target: 10, name: "ramp" },
      { duration: "20s", target: 10, name: "hold" },
    ],
    flow,
  },
  users: { executor: "constant-vus", vus: 2, duration: "30s", tags: { team: "a" }, flow },
};

function problems(criteria: unknown[], thresholds?: unknown): string[] {
  try {
    validatePlan({ name: "p", hosts: ["127.0.0.1"], scenarios, criteria, thresholds }, { planPath: "p.ts" });
  } catch (err) {
    expect(hasCode(err, "STRAIN_ERR_PLAN_INVALID")).toBe(true);
    return [...((err as { details: string[] }).details ?? [])];
  }
  return [];
}

function rows(criteria: CriteriaEntry[], thresholds?: K6Thresholds) {
  const plan = validatePlan(
    { name: "p", hosts: ["127.0.0.1"], scenarios, criteria, ...(thresholds ? { thresholds } : {}) },
    { planPath: "p.ts" },
  );
  return plan.criteria ?? [];
}

describe("criteria validation: every problem, with its path and a hint, before any traffic", () => {
  it.each([
    [
      { metric: "http_req_duration", stat: "p95", target: "2s" },
      'criteria[0].stat: unknown statistic "p95" — hint: did you mean "p(95)"?',
    ],
    [
      { metric: "http_req_duration", stat: "p(95)", target: "2 parsecs" },
      'criteria[0].target: "2 parsecs" has an unknown unit "parsecs"',
    ],
    [
      { metric: "http_req_duration", stat: "p(95)", treshold: "2s" },
      'criteria[0].treshold: unknown key "treshold" — hint: did you mean "threshold"?',
    ],
    [
      { metric: "http_req_duration", stat: "p(95)", target: "0.5%" },
      'criteria[0].target: p(95) of http_req_duration is a duration ("2s", "500ms"); "0.5%" is a percentage',
    ],
    [
      { metric: "http_req_failed", stat: "rate", target: "2s" },
      "criteria[0].target: rate of http_req_failed is a percentage",
    ],
    [
      { metric: "http_req_failed", stat: "rate", target: 5 },
      "criteria[0].target: a rate is between 0% and 100% (got 5)",
    ],
    [
      { metric: "http_reqs", stat: "p(95)", target: "1s" },
      "criteria[0].stat: p(95) does not apply to http_reqs (a counter) — hint: use one of: count, rate (per second), per_second",
    ],
    [
      { metric: "http_req_duraton", stat: "p(95)", target: "1s" },
      'criteria[0].metric: unknown metric "http_req_duraton" — hint: did you mean "http_req_duration"?',
    ],
    [
      { metric: "http_req_duration", stat: "p(95)", target: "5s", threshold: "2s" },
      "criteria[0].threshold: is stricter than the target (<=2s vs <=5s)",
    ],
    [
      { metric: "http_reqs", stat: "per_second", target: ">=100/s", threshold: "<=50/s" },
      "criteria[0].threshold: compares the other way from the target (<=50/s vs >=100/s)",
    ],
    [
      { metric: "http_req_duration", stat: "p(95)" },
      "criteria[0]: a row needs a target, a threshold or both",
    ],
    [{ target: "2s" }, "criteria[0]: a row needs a metric and a stat (or `of` another row)"],
    [{ metric: "http_req_duration", target: "2s" }, "criteria[0].stat: is required with metric"],
    [
      { metric: "http_req_duration", stat: "p(95)", target: "2x" },
      'criteria[0].target: "2x" is a multiple of another row\'s value — hint: add of',
    ],
    [
      { metric: "http_req_duration", stat: "p(95)", target: "2s", window: "stage:rmp" },
      'criteria[0].window: no stage named "rmp" — hint: did you mean "ramp"?',
    ],
    [
      { metric: "http_req_duration", stat: "p(95)", target: "2s", window: "scenario:brwse" },
      'criteria[0].window: no scenario "brwse" — hint: did you mean "browse"?',
    ],
    [
      { metric: "http_req_duration", stat: "p(95)", target: "2s", window: "every" },
      'criteria[0].window: unknown window "every"',
    ],
    [
      { metric: "http_req_duration", stat: "p(95)", target: "2s", window: "every 0s" },
      "criteria[0].window: every: the window length must be > 0",
    ],
    [
      { metric: "http_req_duration", stat: "p(95)", target: "2s", delayAbortEval: "5s" },
      "criteria[0].delayAbortEval: only matters with abortOnFail",
    ],
    [
      { metric: "http_req_duration", where: { name: { in: [] } }, stat: "p(95)", target: "2s" },
      "criteria[0].where.name.in: must be a non-empty list of tag values (strings)",
    ],
    [
      { metric: "http_req_duration", where: { name: { not: { not: "x" } } }, stat: "p(95)", target: "2s" },
      "criteria[0].where.name.not.not: a negation cannot hold another negation",
    ],
    [
      { metric: "arrival_rate", where: { name: "x" }, stat: "rate", target: ">=99%" },
      "criteria[0].where: arrival_rate is planned per scenario; it cannot filter on name",
    ],
    [
      { metric: "arrival_rate", where: { scenario: "users" }, stat: "rate", target: ">=99%" },
      "criteria[0].metric: arrival_rate needs an open-model scenario",
    ],
    [{ of: "nothing", target: "2x" }, 'criteria[0].of: no row is labelled "nothing" or has that id'],
    [
      { preset: "openimiss" },
      'criteria[0].preset: unknown preset "openimiss" — hint: one of: openimis, smartpos-kpi, smartpos-latency',
    ],
    [
      { preset: "openimis", overrides: { logn: { target: "1s" } } },
      'criteria[0].overrides.logn: preset openimis has no row "logn" — hint: did you mean "login"?',
    ],
    [
      { preset: "openimis", overrides: { login: { threshold: "1s" } } },
      "criteria[0].overrides.login.threshold: is stricter than the target (<=1s vs <=2s)",
    ],
    [
      "http_req_duration p(95) target",
      "criteria[0]: cannot read the row: at column 31: target needs a value",
    ],
    [
      "http_req_duration p(95) target 0.5%",
      'criteria[0]: target: p(95) of http_req_duration is a duration ("2s", "500ms"); "0.5%" is a percentage',
    ],
    [42, "criteria[0]: must be a row, a text row or a preset (got 42)"],
  ])("%j", (row, expected) => {
    const lines = problems([row]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(expected);
  });

  it("labels and ids are unique; `of` cannot go round in a circle", () => {
    expect(
      problems([
        { label: "a", metric: "checks", stat: "rate", target: ">=99%" },
        { label: "a", metric: "checks", stat: "rate", target: ">=98%" },
        { label: "b", id: "x", of: "c", target: "2x" },
        { label: "c", id: "x", of: "b", target: "2x" },
      ]),
    ).toEqual([
      'criteria[1].label: label "a" is used by another row too (criteria[0]) — hint: give each row its own label',
      'criteria[3].id: id "x" is used by another row too (criteria[2]) — hint: give each row its own id',
      'criteria[3].of: "b" leads back to this row — hint: `of` must name a row that does not depend on this one',
    ]);
  });

  it("k6 thresholds: bad keys and expressions are named", () => {
    expect(problems([], { "http_req_duration{category": ["p95<2000"], http_reqs: ["count>>3"] })).toEqual([
      'thresholds["http_req_duration{category"][0]: "p95<2000" is not a threshold expression — hint: write "<stat><op><value>", e.g. "p(95)<2000", "rate<0.01", "count>=100"',
      'thresholds.http_reqs[0]: "count>>3": ">>3" is not a number with a unit — hint: write "<stat><op><value>", e.g. "p(95)<2000", "rate<0.01", "count>=100"',
      'thresholds["http_req_duration{category"]: "http_req_duration{category": expected ":" after tag "category" — hint: a key is "metric" or "metric{tag:value,...}"',
    ]);
  });

  it("problems of criteria and of the rest of the plan are reported together", () => {
    try {
      validatePlan(
        {
          name: "p",
          hosts: ["127.0.0.1"],
          scenarios: { s: { executor: "constant-vus", vus: 0, duration: "1s", flow } },
          criteria: [{ metric: "http_req_duration", stat: "p(95)", target: "2 parsecs" }],
        },
        { planPath: "p.ts" },
      );
      expect.unreachable();
    } catch (err) {
      const details = (err as { details: string[] }).details;
      expect(details.some((d) => d.startsWith("scenarios.s.vus"))).toBe(true);
      expect(details.some((d) => d.startsWith("criteria[0].target"))).toBe(true);
    }
  });
});

describe("criteria resolution", () => {
  it("rows, text rows and k6 thresholds resolve to the same shape", () => {
    const [obj, text, k6] = rows(
      [
        {
          metric: "http_req_duration",
          where: { category: "login" },
          stat: "p(95)",
          target: "2s",
          threshold: "5s",
        },
        "http_req_duration{category:login} p(95) target 2s threshold 5s label text",
      ],
      { "http_req_duration{category:login}": ["p(95)<=5000"] },
    );
    expect(obj).toMatchObject({
      label: "http_req_duration{category:login} p(95) target 2s threshold 5s",
      metric: "http_req_duration",
      where: [{ tag: "category", values: ["login"], negate: false }],
      stat: "p(95)",
      target: { op: "<=", value: 2000, unit: "ms", text: "<=2s" },
      threshold: { op: "<=", value: 5000, unit: "ms", text: "<=5s" },
      window: { kind: "run" },
      abortOnFail: false,
      delayAbortEvalMs: 0,
      source: "criteria",
    });
    expect({ ...text, label: obj!.label, text: obj!.text }).toEqual(obj);
    expect(k6).toMatchObject({ source: "thresholds", threshold: { op: "<=", value: 5000, unit: "ms" } });
    expect(k6!.target).toBeUndefined();
  });

  it("`of` rows take the other row's metric, filter and statistic, and multiply its values column by column", () => {
    const [, peak] = rows([
      {
        id: "base",
        metric: "transaction_failed",
        where: { transaction: "search" },
        stat: "rate",
        target: "0.5%",
        threshold: "0.7%",
      },
      { label: "peak", of: "base", window: "peak", target: "2x", threshold: "4x" },
    ]);
    expect(peak).toMatchObject({
      metric: "transaction_failed",
      where: [{ tag: "transaction", values: ["search"] }],
      stat: "rate",
      target: { op: "<=", value: 0.01, text: "<=1%" },
      threshold: { op: "<=", value: 0.028, text: "<=2.8%" },
      window: { kind: "peak" },
      relativeTo: {
        label: "transaction_failed{transaction:search} rate target 0.5% threshold 0.7%",
        target: 2,
        threshold: 4,
      },
    });
  });
});
