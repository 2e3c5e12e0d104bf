import { describe, expect, it } from "vitest";
import { formatObserved, formatValueBody, meets, parseCriterionValue } from "./values.js";

describe("criterion values", () => {
  it.each([
    ["2s", "<=", 2000, "ms"],
    ["500ms", "<=", 500, "ms"],
    ["1m30s", "<=", 90_000, "ms"],
    ["1.5 s", "<=", 1500, "ms"],
    ["<200ms", "<", 200, "ms"],
    ["0.5%", "<=", 0.005, "ratio"],
    ["0.7%", "<=", 0.007, "ratio"],
    ["<=1%", "<=", 0.01, "ratio"],
    [">=15000/s", ">=", 15000, "per_second"],
    ["900/m", "<=", 15, "per_second"],
    ["3600/h", "<=", 1, "per_second"],
    ["10MB", "<=", 10_000_000, "bytes"],
    ["1KiB", "<=", 1024, "bytes"],
    ["2x", "<=", 2, "multiplier"],
    ["= 3", "==", 3, "number"],
    ["===3", "==", 3, "number"],
    ["!=0", "!=", 0, "number"],
    ["0.01", "<=", 0.01, "number"],
    [2000, "<=", 2000, "number"],
    ["-5", "<=", -5, "number"],
  ] as const)("%j", (input, op, value, unit) => {
    expect(parseCriterionValue(input)).toMatchObject({ ok: true, op, value, unit });
  });

  it.each([
    ["", "must not be empty"],
    ["<", '"<" has no number'],
    ["2 parsecs", '"2 parsecs" has an unknown unit "parsecs"'],
    ["5/d", '"5/d" has an unknown rate unit "/d" (use /s, /m or /h)'],
    ["abc", '"abc" is not a number with a unit'],
    [Number.NaN, "NaN is not a value"],
    [true, "must be a string or a number"],
  ])("rejects %j: %s", (input, error) => {
    expect(parseCriterionValue(input)).toEqual({ ok: false, error });
  });

  it("compares with every operator", () => {
    const c = (op: "<" | "<=" | ">" | ">=" | "==" | "!=") => ({
      op,
      value: 2,
      unit: "number" as const,
      text: "",
    });
    expect([1, 2, 3].map((v) => meets(v, c("<")))).toEqual([true, false, false]);
    expect([1, 2, 3].map((v) => meets(v, c("<=")))).toEqual([true, true, false]);
    expect([1, 2, 3].map((v) => meets(v, c(">")))).toEqual([false, false, true]);
    expect([1, 2, 3].map((v) => meets(v, c(">=")))).toEqual([false, true, true]);
    expect([1, 2, 3].map((v) => meets(v, c("==")))).toEqual([false, true, false]);
    expect([1, 2, 3].map((v) => meets(v, c("!=")))).toEqual([true, false, true]);
  });

  it("writes values and observations for people", () => {
    expect(formatValueBody(4000, "ms")).toBe("4s");
    expect(formatValueBody(0.012, "ratio")).toBe("1.2%");
    expect(formatValueBody(0.007 * 4, "ratio")).toBe("2.8%");
    expect(formatValueBody(12000, "per_second")).toBe("12000/s");
    expect(formatObserved(0.85, "ms")).toBe("850µs");
    expect(formatObserved(12.34, "ms")).toBe("12.3ms");
    expect(formatObserved(812.4, "ms")).toBe("812ms");
    expect(formatObserved(6010.5876, "ms")).toBe("6.011s");
    expect(formatObserved(0.00412, "ratio")).toBe("0.412%");
    expect(formatObserved(14980.4, "per_second")).toBe("14980.4/s");
    expect(formatObserved(12, "count")).toBe("12");
  });
});
