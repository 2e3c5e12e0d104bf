import { describe, expect, it } from "vitest";
import { MetricsRegistry } from "../metrics/registry.js";
import type { IntervalSnapshot } from "../metrics/types.js";
import { validatePlan } from "../plan/validate.js";
import type { CriteriaEntry } from "./definition.js";
import { LiveCriteria } from "./live.js";
import { buildTimeline } from "./timeline.js";
import type { CriteriaAbort } from "./verdict.js";

const T0 = 1_700_000_000_000;

function live(criteria: CriteriaEntry[], clock: { now: number }) {
  const plan = validatePlan(
    {
      name: "p",
      hosts: ["127.0.0.1"],
      scenarios: { s: { executor: "constant-vus", vus: 1, duration: "1m", flow: () => {} } },
      criteria,
    },
    { planPath: "p.ts" },
  );
  const aborts: CriteriaAbort[] = [];
  const l = LiveCriteria.create({
    rows: plan.criteria ?? [],
    timeline: buildTimeline(plan),
    onAbort: (a) => aborts.push(a),
    now: () => clock.now,
  });
  return { l, aborts };
}

/** Interval k with `n` samples of `ms` (none when n = 0). */
function interval(reg: MetricsRegistry, k: number, ms: number, n = 10): IntervalSnapshot {
  for (let i = 0; i < n; i++) reg.addTrend("http_req_duration", { scenario: "s" }, ms);
  return reg.snapshot(k, T0 + k * 1000, T0 + (k + 1) * 1000);
}

describe("live criteria (abortOnFail)", () => {
  it("exists only when a row asks for it", () => {
    const clock = { now: T0 };
    expect(live([{ metric: "http_req_duration", stat: "p(95)", threshold: "1s" }], clock).l).toBeUndefined();
  });

  it("does not judge before delayAbortEval, then stops the run once, naming the row and the value", () => {
    const clock = { now: T0 };
    const { l, aborts } = live(
      [
        { metric: "http_req_duration", stat: "p(95)", threshold: "1s" },
        {
          label: "p95 under 200ms",
          metric: "http_req_duration",
          stat: "p(95)",
          threshold: "200ms",
          abortOnFail: true,
          delayAbortEval: "3s",
        },
      ],
      clock,
    );
    const reg = new MetricsRegistry();
    l!.start(T0);
    for (let k = 0; k < 2; k++) {
      clock.now = T0 + (k + 1) * 1000 + 50;
      l!.add(interval(reg, k, 400));
      expect(aborts).toEqual([]);
    }
    clock.now = T0 + 2900;
    l!.check();
    expect(aborts).toEqual([]);
    clock.now = T0 + 3100;
    l!.check();
    expect(aborts).toHaveLength(1);
    expect(aborts[0]).toMatchObject({
      label: "p95 under 200ms",
      observedText: "400ms",
      threshold: "<=200ms",
      window: "whole run (0s–2s)",
      atMs: 3100,
    });
    expect(aborts[0]!.message).toBe(
      'criterion "p95 under 200ms" failed (abortOnFail): p(95) of http_req_duration = 400ms, threshold <=200ms, over whole run (0s–2s), 20 samples',
    );
    clock.now = T0 + 4100;
    l!.add(interval(reg, 2, 400));
    expect(aborts).toHaveLength(1);
    l!.stop();
  });

  it("no data never stops a run; a passing row does not either", () => {
    const clock = { now: T0 };
    const { l, aborts } = live(
      [
        { metric: "pg_deadlocks", stat: "count", threshold: 0, abortOnFail: true },
        { metric: "http_req_duration", stat: "p(95)", threshold: "1s", abortOnFail: true },
      ],
      clock,
    );
    const reg = new MetricsRegistry();
    l!.start(T0);
    for (let k = 0; k < 5; k++) {
      clock.now = T0 + (k + 1) * 1000;
      l!.add(interval(reg, k, 100));
    }
    expect(aborts).toEqual([]);
    l!.stop();
  });

  it("an every-window row is judged once a whole window has been seen", () => {
    const clock = { now: T0 };
    const { l, aborts } = live(
      [
        {
          metric: "http_req_duration",
          stat: "max",
          threshold: "200ms",
          window: "every 3s",
          abortOnFail: true,
        },
      ],
      clock,
    );
    const reg = new MetricsRegistry();
    l!.start(T0);
    clock.now = T0 + 1000;
    l!.add(interval(reg, 0, 900));
    clock.now = T0 + 2000;
    l!.add(interval(reg, 1, 100));
    expect(aborts).toEqual([]);
    clock.now = T0 + 3000;
    l!.add(interval(reg, 2, 100));
    expect(aborts).toHaveLength(1);
    expect(aborts[0]!.window).toBe("every 3s, worst (0s–3s)");
    l!.stop();
  });
});
