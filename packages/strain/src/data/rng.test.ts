import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mix32, Rng, streamId, Weighted } from "./rng.js";

const u32 = fc.integer({ min: 0, max: 0xffffffff });

describe("mix32", () => {
  it("maps 32-bit integers to 32-bit integers without collisions on a sample", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200_000; i++) seen.add(mix32(i * 7919));
    expect(seen.size).toBe(200_000);
    fc.assert(
      fc.property(u32, (x) => {
        const y = mix32(x);
        expect(Number.isInteger(y) && y >= 0 && y <= 0xffffffff).toBe(true);
      }),
    );
  });

  it("avalanches: flipping one input bit flips about half the output bits", () => {
    let flipped = 0;
    let trials = 0;
    for (let x = 1; x < 2000; x++) {
      for (let bit = 0; bit < 32; bit++) {
        let d = (mix32(x) ^ mix32((x ^ (1 << bit)) >>> 0)) >>> 0;
        while (d !== 0) {
          flipped += d & 1;
          d >>>= 1;
        }
        trials++;
      }
    }
    expect(flipped / trials).toBeGreaterThan(15.5);
    expect(flipped / trials).toBeLessThan(16.5);
  });
});

describe("streamId", () => {
  it("is stable per name and distinct across the names a dataset uses", () => {
    const names = [
      "households",
      "farmers",
      "household_members",
      "lands",
      "crops",
      "livestock",
      "farm_inputs",
    ];
    expect(names.map(streamId)).toEqual(names.map(streamId));
    expect(new Set(names.map(streamId)).size).toBe(names.length);
    expect(streamId("a")).not.toBe(streamId("b"));
  });
});

describe("Rng", () => {
  it("restarts exactly at (seed, stream, row), and rows ≥ 2^32 are rows of their own", () => {
    const a = new Rng().reseed(5, 6, 7);
    const first = Array.from({ length: 20 }, () => a.u32());
    a.reseed(5, 6, 7);
    expect(Array.from({ length: 20 }, () => a.u32())).toEqual(first);
    const draw = (seed: number, stream: number, row: number) => new Rng().reseed(seed, stream, row).u32();
    expect(draw(5, 6, 8)).not.toBe(first[0]);
    expect(draw(5, 7, 7)).not.toBe(first[0]);
    expect(draw(4, 6, 7)).not.toBe(first[0]);
    expect(draw(1, 2, 2 ** 32)).not.toBe(draw(1, 2, 0));
    expect(draw(1, 2, 2 ** 52 + 3)).toBe(draw(1, 2, 2 ** 52 + 3));
  });

  it("gives independent-looking first draws for neighbouring rows (no correlation, uniform)", () => {
    const r = new Rng();
    const xs: number[] = [];
    for (let row = 0; row < 50_000; row++) xs.push(r.reseed(1, streamId("t"), row).next());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    let cov = 0;
    let v = 0;
    for (let i = 0; i + 1 < xs.length; i++) {
      cov += (xs[i]! - mean) * (xs[i + 1]! - mean);
      v += (xs[i]! - mean) ** 2;
    }
    expect(Math.abs(cov / v)).toBeLessThan(0.02);
    // 10 buckets, 50k draws: each within 10% ± 0.6 pp.
    const buckets = new Array<number>(10).fill(0);
    for (const x of xs) buckets[Math.floor(x * 10)]!++;
    for (const b of buckets) expect(Math.abs(b / xs.length - 0.1)).toBeLessThan(0.006);
  });

  it("keeps int, below, real, next and pick inside their bounds", () => {
    const r = new Rng(3);
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 1e6 }), (min, span) => {
        for (let i = 0; i < 20; i++) {
          const n = r.int(min, min + span);
          expect(Number.isInteger(n) && n >= min && n <= min + span).toBe(true);
          const b = r.below(span + 1);
          expect(Number.isInteger(b) && b >= 0 && b <= span).toBe(true);
          const x = r.real(min, min + span + 1);
          expect(x >= min && x < min + span + 1).toBe(true);
        }
      }),
    );
    for (let i = 0; i < 10_000; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1)) throw new Error(`next() = ${x}`);
    }
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(r.int(1, 6));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const picked = new Set<string>();
    for (let i = 0; i < 1000; i++) picked.add(r.pick(["a", "b", "c"]));
    expect(picked.size).toBe(3);
  });

  it("chance(p) is true p of the time", () => {
    const r = new Rng(11);
    for (const p of [0, 0.07, 0.58, 1]) {
      let n = 0;
      for (let i = 0; i < 100_000; i++) if (r.chance(p)) n++;
      expect(Math.abs(n / 100_000 - p)).toBeLessThan(0.005);
    }
  });
});

describe("Weighted", () => {
  it("draws each value in proportion to its weight (±0.5 pp on 200k draws)", () => {
    const w = new Weighted([
      ["MARRIED", 63],
      ["SINGLE", 18],
      ["WIDOWED", 12],
      ["DIVORCED", 7],
    ] as const);
    const r = new Rng(1);
    const counts = new Map<string, number>();
    for (let i = 0; i < 200_000; i++) {
      const v = r.weighted(w);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect(w.weights).toEqual([0.63, 0.18, 0.12, 0.07]);
    for (const [v, p] of [
      ["MARRIED", 0.63],
      ["SINGLE", 0.18],
      ["WIDOWED", 0.12],
      ["DIVORCED", 0.07],
    ] as const)
      expect(Math.abs(counts.get(v)! / 200_000 - p), v).toBeLessThan(0.005);
  });

  it("never draws a zero-weight entry and maps the ends of the 32-bit range", () => {
    const w = new Weighted([
      ["never", 0],
      ["a", 1],
      ["also never", 0],
      ["b", 3],
    ] as const);
    expect(w.values[w.indexOf(0)]).toBe("a");
    expect(w.values[w.indexOf(0xffffffff)]).toBe("b");
    const r = new Rng(2);
    for (let i = 0; i < 20_000; i++) {
      const v = r.weighted(w);
      if (v !== "a" && v !== "b") throw new Error(`drew ${v}`);
    }
    fc.assert(
      fc.property(u32, (u) => {
        const i = w.indexOf(u);
        expect(i === 1 || i === 3).toBe(true);
      }),
    );
  });

  it("computes the mean of numeric entries", () => {
    expect(
      new Weighted([
        [0, 6],
        [1, 55],
        [2, 28],
        [3, 11],
      ]).mean(),
    ).toBeCloseTo(1.44, 10);
  });

  it("refuses empty tables and bad weights", () => {
    expect(() => new Weighted([])).toThrow(RangeError);
    expect(() => new Weighted([["a", -1]])).toThrow(RangeError);
    expect(() => new Weighted([["a", 0]])).toThrow(RangeError);
    expect(() => new Weighted([["a", Number.NaN]])).toThrow(RangeError);
  });
});
