import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.js";

describe("duration round trip", () => {
  it("parseDuration(formatDuration(ms)) === ms for any whole number of microseconds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400_000_000 }), (us) => {
        const ms = us / 1000;
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });

  it("composed h/m/s/ms strings parse to the sum of their parts", () => {
    fc.assert(
      fc.property(fc.nat(100), fc.nat(59), fc.nat(59), fc.nat(999), (h, m, s, msPart) => {
        const text = `${h}h${m}m${s}s${msPart}ms`;
        expect(parseDuration(text)).toBe(((h * 60 + m) * 60 + s) * 1000 + msPart);
      }),
    );
  });

  it("a number of ms and its formatted string parse the same", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(parseDuration(ms));
      }),
    );
  });
});
