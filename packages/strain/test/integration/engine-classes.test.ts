import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { runPlan, useGroundTruthServer, writePlan } from "../helpers/run-plan.js";

/** A port nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe("every scheduled request ends in exactly one class", () => {
  const ctx = useGroundTruthServer();
  const dir = ctx.dir;

  it("counts ok, http_error, each net_error kind, dropped and in_flight_at_stop, and the invariant holds", async () => {
    const dead = await closedPort();
    const undeclared = ctx.server.url.replace("127.0.0.1", "localhost");
    const plan = writePlan(
      dir,
      "classes.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "classes",
  baseUrl: "${ctx.server.url}",
  hosts: ["127.0.0.1"],
  scenarios: {
    each: {
      executor: "per-vu-iterations", vus: 1, iterations: 3,
      flow: async (vu) => {
        await vu.http.get("/ok", { name: "ok" });
        await vu.http.get("/status?code=503", { name: "s503" });
        await vu.http.get("/status?code=404", { name: "s404" });
        await vu.http.get("/reset", { name: "reset" });
        await vu.http.get("/garbage", { name: "garbage" });
        await vu.http.get("http://127.0.0.1:${dead}/ok", { name: "refused" });
        await vu.http.get("/hang", { name: "timeout", timeout: "200ms" });
        await vu.http.get("${undeclared}/ok", { name: "undeclared" });
        await vu.http.get("/redirect", { query: { to: "${undeclared}/ok" }, name: "redirect-out" });
      },
    },
    drops: {
      executor: "constant-arrival-rate", rate: 20, duration: "2s", preAllocatedVUs: 1, maxVUs: 1,
      flow: async (vu) => { await vu.http.get("/delay?ms=300", { name: "slow" }); },
    },
    stuck: {
      executor: "constant-vus", vus: 2, duration: "1s", gracefulStop: "300ms",
      flow: async (vu) => { await vu.http.get("/hang", { name: "stuck" }); },
    },
  },
});`,
    );
    const { result } = await runPlan(plan, { workers: 2, runsDir: dir });
    const r = result.summary.requests;
    expect(r.invariant.holds).toBe(true);
    expect(r.http_error.byStatus).toEqual({ "503": 3, "404": 3 });
    expect(r.net_error.byKind).toMatchObject({
      reset: 3,
      protocol: 3,
      refused: 3,
      timeout: 3,
      host_not_allowed: 6,
    });
    expect(r.in_flight_at_stop).toBe(2);
    expect(r.dropped).toBeGreaterThan(20);
    const slow = result.summary.requestsByName.find((x) => x.name === "slow")!;
    // 40 iterations scheduled: those that started plus those dropped.
    expect(slow.count + r.dropped).toBe(40);
    expect(r.scheduled).toBe(r.started + r.dropped);
    // The undeclared host was never contacted: only the 3 direct /ok requests arrived.
    expect(ctx.server.countOf("/ok")).toBe(3);
  });
});
