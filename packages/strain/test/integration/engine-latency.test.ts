import { describe, expect, it } from "vitest";
import { runPlan, useGroundTruthServer, writePlan } from "../helpers/run-plan.js";

function stallPlan(url: string): string {
  return `import { definePlan } from "strain";
export default definePlan({
  name: "stall",
  baseUrl: "${url}",
  scenarios: {
    co: {
      executor: "constant-arrival-rate", rate: 200, duration: "12s", preAllocatedVUs: 20, maxVUs: 1000,
      flow: async (vu) => { await vu.http.get("/delay", { query: { ms: 1 }, name: "delay" }); },
    },
  },
});`;
}

describe("latency ground truth through the whole engine", () => {
  const ctx = useGroundTruthServer();
  const dir = ctx.dir;

  it("coordinated omission: all responses held 2 s from t = 5 s → p50 < 20 ms, p95 ≥ 1 s, max ≥ 1.9 s, nothing dropped", async () => {
    ctx.server.reset();
    const plan = writePlan(dir, "stall.ts", stallPlan(ctx.server.url));
    const { result } = await runPlan(plan, {
      workers: 2,
      runsDir: dir,
      observer: {
        onStart: ({ runStartEpoch }) => {
          // Time zero of the stall window = the run's start (interval 0), in the server's clock.
          ctx.server.markStart();
          ctx.server.stallAt(5000 + (runStartEpoch - Date.now()), 2000);
        },
      },
    });
    const row = result.summary.requestsByName.find((r) => r.name === "delay")!;
    expect(row.count).toBe(2400);
    expect(row.p50).toBeLessThan(20);
    expect(row.p95).toBeGreaterThanOrEqual(1000);
    expect(row.max).toBeGreaterThanOrEqual(1900);
    expect(result.summary.requests.dropped).toBe(0);
  });

  it("the same plan without the stall → p99 < 50 ms", async () => {
    ctx.server.reset();
    const plan = writePlan(dir, "nostall.ts", stallPlan(ctx.server.url));
    const { result } = await runPlan(plan, { workers: 2, runsDir: dir });
    const row = result.summary.requestsByName.find((r) => r.name === "delay")!;
    expect(row.count).toBe(2400);
    expect(row.p99).toBeLessThan(50);
  });

  it("no false correction: a fixed 20 ms server at 20/s → min ≥ 20 ms, one sample per response", async () => {
    ctx.server.reset();
    const plan = writePlan(
      dir,
      "fixed.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "fixed-20ms",
  baseUrl: "${ctx.server.url}",
  scenarios: {
    fixed: {
      executor: "constant-arrival-rate", rate: 20, duration: "5s", preAllocatedVUs: 5, maxVUs: 50,
      flow: async (vu) => { await vu.http.get("/delay", { query: { ms: 20 }, name: "fixed" }); },
    },
  },
});`,
    );
    const { result } = await runPlan(plan, { workers: 2, runsDir: dir });
    const row = result.summary.requestsByName.find((r) => r.name === "fixed")!;
    expect(row.count).toBe(ctx.server.countOf("/delay"));
    expect(row.count).toBe(100);
    expect(row.min).toBeGreaterThanOrEqual(20);
    expect(row.p50).toBeLessThan(40);
  });
});
