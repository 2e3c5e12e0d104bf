import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArrivalSchedule, type ArrivalStage } from "./arrival-schedule.js";

/** C(t): the integral of the rate, computed independently of the schedule's inverse. */
function integral(startRate: number, stages: readonly ArrivalStage[], timeUnitMs: number, t: number): number {
  let c = 0;
  let t0 = 0;
  let r = startRate;
  for (const s of stages) {
    const d = s.durationMs;
    const tau = Math.min(Math.max(0, t - t0), d);
    if (d > 0) {
      const rAt = r + ((s.target - r) * tau) / d;
      c += ((r + rAt) * tau) / 2 / timeUnitMs;
    }
    t0 += d;
    r = s.target;
  }
  return c;
}

describe("ArrivalSchedule", () => {
  it("constant rate: iteration j at j·timeUnit/rate, ⌈duration·rate/timeUnit⌉ of them", () => {
    const s = new ArrivalSchedule(1000, [{ durationMs: 10_000, target: 1000 }], 1000);
    expect(s.count).toBe(10_000);
    expect(s.timeOf(0)).toBe(0);
    expect(s.timeOf(1)).toBe(1);
    expect(s.timeOf(9999)).toBe(9999);
    const third = new ArrivalSchedule(3, [{ durationMs: 1000, target: 3 }], 1000);
    expect(third.count).toBe(3);
    expect([0, 1, 2].map((j) => third.timeOf(j))).toEqual([0, 1000 / 3, 2000 / 3]);
    const perMinute = new ArrivalSchedule(90, [{ durationMs: 60_000, target: 90 }], 60_000);
    expect(perMinute.count).toBe(90);
    expect(perMinute.timeOf(45)).toBe(30_000);
  });

  it("ramp 0→500/s over 10 s: 2,500 iterations at 200·√j ms", () => {
    const s = new ArrivalSchedule(0, [{ durationMs: 10_000, target: 500 }], 1000);
    expect(s.count).toBe(2500);
    for (const j of [0, 1, 4, 100, 2499]) expect(s.timeOf(j)).toBeCloseTo(200 * Math.sqrt(j), 9);
  });

  it("a stretch at rate 0 starts nothing, not even at t = 0", () => {
    const s = new ArrivalSchedule(
      0,
      [
        { durationMs: 5000, target: 0 },
        { durationMs: 1000, target: 10 },
        { durationMs: 1000, target: 0 },
        { durationMs: 3000, target: 0 },
      ],
      1000,
    );
    expect(s.count).toBe(10);
    expect(s.timeOf(0)).toBe(5000);
    for (let j = 0; j < s.count; j++) {
      expect(s.timeOf(j)).toBeGreaterThanOrEqual(5000);
      expect(s.timeOf(j)).toBeLessThan(7000);
    }
  });

  it("times are the exact inverse of the rate's integral, in order, within the duration", () => {
    const stage = fc.record({
      durationMs: fc.integer({ min: 0, max: 20_000 }),
      target: fc.integer({ min: 0, max: 300 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.array(stage, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(100, 1000, 60_000),
        (startRate, stages, timeUnitMs) => {
          const s = new ArrivalSchedule(startRate, stages, timeUnitMs);
          const total = integral(startRate, stages, timeUnitMs, s.durationMs);
          expect(s.count).toBe(total > 1e-9 ? Math.ceil(total - 1e-9) : 0);
          // Up to ~500 iterations spread over the schedule, with both ends.
          const step = Math.max(1, Math.floor(s.count / 500));
          const sample: number[] = [];
          for (let j = 0; j < s.count; j += step) sample.push(j);
          if (s.count > 0) sample.push(s.count - 1);
          let prev = -1;
          for (const j of sample) {
            const t = s.timeOf(j);
            const err = Math.abs(integral(startRate, stages, timeUnitMs, t) - j);
            if (t < prev || t > s.durationMs || err > 1e-6 * Math.max(1, j)) {
              expect.fail(`iteration ${j}: t = ${t} (previous ${prev}), C(t) − j = ${err}`);
            }
            prev = t;
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
