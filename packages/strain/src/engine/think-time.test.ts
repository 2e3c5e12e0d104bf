import { describe, expect, it } from "vitest";
import { drawThinkTime } from "./think-time.js";

describe("drawThinkTime", () => {
  it("fixed, uniform and gaussian", () => {
    expect(drawThinkTime("250ms")).toBe(250);
    expect(drawThinkTime({ uniform: ["1s", "2s"] }, () => 0.5)).toBe(1500);
    let n = 0;
    const seq = [0.5, 0.25];
    // Box–Muller with u1 = 0.5, u2 = 0.25: cos(π/2) = 0 → exactly the mean.
    expect(drawThinkTime({ gaussian: { mean: "1s", stddev: "100ms" } }, () => seq[n++ % 2]!)).toBeCloseTo(
      1000,
      6,
    );
  });

  it("gaussian draws have the configured mean and spread, never negative", () => {
    const xs = Array.from({ length: 20_000 }, () =>
      drawThinkTime({ gaussian: { mean: "100ms", stddev: "20ms" } }),
    );
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(mean).toBeGreaterThan(98);
    expect(mean).toBeLessThan(102);
    expect(sd).toBeGreaterThan(19);
    expect(sd).toBeLessThan(21);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
  });
});
