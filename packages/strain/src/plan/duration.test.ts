import { describe, expect, it } from "vitest";
import { ErrorCodes } from "../errors.js";
import { formatDuration, parseDuration, parseSize, tryParseDuration, tryParseSize } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    ["250ms", 250],
    ["2s", 2_000],
    ["1.5s", 1_500],
    [".5s", 500],
    ["1m", 60_000],
    ["1m30s", 90_000],
    ["1h", 3_600_000],
    ["1h2m3s4ms", 3_723_004],
    ["0.25ms", 0.25],
    ["0", 0],
    ["0s", 0],
    [0, 0],
    [1500, 1500],
    [2.5, 2.5],
  ] as const)("%j → %d ms", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([
    ["", "must not be empty"],
    ["500", '"500" has no unit (did you mean "500ms"?)'],
    ["2x", '"2x" is not a duration'],
    ["1m 30s", '"1m 30s" is not a duration'],
    ["1S", '"1S" is not a duration'],
    ["30s1m", '"30s1m" repeats a unit or puts a smaller unit first (write "1m30s")'],
    ["1s1s", '"1s1s" repeats a unit or puts a smaller unit first (write "1m30s")'],
    ["-1s", 'must not be negative (got "-1s")'],
    [-5, "must not be negative (got -5)"],
    [Number.NaN, "NaN is not a duration"],
    [true, "must be a duration (got true)"],
  ] as const)("rejects %j: %s", (input, error) => {
    expect(tryParseDuration(input)).toEqual({ ok: false, error });
  });

  it("throws PLAN_INVALID with a hint naming the accepted forms", () => {
    expect(() => parseDuration("soon")).toThrow(
      expect.objectContaining({ code: ErrorCodes.PLAN_INVALID, hint: expect.stringContaining('"1m30s"') }),
    );
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0ms"],
    [1.5, "1.5ms"],
    [250, "250ms"],
    [90_000, "1m30s"],
    [3_600_000, "1h"],
    [3_723_004, "1h2m3s4ms"],
    [86_400_000, "24h"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("refuses negative durations", () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
  });
});

describe("parseSize", () => {
  it.each([
    [0, 0],
    [1234, 1234],
    ["512", 512],
    ["512B", 512],
    ["512KB", 512_000],
    ["10MB", 10_000_000],
    ["10mb", 10_000_000],
    ["1GB", 1_000_000_000],
    ["1KiB", 1024],
    ["1.5KiB", 1536],
    ["1MiB", 1_048_576],
    ["1GiB", 1_073_741_824],
    ["10 MB", 10_000_000],
  ] as const)("%j → %d bytes", (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });

  it.each([
    ["10XB", '"10XB" has an unknown unit "XB"'],
    ["MB", '"MB" is not a size'],
    ["-1MB", '"-1MB" is not a size'],
    [1.5, "must be a whole, non-negative number of bytes (got 1.5)"],
    [-1, "must be a whole, non-negative number of bytes (got -1)"],
  ] as const)("rejects %j: %s", (input, error) => {
    expect(tryParseSize(input)).toEqual({ ok: false, error });
  });

  it("throws PLAN_INVALID with a hint", () => {
    expect(() => parseSize("lots")).toThrow(
      expect.objectContaining({ code: ErrorCodes.PLAN_INVALID, hint: expect.stringContaining('"10MB"') }),
    );
  });
});
