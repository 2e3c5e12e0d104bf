import { describe, expect, it } from "vitest";
import { makeScenario, runInVirtualTime } from "../../../test/engine/fake-execution-host.js";

const byVU = (its: { vu: number }[]): Map<number, number> => {
  const m = new Map<number, number>();
  for (const it of its) m.set(it.vu, (m.get(it.vu) ?? 0) + 1);
  return m;
};

describe("constant-vus (virtual time)", () => {
  it("runs its VUs back to back for the duration, iterations numbered 0..n-1", async () => {
    const r = await runInVirtualTime(makeScenario({ executor: "constant-vus", vus: 3, durationMs: 1000 }), {
      time: 100,
    });
    expect(r.host.iterations).toHaveLength(30);
    expect([...byVU(r.host.iterations).values()]).toEqual([10, 10, 10]);
    expect(r.host.iterations.map((i) => i.iteration).sort((a, b) => a - b)).toEqual([...Array(30).keys()]);
    expect(r.host.iterations.every((i) => i.scheduledAt === null && i.abortedAt === undefined)).toBe(true);
    expect(r.host.vuEvents[0]).toEqual({ at: 0, active: 3, allocated: 3 });
    expect(r.host.vuEvents.at(-1)).toEqual({ at: 1000, active: 0, allocated: 3 });
    expect(r.endedAt).toBe(1000);
    expect(r.executor.plannedDuration).toBe(1000);
  });

  it("starts no iteration after the end; in-flight ones get gracefulStop, then their signals abort", async () => {
    const r = await runInVirtualTime(
      makeScenario({ executor: "constant-vus", vus: 1, durationMs: 1000 }, { gracefulStopMs: 100 }),
      { time: 300 },
    );
    expect(r.host.iterations.map((i) => [i.startedAt, i.endedAt, i.abortedAt])).toEqual([
      [0, 300, undefined],
      [300, 600, undefined],
      [600, 900, undefined],
      [900, undefined, 1100],
    ]);
    expect(r.endedAt).toBe(1100);
  });

  it("honours startTime", async () => {
    const r = await runInVirtualTime(
      makeScenario({ executor: "constant-vus", vus: 2, durationMs: 1000 }, { startTimeMs: 500 }),
      { time: 250 },
    );
    expect(r.host.iterations[0]?.startedAt).toBe(500);
    expect(r.host.iterations.at(-1)?.startedAt).toBe(1250);
    expect(r.host.iterations).toHaveLength(8);
    expect(r.executor.plannedDuration).toBe(1500);
    expect(r.endedAt).toBe(1500);
  });

  it("keeps the event loop turning when iterations settle at once", { timeout: 5000 }, async () => {
    // Zero-time iterations never leave the microtask queue; without a yield the clock (and the end
    // timer) would not run again. Past 50,000 iterations they take 1 ms, so a broken yield fails
    // this test instead of hanging it.
    const r = await runInVirtualTime(makeScenario({ executor: "constant-vus", vus: 2, durationMs: 10 }), {
      time: (it) => (it.iteration < 50_000 ? 0 : 1),
    });
    expect(r.endedAt).toBe(10);
    expect(r.host.iterations.length).toBeGreaterThanOrEqual(128);
    expect(r.host.iterations.length).toBeLessThan(50_000);
  });
});

