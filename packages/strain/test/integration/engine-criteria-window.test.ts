import { describe, expect, it } from "vitest";
import type { CriterionResult } from "../../src/criteria/verdict.js";
import { runPlan, useGroundTruthServer, writePlan } from "../helpers/run-plan.js";

describe("criteria over sliding windows (real clock, real workers)", () => {
  const ctx = useGroundTruthServer();

  it("a server degrading for 20 s of a 60 s run: the whole-run p95 passes, `every 10s` fails naming the window", async () => {
    // 20 requests/s for 60 s. From 20 s to 40 s every 10th request takes 400 ms instead of 20 ms:
    // 40 slow of 1,200 in the run (3.3%, under the 5% a p95 sees) but 10% of any 10 s inside it.
    const plan = writePlan(
      ctx.dir,
      "degrade.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "degrade",
  baseUrl: "${ctx.server.url}",
  scenarios: {
    s: { executor: "constant-arrival-rate", rate: 20, duration: "60s", preAllocatedVUs: 20, gracefulStop: "2s",
         flow: async (vu) => { await vu.http.get("/degrade?ms=20&slow=400&every=10&from=20000&to=40000", { name: "page" }); } },
  },
  criteria: [
    { label: "p95 whole run", metric: "http_req_duration", stat: "p(95)", target: "100ms", threshold: "200ms" },
    { label: "p95 every 10s", metric: "http_req_duration", stat: "p(95)", target: "100ms", threshold: "200ms", window: "every 10s" },
  ],
});`,
    );
    const { result } = await runPlan(plan, {
      workers: 2,
      runsDir: ctx.dir,
      observer: {
        // The server's clock for the degradation starts with the run's interval 0.
        onStart: ({ runStartEpoch }) => {
          setTimeout(() => ctx.server.markStart(), Math.max(0, runStartEpoch - Date.now()));
        },
      },
    });
    expect(result.summary.requests.ok).toBeGreaterThanOrEqual(1195);
    const rows = result.summary.criteria!.rows as CriterionResult[];
    const [whole, every] = rows as [CriterionResult, CriterionResult];
    expect(whole).toMatchObject({ label: "p95 whole run", verdict: "pass" });
    expect(whole.observed!).toBeLessThan(100);
    expect(every).toMatchObject({
      label: "p95 every 10s",
      verdict: "fail",
      reason: "misses threshold <=200ms",
    });
    expect(every.observed!).toBeGreaterThanOrEqual(400);
    // The named window overlaps the degradation (20–40 s, a second of slack for scheduling at its
    // edges). Every window with over 5% of its samples slow has the slow value as its p95, so
    // several tie for worst and the earliest is named: it may start before 20 s.
    const m = /^every 10s, worst \((\d+)s–(\d+)s\)$/.exec(every.window.text);
    expect(m, every.window.text).not.toBeNull();
    const [from, to] = [Number(m![1]), Number(m![2])];
    expect(to - from).toBe(10);
    expect(to).toBeGreaterThanOrEqual(19);
    expect(from).toBeLessThanOrEqual(41);
    expect(every.window.windows).toBeGreaterThanOrEqual(50);
    expect(result.exitCode).toBe(99);
  }, 120_000);
});
