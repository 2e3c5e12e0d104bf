import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { downsampleMinMax } from "./downsample.js";

const maybe = fc.oneof(
  { weight: 5, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant(null) },
);

describe("downsampleMinMax", () => {
  it("keeps at most maxPoints, every series' global min and max, and the data order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 2, max: 400 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer(),
        (n, maxPoints, series, seed) => {
          let r = seed;
          const next = () => {
            r = (Math.imul(r, 1103515245) + 12345) | 0;
            return r;
          };
          const x = Array.from({ length: n }, (_, i) => i * 1.5);
          const ys = Array.from({ length: series }, () =>
            x.map(() => (next() % 7 === 0 ? null : (next() % 1000) / 7)),
          );
          const out = downsampleMinMax({ x, ys }, maxPoints);
          expect(out.x.length).toBeLessThanOrEqual(Math.max(maxPoints, n <= maxPoints ? n : 0));
          for (let i = 1; i < out.x.length; i++) expect(out.x[i]!).toBeGreaterThan(out.x[i - 1]!);
          ys.forEach((y, s) => {
            const kept = out.ys[s]!;
            expect(kept.length).toBe(out.x.length);
            const vals = y.filter((v): v is number => v !== null);
            const keptVals = kept.filter((v): v is number => v !== null);
            if (vals.length === 0) expect(keptVals).toEqual([]);
            else {
              expect(Math.max(...keptVals)).toBe(Math.max(...vals));
              expect(Math.min(...keptVals)).toBe(Math.min(...vals));
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("keeps a one-interval spike in an hour of flat data", () => {
    const x = Array.from({ length: 3600 }, (_, i) => i);
    const y = x.map((i) => (i === 1234 ? 950 : 10));
    const out = downsampleMinMax({ x, ys: [y] }, 900);
    expect(out.x.length).toBeLessThanOrEqual(900);
    expect(Math.max(...(out.ys[0] as number[]))).toBe(950);
  });

  it("leaves small tables alone", () => {
    const t = { x: [0, 1, 2], ys: [[1, null, 3]] };
    expect(downsampleMinMax(t, 10)).toBe(t);
  });

  it("random data with nulls keeps its shape", () => {
    fc.assert(
      fc.property(fc.array(maybe, { minLength: 10, maxLength: 500 }), (y) => {
        const x = y.map((_, i) => i);
        const out = downsampleMinMax({ x, ys: [y] }, 10);
        expect(out.x.length).toBeLessThanOrEqual(10);
      }),
    );
  });
});
