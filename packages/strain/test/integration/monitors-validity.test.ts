import { describe, expect, it } from "vitest";
import { evaluateRunValidity } from "../../src/monitors/validity.js";
import { runPlan, useGroundTruthServer, writePlan } from "../helpers/run-plan.js";

// Validity read from a real run's series.ndjson: an arrival rate the VUs cannot keep up with
// (40/s, one VU, 200 ms per iteration) marks the run generator_limited.
describe("run validity from a real run directory", () => {
  const ctx = useGroundTruthServer();

  it("an arrival rate the VUs cannot keep up with is generator_limited, with the window and counts", async () => {
    const plan = writePlan(
      ctx.dir,
      "limited.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "limited",
  baseUrl: "${ctx.server.url}",
  scenarios: {
    open: {
      executor: "constant-arrival-rate", rate: 40, duration: "3s", preAllocatedVUs: 1, maxVUs: 1,
      flow: async (vu) => { await vu.http.get("/delay?ms=200"); },
    },
  },
});`,
    );
    const { result, intervals } = await runPlan(plan, { workers: 1, runsDir: ctx.dir });
    const v = evaluateRunValidity(intervals);
    expect(v.status).toBe("generator_limited");
    // The same counts the summary reports.
    expect(v.dropped).toBe(result.summary.iterations.dropped);
    expect(v.scheduled).toBe(result.summary.iterations.completed + result.summary.iterations.dropped);
    expect(v.dropped / v.scheduled).toBeGreaterThan(0.5);
    const limited = v.windows.filter((w) => w.kind === "limited");
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.from).toBe(0);
    expect(v.message).toMatch(
      /^the target received less load than planned: \d+ of \d+ scheduled iterations \(\d+\.\d%, 00:00–00:0\d\) were dropped because every VU was busy/,
    );
  });
});
