import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMixPicker } from "./mix.js";

function counts(pick: (j: number) => number, flows: number, from: number, n: number, step = 1): number[] {
  const c = new Array<number>(flows).fill(0);
  for (let k = 0; k < n; k++) c[pick(from + k * step)]!++;
  return c;
}

describe("createMixPicker", () => {
  it("follows the documented example (40/30/20/10)", () => {
    const pick = createMixPicker([40, 30, 20, 10]);
    expect([0, 1, 2, 3, 4, 5].map(pick)).toEqual([0, 1, 0, 2, 1, 0]);
  });

  it("is a pure function of the global iteration number", () => {
    const a = createMixPicker([3, 1, 6]);
    const b = createMixPicker([3, 1, 6]);
    const forward = Array.from({ length: 500 }, (_, j) => a(j));
    const backward = Array.from({ length: 500 }, (_, k) => b(499 - k)).reverse();
    expect(backward).toEqual(forward);
  });

  it("proportions over any 1,000 consecutive iterations are within ±1 % of the weights", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        (weights, from) => {
          const total = weights.reduce((a, b) => a + b, 0);
          const c = counts(createMixPicker(weights), weights.length, from, 1000);
          weights.forEach((w, k) => {
            expect(Math.abs(c[k]! / 1000 - w / total)).toBeLessThanOrEqual(0.01);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is exact in the limit: 1,000,000 iterations within ±0.01 %", () => {
    const weights = [40, 30, 20, 10];
    const c = counts(createMixPicker(weights), 4, 0, 1_000_000);
    weights.forEach((w, k) => {
      expect(Math.abs(c[k]! - w * 10_000)).toBeLessThanOrEqual(100);
    });
  });

  it("never picks a zero-weight flow; a single flow is always 0", () => {
    const pick = createMixPicker([0, 5, 0, 5, 0]);
    const c = counts(pick, 5, 0, 10_000);
    expect(c[0]).toBe(0);
    expect(c[2]).toBe(0);
    expect(c[4]).toBe(0);
    expect(Math.abs(c[1]! - 5000)).toBeLessThanOrEqual(10);
    const one = createMixPicker([7]);
    expect(counts(one, 1, 0, 100)).toEqual([100]);
  });

  it("rejects empty, negative, non-finite and all-zero weights with STRAIN_ERR_PLAN_INVALID", () => {
    for (const weights of [[], [1, -1], [Number.NaN], [Number.POSITIVE_INFINITY], [0, 0]]) {
      expect(() => createMixPicker(weights)).toThrow(
        expect.objectContaining({ code: "STRAIN_ERR_PLAN_INVALID" }),
      );
    }
  });
});
