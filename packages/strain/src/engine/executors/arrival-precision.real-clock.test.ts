import { describe, expect, it } from "vitest";
import { makeScenario } from "../../../test/engine/fake-execution-host.js";
import { realClock } from "../clock.js";
import type { ExecutionHost } from "../executor-types.js";
import { createExecutor } from "./index.js";

/**
 * Precision of the scheduler on real Node timers (~10 s each). The host is trivial (an iteration
 * resolves at once), so what is measured is when the executor started iterations.
 */
async function runReal(scenario: Parameters<typeof createExecutor>[0]) {
  const starts: number[] = [];
  let lateMax = 0;
  let vus = 0;
  let dropped = 0;
  const host: ExecutionHost = {
    clock: realClock,
    createVU: () => ({ id: ++vus }),
    runIteration: (_vu, it) => {
      const now = realClock.now();
      starts.push(now);
      lateMax = Math.max(lateMax, now - (it.scheduledAt ?? now));
      return Promise.resolve();
    },
    onDropped: (n) => {
      dropped += n;
    },
    onVUs: () => {},
  };
  const executor = createExecutor(scenario, { index: 0, count: 1 }, host);
  const t0 = realClock.now();
  await executor.run();
  return { starts: starts.map((t) => t - t0), lateMax, dropped, elapsed: realClock.now() - t0 };
}

function perSecond(starts: number[], seconds: number): number[] {
  const b = new Array<number>(seconds).fill(0);
  for (const t of starts) {
    const k = Math.floor(t / 1000);
    if (k < seconds) b[k]!++;
  }
  return b;
}

describe("arrival-rate precision on the real clock", () => {
  it("1,000/s for 10 s: every second within ±1 %, total within ±0.5 %", { timeout: 30_000 }, async () => {
    const r = await runReal(
      makeScenario({
        executor: "constant-arrival-rate",
        rate: 1000,
        timeUnitMs: 1000,
        durationMs: 10_000,
        preAllocatedVUs: 50,
        maxVUs: 200,
      }),
    );
    expect(r.dropped).toBe(0);
    expect(r.starts).toHaveLength(10_000);
    const seconds = perSecond(r.starts, 10);
    for (const [k, n] of seconds.entries()) expect([k, n, Math.abs(n - 1000) <= 10]).toEqual([k, n, true]);
    // Started within the 10 s (late iterations past the end would be missing here).
    expect(Math.abs(seconds.reduce((a, b) => a + b, 0) - 10_000)).toBeLessThanOrEqual(50);
    expect(r.elapsed).toBeLessThan(10_200);
  });

  it(
    "ramp 0→500/s over 10 s: 2,500 ± 1 iterations, each second within ±1 % (±3 for small counts)",
    {
      timeout: 30_000,
    },
    async () => {
      const r = await runReal(
        makeScenario({
          executor: "ramping-arrival-rate",
          startRate: 0,
          timeUnitMs: 1000,
          stages: [{ durationMs: 10_000, target: 500 }],
          preAllocatedVUs: 50,
          maxVUs: 200,
        }),
      );
      expect(r.dropped).toBe(0);
      expect(Math.abs(r.starts.length - 2500)).toBeLessThanOrEqual(1);
      for (const [k, n] of perSecond(r.starts, 10).entries()) {
        const expected = 25 * (2 * k + 1);
        expect([k, n, Math.abs(n - expected) <= Math.max(3, expected * 0.01)]).toEqual([k, n, true]);
      }
    },
  );
});