describe("ramping-vus (virtual time)", () => {
  it("VU counts follow the stages up, flat and down", async () => {
    const r = await runInVirtualTime(
      makeScenario(
        {
          executor: "ramping-vus",
          startVUs: 0,
          stages: [
            { durationMs: 1000, target: 4 },
            { durationMs: 1000, target: 4 },
            { durationMs: 1000, target: 0 },
          ],
          gracefulRampDownMs: 30_000,
        },
        { gracefulStopMs: 0 },
      ),
      { time: 10 },
    );
    // Up: the k-th VU joins when the line reaches k (250 ms apart); down: one leaves as it reaches each integer.
    const expected: [number, number][] = [
      [0, 0],
      [249, 0],
      [250, 1],
      [500, 2],
      [999, 3],
      [1000, 4],
      [1999, 4],
      [2249, 4],
      [2260, 3],
      [2510, 2],
      [2760, 1],
      [2999, 1],
    ];
    for (const [t, vus] of expected) expect([t, r.host.activeAt(t)]).toEqual([t, vus]);
    // The VUs that started an iteration in a window match the target there.
    const vusIn = (from: number, to: number) =>
      new Set(r.host.iterations.filter((i) => i.startedAt >= from && i.startedAt < to).map((i) => i.vu)).size;
    expect(vusIn(1000, 2000)).toBe(4);
    expect(vusIn(2260, 2500)).toBe(3);
    expect(vusIn(2760, 3000)).toBe(1);
    expect(r.host.iterations.some((i) => i.startedAt >= 3000)).toBe(false);
    expect(r.endedAt).toBe(3000);
    expect(r.executor.plannedDuration).toBe(3000);
    expect(r.host.violations).toEqual([]);
  });

  it("surplus VUs finish their iteration, and are aborted after gracefulRampDown", async () => {
    const plan = (gracefulRampDownMs: number) =>
      makeScenario({
        executor: "ramping-vus",
        startVUs: 2,
        stages: [
          { durationMs: 1000, target: 2 },
          { durationMs: 0, target: 1 },
          { durationMs: 2000, target: 1 },
        ],
        gracefulRampDownMs,
      });
    const short = await runInVirtualTime(plan(200), { time: 700 });
    const second = short.host.iterations.filter((i) => i.vu === 2);
    expect(second.map((i) => [i.startedAt, i.endedAt, i.abortedAt])).toEqual([
      [0, 700, undefined],
      [700, undefined, 1200],
    ]);
    const first = short.host.iterations.filter((i) => i.vu === 1).map((i) => i.startedAt);
    expect(first).toEqual([0, 700, 1400, 2100, 2800]);
    expect(short.endedAt).toBe(3500);
    const long = await runInVirtualTime(plan(500), { time: 700 });
    expect(
      long.host.iterations.filter((i) => i.vu === 2).map((i) => [i.startedAt, i.endedAt, i.abortedAt]),
    ).toEqual([
      [0, 700, undefined],
      [700, 1400, undefined],
    ]);
  });

  it("re-uses a parked VU when the target rises again", async () => {
    const r = await runInVirtualTime(
      makeScenario({
        executor: "ramping-vus",
        startVUs: 2,
        stages: [
          { durationMs: 0, target: 1 },
          { durationMs: 500, target: 1 },
          { durationMs: 0, target: 2 },
          { durationMs: 500, target: 2 },
        ],
        gracefulRampDownMs: 10_000,
      }),
      { time: 100 },
    );
    expect(r.host.vuEvents.map((e) => e.allocated).every((a) => a === 2)).toBe(true);
    expect(r.host.iterations.filter((i) => i.vu === 2).map((i) => i.startedAt)).toEqual([
      0, 500, 600, 700, 800, 900,
    ]);
  });
});

describe("per-vu-iterations (virtual time)", () => {
  it("each VU runs exactly `iterations`, numbered m·vus + g, and finishes early", async () => {
    const r = await runInVirtualTime(
      makeScenario({ executor: "per-vu-iterations", vus: 3, iterations: 4, maxDurationMs: 10_000 }),
      { time: 100 },
    );
    expect([...byVU(r.host.iterations).values()]).toEqual([4, 4, 4]);
    expect(r.host.iterations.map((i) => i.iteration)).toEqual([...Array(12).keys()]);
    expect(r.endedAt).toBe(400);
    expect(r.executor.plannedDuration).toBe(10_000);
  });

  it("is bounded by maxDuration", async () => {
    const r = await runInVirtualTime(
      makeScenario(
        { executor: "per-vu-iterations", vus: 2, iterations: 100, maxDurationMs: 1000 },
        { gracefulStopMs: 0 },
      ),
      { time: 150 },
    );
    expect(r.host.iterations).toHaveLength(14);
    expect(
      r.host.iterations.filter((i) => i.abortedAt !== undefined).map((i) => [i.startedAt, i.abortedAt]),
    ).toEqual([
      [900, 1000],
      [900, 1000],
    ]);
    expect(r.endedAt).toBe(1000);
  });
});

describe("shared-iterations (virtual time)", () => {
  it("VUs share exactly `iterations`; fast VUs take more", async () => {
    const r = await runInVirtualTime(
      makeScenario({ executor: "shared-iterations", vus: 4, iterations: 10, maxDurationMs: 10_000 }),
      { time: (_it, vu) => (vu.id === 1 ? 10 : 100) },
    );
    expect(r.host.iterations.map((i) => i.iteration).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(byVU(r.host.iterations).get(1)).toBe(7);
    expect(r.endedAt).toBe(100);
  });

  it("is bounded by maxDuration", async () => {
    const r = await runInVirtualTime(
      makeScenario(
        { executor: "shared-iterations", vus: 2, iterations: 1000, maxDurationMs: 1000 },
        { gracefulStopMs: 50 },
      ),
      { time: 300 },
    );
    expect(r.host.iterations).toHaveLength(8);
    expect(r.host.iterations.filter((i) => i.abortedAt !== undefined)).toHaveLength(2);
    expect(r.endedAt).toBe(1050);
  });
});
