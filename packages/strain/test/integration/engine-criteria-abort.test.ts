import { describe, expect, it } from "vitest";
import { runPlan, useGroundTruthServer, writePlan } from "../helpers/run-plan.js";

/** A 30 s plan whose requests turn slow (300 ms) `breachMs` after the run starts. */
function slowingPlan(url: string, name: string, breachMs: number, delayAbortEval: string): string {
  return `import { definePlan } from "strain";
export default definePlan({
  name: "${name}",
  baseUrl: "${url}",
  scenarios: {
    s: { executor: "constant-arrival-rate", rate: 20, duration: "30s", preAllocatedVUs: 20, gracefulStop: "1s",
         flow: async (vu) => { await vu.http.get("/degrade?ms=10&slow=300&from=${breachMs}", { name: "page" }); } },
  },
  criteria: [
    { label: "Latency p95", metric: "http_req_duration", stat: "p(95)", threshold: "200ms",
      abortOnFail: true, delayAbortEval: "${delayAbortEval}" },
    { label: "Errors", metric: "http_req_failed", stat: "rate", threshold: "1%" },
  ],
});`;
}

describe("abortOnFail (real clock, real workers)", () => {
  const ctx = useGroundTruthServer();

  async function run(name: string, breachMs: number, delayAbortEval: string) {
    const plan = writePlan(
      ctx.dir,
      `${name}.ts`,
      slowingPlan(ctx.server.url, name, breachMs, delayAbortEval),
    );
    let runStart = 0;
    let abortSeenAt = 0;
    const out = await runPlan(plan, {
      workers: 2,
      runsDir: ctx.dir,
      observer: {
        onStart: ({ runStartEpoch }) => {
          runStart = runStartEpoch;
          setTimeout(() => ctx.server.markStart(), Math.max(0, runStartEpoch - Date.now()));
        },
        onWarning: (m) => {
          if (m.startsWith("run aborted:") && abortSeenAt === 0) abortSeenAt = Date.now() - runStart;
        },
      },
    });
    return { ...out, abortSeenAt };
  }

  it("stops the run within 2 s of a breach after delayAbortEval, and the summary says which row and value", async () => {
    const { result, abortSeenAt } = await run("breach-late", 5000, "2s");
    expect(result.status).toBe("aborted");
    expect(result.exitCode).toBe(99);
    const abortedBy = result.summary.criteria!.abortedBy!;
    expect(abortedBy).toMatchObject({ label: "Latency p95", threshold: "<=200ms" });
    // The breach is at 5 s; the run must not stop before it, and must stop within 2 s of it.
    expect(abortedBy.atMs).toBeGreaterThanOrEqual(5000);
    expect(abortedBy.atMs).toBeLessThanOrEqual(5000 + 2000);
    expect(Math.abs(abortSeenAt - abortedBy.atMs)).toBeLessThan(500);
    expect(Number.parseFloat(abortedBy.observedText)).toBeGreaterThan(200);
    expect(result.summary.reason).toBe(abortedBy.message);
    expect(result.summary.reason).toMatch(
      /^criterion "Latency p95" failed \(abortOnFail\): p\(95\) of http_req_duration = \d+ms, threshold <=200ms, over whole run \(0s–\d+s\), \d+ samples$/,
    );
    // Drained within gracefulStop (1 s) of the stop: nowhere near the planned 30 s.
    expect(result.summary.durationMs).toBeLessThan(abortedBy.atMs + 3000);
    expect(result.summary.requests.invariant.holds).toBe(true);
    // The final verdicts agree with the live one.
    expect(result.summary.criteria!.rows[0]).toMatchObject({ label: "Latency p95", verdict: "fail" });
  });

  it("does not judge before delayAbortEval: a breach from the start stops the run within 2 s + delayAbortEval", async () => {
    const { result } = await run("breach-early", 0, "4s");
    expect(result.exitCode).toBe(99);
    const { atMs } = result.summary.criteria!.abortedBy!;
    expect(atMs).toBeGreaterThanOrEqual(4000);
    expect(atMs).toBeLessThanOrEqual(4000 + 2000);
  });
});
