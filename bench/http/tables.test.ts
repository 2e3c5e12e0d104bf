import { describe, expect, it } from "vitest";
import { growthAfterWarmup, sparkline } from "./soak.js";
import { formatMs, markdownTable, median, medianWithSpread } from "./tables.js";

describe("median and spread", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("shows the median with the range of the rounds", () => {
    expect(medianWithSpread([5.5, 6.25, 5], 2)).toBe("5.50 (5.00–6.25)");
    expect(medianWithSpread([5.5], 1)).toBe("5.5");
    expect(medianWithSpread([], 1)).toBe("—");
  });
});

describe("markdownTable", () => {
  it("pads columns and right-aligns all but the first", () => {
    expect(
      markdownTable(
        ["tool", "µs"],
        [
          ["wrk", "5.5"],
          ["strain", "12.25"],
        ],
      ),
    ).toBe(
      ["| tool   |    µs |", "| ------ | ----: |", "| wrk    |   5.5 |", "| strain | 12.25 |"].join("\n"),
    );
  });
});

describe("formatMs", () => {
  it("keeps µs under 10 ms and one decimal above", () => {
    expect(formatMs(0.1234)).toBe("0.123");
    expect(formatMs(1400.04)).toBe("1400.0");
    expect(formatMs(null)).toBe("—");
  });
});

describe("soak figures", () => {
  it("measures the growth of the floor from the first samples after warm-up to the last ones", () => {
    const times = [10, 20, 30, 40, 50, 60, 70, 80, 90];
    // Warm-up to 20 s; after it, the first three have floor 100, the last three floor 104.
    const values = [50, 90, 100, 180, 150, 140, 104, 190, 130];
    expect(growthAfterWarmup(values, times, 20)).toBeCloseTo(0.04, 10);
    expect(growthAfterWarmup(values, times, 85)).toBeNaN();
  });

  it("draws a sparkline from the lowest to the highest value", () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([3, 3])).toBe("▁▁");
  });
});
