import { describe, expect, it } from "vitest";
import { makeScenario, runInVirtualTime } from "../../../test/engine/fake-execution-host.js";
import { type Clock, VirtualClock } from "../clock.js";
import { createMixPicker } from "../mix.js";
import { createExecutor } from "./index.js";

const constantRate = (rate: number, durationMs: number, preAllocatedVUs: number, maxVUs = preAllocatedVUs) =>
  ({
    executor: "constant-arrival-rate",
    rate,
    timeUnitMs: 1000,
    durationMs,
    preAllocatedVUs,
    maxVUs,
  }) as const;

function buckets(times: number[], widthMs: number, n: number): number[] {
  const b = new Array<number>(n).fill(0);
  for (const t of times) b[Math.floor(t / widthMs)]!++;
  return b;
}

describe("constant-arrival-rate (virtual time)", () => {
  it("1,000/s for 10 s: iteration j due and started at j ms, 1,000 in every second, none dropped", async () => {
    const r = await runInVirtualTime(makeScenario(constantRate(1000, 10_000, 10, 20)), { time: 5 });
    const its = r.host.iterations;
    expect(its).toHaveLength(10_000);
    its.forEach((it, j) => {
      if (it.iteration !== j || it.scheduledAt !== j || it.startedAt !== j) {
        expect.fail(`iteration ${j}: ${JSON.stringify(it)}`);
      }
    });
    expect(
      buckets(
        its.map((i) => i.startedAt),
        1000,
        10,
      ),
    ).toEqual(new Array(10).fill(1000));
    expect(r.host.dropped).toBe(0);
    expect(r.host.violations).toEqual([]);
    // 5 ms iterations at 1/ms need 5 VUs: the 10 pre-allocated ones suffice, none added.
    expect(r.host.vuEvents[0]).toEqual({ at: 0, active: 10, allocated: 10 });
    expect(r.host.vuEvents.at(-1)).toEqual({ at: 10_004, active: 0, allocated: 10 });
    expect(r.endedAt).toBe(10_004);
    expect(r.executor.plannedDuration).toBe(10_000);
  });

  it("fills IterationRequest.flow from the mix by global iteration number", async () => {
    const weights = [40, 30, 20, 10];
    const r = await runInVirtualTime(makeScenario(constantRate(200, 5000, 5), { weights }), { time: 1 });
    const pick = createMixPicker(weights);
    expect(r.host.iterations).toHaveLength(1000);
    for (const it of r.host.iterations) expect(it.flow).toBe(pick(it.iteration));
    const perFlow = [0, 1, 2, 3].map((f) => r.host.iterations.filter((i) => i.flow === f).length);
    for (const [f, n] of [400, 300, 200, 100].entries())
      expect(Math.abs(perFlow[f]! - n)).toBeLessThanOrEqual(3);
  });

  it("starts after startTime: due at startTime + j·timeUnit/rate", async () => {
    const r = await runInVirtualTime(makeScenario(constantRate(10, 1000, 2), { startTimeMs: 2000 }), {
      time: 10,
    });
    expect(r.host.iterations.map((i) => i.scheduledAt)).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((j) => 2000 + j * 100),
    );
    expect(r.host.vuEvents[0]?.at).toBe(2000);
    expect(r.executor.plannedDuration).toBe(3000);
    expect(r.endedAt).toBe(3000);
  });

  it("counts dropped iterations when every VU is busy and maxVUs is reached", async () => {
    // 100/s with 50 ms iterations needs 5 VUs; with 2, each 50 ms window runs 2 and drops 3.
    const r = await runInVirtualTime(makeScenario(constantRate(100, 1000, 1, 2)), { time: 50 });
    expect(r.host.iterations).toHaveLength(40);
    expect(r.host.dropped).toBe(60);
    expect(r.host.dropEvents[0]).toEqual({ at: 20, count: 1 });
    expect(r.host.vuEvents.map((e) => e.allocated)).toEqual([1, 2, 2]);
    expect(r.host.violations).toEqual([]);
  });

  it("drops nothing when maxVUs suffices, growing VUs from preAllocatedVUs as needed", async () => {
    const r = await runInVirtualTime(makeScenario(constantRate(100, 1000, 1, 5)), { time: 50 });
    expect(r.host.iterations).toHaveLength(100);
    expect(r.host.dropped).toBe(0);
    expect(r.host.vuEvents.slice(0, 5).map((e) => [e.at, e.allocated])).toEqual([
      [0, 1],
      [10, 2],
      [20, 3],
      [30, 4],
      [40, 5],
    ]);
    expect(new Set(r.host.iterations.map((i) => i.vu)).size).toBe(5);
  });

  it("gives in-flight iterations gracefulStop after the end, then aborts their signals", async () => {
    const slow = await runInVirtualTime(makeScenario(constantRate(1, 3000, 3), { gracefulStopMs: 1500 }), {
      time: 5000,
    });
    expect(slow.host.iterations.map((i) => [i.startedAt, i.abortedAt, i.endedAt])).toEqual([
      [0, 4500, undefined],
      [1000, 4500, undefined],
      [2000, 4500, undefined],
    ]);
    expect(slow.endedAt).toBe(4500);
    const quick = await runInVirtualTime(makeScenario(constantRate(1, 3000, 3), { gracefulStopMs: 1500 }), {
      time: 2000,
    });
    expect(quick.host.iterations.map((i) => i.abortedAt)).toEqual([undefined, undefined, undefined]);
    expect(quick.endedAt).toBe(4000);
  });

  it("stop(graceful): no new iterations, in-flight ones aborted after the grace", async () => {
    const r = await runInVirtualTime(makeScenario(constantRate(1, 10_000, 5)), {
      time: 3000,
      during: (ex, clock) => clock.setTimeout(() => ex.stop(500), 1500),
    });
    expect(r.host.iterations.map((i) => [i.startedAt, i.abortedAt])).toEqual([
      [0, 2000],
      [1000, 2000],
    ]);
    expect(r.endedAt).toBe(2000);
    expect(r.host.vuEvents.at(-1)).toEqual({ at: 2000, active: 0, allocated: 5 });
  });

  it("stop() before or during startTime resolves run() without starting anything", async () => {
    const r = await runInVirtualTime(makeScenario(constantRate(10, 1000, 2), { startTimeMs: 5000 }), {
      during: (ex, clock) => clock.setTimeout(() => ex.stop(0), 1000),
    });
    expect(r.endedAt).toBe(1000);
    expect(r.host.iterations).toHaveLength(0);
    expect(r.host.vuEvents).toHaveLength(0);
    const clock = new VirtualClock();
    const ex = createExecutor(
      makeScenario(constantRate(10, 1000, 2)),
      { index: 0, count: 1 },
      {
        clock,
        createVU: () => ({ id: 1 }),
        runIteration: () => Promise.resolve(),
        onDropped: () => {},
        onVUs: () => {},
      },
    );
    ex.stop(0);
    await expect(ex.run()).resolves.toBeUndefined();
  });

  it("catches up after late timers: every iteration starts, with the time it was due", async () => {
    const virtual = new VirtualClock();
    let fires = 0;
    let vus = 0;
    // Every timer fires 7 ms late, like a busy event loop.
    const late: Clock = {
      now: () => virtual.now(),
      setTimeout: (fn, ms) =>
        virtual.setTimeout(() => {
          fires++;
          fn();
        }, ms + 7),
      clearTimeout: (h) => virtual.clearTimeout(h),
    };
    const started: { scheduledAt: number | null; iteration: number; at: number }[] = [];
    // A batch starts its iterations at once, one VU each: up to 8 in flight.
    const ex = createExecutor(
      makeScenario(constantRate(1000, 1000, 1, 10)),
      { index: 0, count: 1 },
      {
        clock: late,
        createVU: () => ({ id: ++vus }),
        runIteration: (_vu, it) => {
          started.push({ scheduledAt: it.scheduledAt, iteration: it.iteration, at: virtual.now() });
          return Promise.resolve();
        },
        onDropped: () => expect.fail("nothing should be dropped"),
        onVUs: () => {},
      },
    );
    let done = false;
    void ex.run().then(() => {
      done = true;
    });
    await virtual.runAll();
    expect(done).toBe(true);
    expect(started).toHaveLength(1000);
    started.forEach((s, j) => {
      expect(s.iteration).toBe(j);
      expect(s.scheduledAt).toBe(j);
      expect(s.at - j).toBeGreaterThanOrEqual(0);
      expect(s.at - j).toBeLessThanOrEqual(8);
    });
    // One timer per batch, not per iteration.
    expect(fires).toBeLessThan(200);
    expect(vus).toBeLessThanOrEqual(9);
  });
  it("a host that stops the executor from inside runIteration stops the batch there", async () => {
    const virtual = new VirtualClock();
    const late: Clock = {
      now: () => virtual.now(),
      setTimeout: (fn, ms) => virtual.setTimeout(fn, ms + 7),
      clearTimeout: (h) => virtual.clearTimeout(h),
    };
    const started: number[] = [];
    let vus = 0;
    const ex = createExecutor(
      makeScenario(constantRate(1000, 1000, 10)),
      { index: 0, count: 1 },
      {
        clock: late,
        createVU: () => ({ id: ++vus }),
        runIteration: (_vu, it) => {
          started.push(it.iteration);
          if (it.iteration === 3) ex.stop(0);
          return Promise.resolve();
        },
        onDropped: () => {},
        onVUs: () => {},
      },
    );
    let done = false;
    void ex.run().then(() => {
      done = true;
    });
    await virtual.runAll();
    expect(done).toBe(true);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(virtual.pending).toBe(0);
  });
});

