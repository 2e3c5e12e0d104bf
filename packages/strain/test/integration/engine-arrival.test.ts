import { describe, expect, it } from "vitest";
import { counterIn, runPlan, useGroundTruthServer, writePlan } from "../helpers/run-plan.js";

// Arrival-rate precision through the whole engine: coordinator, 2 worker processes, real sockets.
describe("open-model arrival precision (real clock, real sockets)", () => {
  const ctx = useGroundTruthServer();
  const dir = ctx.dir;

  it("1,000/s for 10 s: every second within ±1 %, total within ±0.5 %", async () => {
    ctx.server.reset();
    const plan = writePlan(
      dir,
      "rate.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "rate-1000",
  baseUrl: "${ctx.server.url}",
  scenarios: {
    steady: {
      executor: "constant-arrival-rate", rate: 1000, duration: "10s", preAllocatedVUs: 50, maxVUs: 400,
      flow: async (vu) => { await vu.http.get("/ok"); },
    },
  },
});`,
    );
    const { result, intervals } = await runPlan(plan, { workers: 2, runsDir: dir });
    expect(result.status).toBe("completed");
    const total = result.summary.requests.scheduled;
    expect(Math.abs(total - 10_000)).toBeLessThanOrEqual(50);
    expect(ctx.server.countOf("/ok")).toBe(result.summary.requests.ok);
    expect(result.summary.requests.dropped).toBe(0);
    // Whole seconds of the run (the last, partial interval only holds stragglers).
    const perSecond = intervals.filter((s) => s.index < 10).map((s) => counterIn(s, "http_req_started"));
    expect(perSecond).toHaveLength(10);
    for (const n of perSecond) {
      expect(n).toBeGreaterThanOrEqual(990);
      expect(n).toBeLessThanOrEqual(1010);
    }
  });

  it("ramp 0→500/s over 10 s starts the integral (2,500) ± 1 iterations", async () => {
    ctx.server.reset();
    const plan = writePlan(
      dir,
      "ramp.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "ramp-500",
  baseUrl: "${ctx.server.url}",
  scenarios: {
    ramp: {
      executor: "ramping-arrival-rate", startRate: 0, preAllocatedVUs: 20, maxVUs: 200,
      stages: [{ duration: "10s", target: 500 }],
      flow: async (vu) => { await vu.http.get("/ok"); },
    },
  },
});`,
    );
    const { result } = await runPlan(plan, { workers: 2, runsDir: dir });
    expect(Math.abs(result.summary.requests.scheduled - 2500)).toBeLessThanOrEqual(1);
    expect(ctx.server.countOf("/ok")).toBe(result.summary.requests.ok);
    expect(result.summary.requests.ok).toBe(result.summary.requests.scheduled);
  });
});
