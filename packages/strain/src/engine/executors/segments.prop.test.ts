import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeScenario, runInVirtualTime } from "../../../test/engine/fake-execution-host.js";
import type { Segment } from "../executor-types.js";
import { segmentShare } from "../segment.js";
import { planVUTimeline } from "./ramping-vus.js";

const segmentsOf = (count: number): Segment[] =>
  Array.from({ length: count }, (_, index) => ({ index, count }));

const weights = fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 4 });
const stage = (maxTarget: number, maxMs: number) =>
  fc.record({
    durationMs: fc.integer({ min: 0, max: maxMs }),
    target: fc.integer({ min: 0, max: maxTarget }),
  });

const openPlan = fc.oneof(
  fc.record({
    executor: fc.constant("constant-arrival-rate" as const),
    rate: fc.integer({ min: 0, max: 40 }),
    timeUnitMs: fc.constantFrom(250, 1000),
    durationMs: fc.integer({ min: 0, max: 2000 }),
    preAllocatedVUs: fc.integer({ min: 0, max: 20 }),
    maxVUs: fc.constant(1000),
  }),
  fc.record({
    executor: fc.constant("ramping-arrival-rate" as const),
    startRate: fc.integer({ min: 0, max: 40 }),
    timeUnitMs: fc.constantFrom(250, 1000),
    stages: fc.array(stage(40, 1000), { minLength: 1, maxLength: 4 }),
    preAllocatedVUs: fc.integer({ min: 0, max: 20 }),
    maxVUs: fc.constant(1000),
  }),
);

type Start = [iteration: number, scheduledAt: number | null, flow: number];

describe("segments together replay the single-process plan", () => {
  it("open model: the union of the segments' (iteration, scheduledAt, flow) is the single schedule", async () => {
    await fc.assert(
      fc.asyncProperty(
        openPlan,
        weights,
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 8 }),
        async (plan, w, startTimeMs, n) => {
          const scenario = makeScenario(plan, { weights: w, startTimeMs });
          const starts = (its: { iteration: number; scheduledAt: number | null; flow: number }[]): Start[] =>
            its.map((i) => [i.iteration, i.scheduledAt, i.flow]);
          const single = await runInVirtualTime(scenario, { time: 30 });
          const union: Start[] = [];
          let dropped = 0;
          for (const segment of segmentsOf(n)) {
            const r = await runInVirtualTime(scenario, { segment, time: 30 });
            expect(r.endedAt).toBeGreaterThanOrEqual(0);
            union.push(...starts(r.host.iterations));
            dropped += r.host.dropped;
            // Pre-allocated VUs are this segment's share.
            expect(r.host.vuEvents[0]?.allocated ?? 0).toBeGreaterThanOrEqual(
              segmentShare(plan.preAllocatedVUs, segment),
            );
          }
          union.sort((a, b) => a[0] - b[0]);
          expect(union).toEqual(starts(single.host.iterations));
          expect(dropped).toBe(0);
          expect(single.host.dropped).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("per-vu-iterations and shared-iterations: segments number exactly 0..total-1 and their VUs sum to vus", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("per-vu-iterations" as const, "shared-iterations" as const),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 8 }),
        async (executor, vus, iterations, n) => {
          const scenario = makeScenario({ executor, vus, iterations, maxDurationMs: 1_000_000 });
          const numbers: number[] = [];
          let allocated = 0;
          for (const segment of segmentsOf(n)) {
            const r = await runInVirtualTime(scenario, { segment, time: (it) => 1 + (it.iteration % 7) });
            expect(r.endedAt).toBeGreaterThanOrEqual(0);
            expect(r.host.violations).toEqual([]);
            numbers.push(...r.host.iterations.map((i) => i.iteration));
            // A segment with work runs its share of the VUs; one without allocates none.
            const segVUs = r.host.vuEvents[0]?.allocated ?? 0;
            expect(segVUs).toBe(r.host.iterations.length > 0 ? segmentShare(vus, segment) : 0);
            allocated += segVUs;
          }
          const total = executor === "per-vu-iterations" ? vus * iterations : vus === 0 ? 0 : iterations;
          expect(numbers.sort((a, b) => a - b)).toEqual([...Array(total).keys()]);
          if (executor === "per-vu-iterations" && iterations > 0) expect(allocated).toBe(vus);
          expect(allocated).toBeLessThanOrEqual(vus);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("constant-vus: segment VUs sum to vus and striped iteration numbers never collide", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 8 }), async (vus, n) => {
        const scenario = makeScenario({ executor: "constant-vus", vus, durationMs: 500 });
        const numbers = new Set<number>();
        let count = 0;
        let allocated = 0;
        for (const segment of segmentsOf(n)) {
          const r = await runInVirtualTime(scenario, { segment, time: 50 });
          for (const i of r.host.iterations) {
            numbers.add(i.iteration);
            expect(i.iteration % n).toBe(segment.index);
          }
          count += r.host.iterations.length;
          allocated += r.host.vuEvents[0]?.allocated ?? 0;
        }
        expect(numbers.size).toBe(count);
        expect(count).toBe(vus * 10);
        expect(allocated).toBe(vus);
      }),
      { numRuns: 40 },
    );
  });

  it("ramping-vus: at every instant the segments' VUs sum to the single-process target", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.array(stage(60, 10_000), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 8 }),
        (startVUs, stages, n) => {
          const whole = planVUTimeline(startVUs, stages, { index: 0, count: 1 });
          const parts = segmentsOf(n).map((s) => planVUTimeline(startVUs, stages, s));
          const valueAt = (tl: typeof whole, t: number): number => {
            let v = tl.initial;
            for (const s of tl.steps) if (s.at <= t) v = s.vus;
            return v;
          };
          const times = new Set<number>([0, whole.durationMs]);
          for (const tl of [whole, ...parts]) for (const s of tl.steps) times.add(s.at);
          for (const t of times) {
            expect(parts.reduce((a, tl) => a + valueAt(tl, t), 0)).toBe(valueAt(whole, t));
          }
          expect(valueAt(whole, whole.durationMs)).toBe(stages.at(-1)!.target);
          // The single-process timeline changes by one VU at a time except on 0-duration stages.
          for (const tl of parts) expect(tl.durationMs).toBe(whole.durationMs);
        },
      ),
      { numRuns: 200 },
    );
  });
});