describe("ramping-arrival-rate (virtual time)", () => {
  it("0→500/s over 10 s starts 2,500 iterations, iteration j at 200·√j ms", async () => {
    const r = await runInVirtualTime(
      makeScenario({
        executor: "ramping-arrival-rate",
        startRate: 0,
        timeUnitMs: 1000,
        stages: [{ durationMs: 10_000, target: 500 }],
        preAllocatedVUs: 5,
        maxVUs: 50,
      }),
      { time: 20 },
    );
    const its = r.host.iterations;
    expect(Math.abs(its.length - 2500)).toBeLessThanOrEqual(1);
    its.forEach((it, j) => {
      expect(it.iteration).toBe(j);
      expect(it.scheduledAt).toBeCloseTo(200 * Math.sqrt(j), 6);
      expect(it.startedAt).toBe(it.scheduledAt);
    });
    // Second k holds ∫ of the rate over [k, k+1) s: 25·(2k+1) iterations.
    // (rounded to 1 ns: 200·√225 computes as 2999.9999999999995)
    expect(
      buckets(
        its.map((i) => Math.round(i.startedAt * 1e6) / 1e6),
        1000,
        10,
      ),
    ).toEqual([25, 75, 125, 175, 225, 275, 325, 375, 425, 475]);
    expect(r.host.dropped).toBe(0);
    expect(r.executor.plannedDuration).toBe(10_000);
  });

  it("holds, ramps down and runs timeUnit per minute", async () => {
    const r = await runInVirtualTime(
      makeScenario({
        executor: "ramping-arrival-rate",
        startRate: 60,
        timeUnitMs: 60_000,
        stages: [
          { durationMs: 10_000, target: 60 },
          { durationMs: 10_000, target: 0 },
        ],
        preAllocatedVUs: 1,
        maxVUs: 1,
      }),
      { time: 1 },
    );
    // 10 s at 1/s, then a ramp to 0 worth 5 more.
    expect(r.host.iterations).toHaveLength(15);
    expect(r.host.iterations.slice(0, 10).map((i) => i.scheduledAt)).toEqual([
      0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000,
    ]);
    expect(r.host.iterations[10]?.scheduledAt).toBe(10_000);
  });
});
